import { strict as assert } from "node:assert";
import {
    ListAccountsForParentCommand,
    ListOrganizationalUnitsForParentCommand,
    ListRootsCommand,
    OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { mockClient } from "aws-sdk-client-mock";
import { OrganizationTree } from "../../handlers/amiPublisher/organizations";

const org = "o-exampleorg1";
const orgArn = `arn:aws:organizations::999999999999:organization/${org}`;
const ouArn = (ou: string): string => `arn:aws:organizations::999999999999:ou/${org}/${ou}`;

/**
 * The tree: root r-ab12 holds account 1 and OU ou-ab12-aaaaaaaa; that OU holds account 2 (ACTIVE),
 * account 3 (SUSPENDED) and nested OU ou-ab12-bbbbbbbb with account 4 (only the older Status field).
 * ListAccountsForParent returns State (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED) and the deprecated Status:
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html
 */
describe("AMI publisher: walking the organization (aws-sdk-client-mock)", () => {
    let organizations: ReturnType<typeof mockClient>;
    beforeEach(() => {
        organizations = mockClient(OrganizationsClient);
        organizations.on(ListRootsCommand).resolves({ Roots: [{ Id: "r-ab12" }] });
        organizations
            .on(ListAccountsForParentCommand, { ParentId: "r-ab12" })
            .resolves({ Accounts: [{ Id: "111111111111", State: "ACTIVE" }] })
            .on(ListAccountsForParentCommand, { ParentId: "ou-ab12-aaaaaaaa" })
            .resolves({
                Accounts: [
                    { Id: "222222222222", State: "ACTIVE", Status: "SUSPENDED" },
                    { Id: "333333333333", State: "SUSPENDED", Status: "ACTIVE" },
                    { State: "ACTIVE" },
                ],
            })
            .on(ListAccountsForParentCommand, { ParentId: "ou-ab12-bbbbbbbb" })
            .resolves({
                Accounts: [
                    { Id: "444444444444", Status: "ACTIVE" },
                    { Id: "555555555555", Status: "SUSPENDED" },
                ],
            });
        organizations
            .on(ListOrganizationalUnitsForParentCommand, { ParentId: "r-ab12" })
            .resolves({ OrganizationalUnits: [{ Id: "ou-ab12-aaaaaaaa" }] })
            .on(ListOrganizationalUnitsForParentCommand, { ParentId: "ou-ab12-aaaaaaaa" })
            .resolves({ OrganizationalUnits: [{ Id: "ou-ab12-bbbbbbbb" }, {}] })
            .on(ListOrganizationalUnitsForParentCommand, { ParentId: "ou-ab12-bbbbbbbb" })
            .resolves({});
    });
    afterEach(() => organizations.restore());

    it("lists the active accounts of the whole organization, nested OUs included", async () => {
        assert.deepEqual(await new OrganizationTree("aws").accountsIn(orgArn), ["111111111111", "222222222222", "444444444444"]);
    });

    it("lists an OU's active accounts, nested OUs included, and nothing above it", async () => {
        assert.deepEqual(await new OrganizationTree("aws").accountsIn(ouArn("ou-ab12-aaaaaaaa")), ["222222222222", "444444444444"]);
        assert.deepEqual(await new OrganizationTree("aws").accountsIn(ouArn("ou-ab12-bbbbbbbb")), ["444444444444"]);
        assert.equal(organizations.commandCalls(ListRootsCommand).length, 0);
    });

    it("resolves each ARN once per invocation", async () => {
        const tree = new OrganizationTree("aws");
        await Promise.all([tree.accountsIn(ouArn("ou-ab12-bbbbbbbb")), tree.accountsIn(ouArn("ou-ab12-bbbbbbbb"))]);
        assert.equal(organizations.commandCalls(ListAccountsForParentCommand).length, 1);
    });

    it("names an ARN that is neither an organization nor an OU", async () => {
        for (const arn of [
            "arn:aws:organizations::999999999999:account/o-exampleorg1/111111111111",
            `${orgArn}/extra`,
            `x${ouArn("ou-ab12-aaaaaaaa")}/`,
        ])
            await assert.rejects(new OrganizationTree("aws").accountsIn(arn), {
                message: `${arn} is neither an organization nor an organizational unit ARN`,
            });
    });

    it("calls Organizations in its one region per partition", async () => {
        // Organizations endpoints: https://docs.aws.amazon.com/general/latest/gr/ao.html
        for (const [partition, region] of [
            ["aws", "us-east-1"],
            ["aws-cn", "cn-northwest-1"],
            ["aws-us-gov", "us-gov-west-1"],
        ]) {
            organizations.resetHistory();
            await new OrganizationTree(partition).accountsIn(ouArn("ou-ab12-bbbbbbbb"));
            const client = organizations.commandCalls(ListAccountsForParentCommand)[0].thisValue as OrganizationsClient;
            assert.equal(await client.config.region(), region, partition);
        }
    });
});
