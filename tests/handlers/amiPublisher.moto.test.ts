import { strict as assert } from "node:assert";
import { GetParameterCommand, LabelParameterVersionCommand, ParameterNotFound, PutParameterCommand } from "@aws-sdk/client-ssm";
import {
    CreateAccountCommand,
    CreateOrganizationalUnitCommand,
    CreateOrganizationCommand,
    ListAccountsCommand,
    ListRootsCommand,
    MoveAccountCommand,
    OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { handler as rawHandler } from "../../handlers/amiPublisher";
import { ssmIn } from "../helpers/aws";
import { imageMessage, ownerAccount, snsEvent } from "../helpers/imageEvents";
import { captureLogs } from "../helpers/logs";
import { motoEndpoint } from "../helpers/moto";

const parameter = "/ec2-imagebuilder/latest/golden-al2023";
const memberA = "111111111111";
const memberB = "222222222222";
const outsider = "333333333333";
const regions = ["us-east-1", "eu-west-1"];

async function valueIn(accountId: string, region: string): Promise<{ value?: string; version?: number } | undefined> {
    try {
        const result = await (await ssmIn(accountId, region)).send(new GetParameterCommand({ Name: parameter }));
        return { value: result.Parameter?.Value, version: result.Parameter?.Version };
    } catch (error) {
        if (error instanceof ParameterNotFound) return undefined;
        throw error;
    }
}

let logLines: Record<string, unknown>[] = [];

/** The handler, with its log lines captured (kept in logLines) instead of printed. */
async function handler(event: Parameters<typeof rawHandler>[0]): ReturnType<typeof rawHandler> {
    const { result, error, lines } = await captureLogs(() => rawHandler(event));
    logLines = lines;
    if (error !== undefined) throw error;
    return result as Awaited<ReturnType<typeof rawHandler>>;
}

const twoRegionImage = imageMessage({
    amis: [
        { region: "us-east-1", image: "ami-0aaaaaaaaaaaaaaa1" },
        { region: "eu-west-1", image: "ami-0bbbbbbbbbbbbbbb2" },
    ],
    distributions: regions.map((region) => ({
        region,
        amiDistributionConfiguration: { launchPermission: { userIds: [memberA, memberB] } },
    })),
});

describe("AMI publisher handler against moto (multi-account)", () => {
    before(() => motoEndpoint());
    beforeEach(() => {
        process.env.PARAMETER_PREFIX = "/ec2-imagebuilder/latest";
        process.env.TARGET_ROLE_NAME = "LambdaExecutionRoleForSSMParam";
        delete process.env.ORG_READER_ROLE_ARN;
        process.env.MAX_CONCURRENCY = "4";
    });

    it("writes each region's AMI in exactly the receiving accounts and regions", async () => {
        const summary = await handler(snsEvent(twoRegionImage));
        assert.deepEqual(summary, { written: 6, unchanged: 0, skippedImages: 0 });
        const outcomes = logLines.filter((line) => line.outcome !== undefined);
        assert.equal(outcomes.length, 6, "one structured log line per target");
        assert.ok(outcomes.every((line) => line.level === "INFO" && line.outcome === "written" && line.service === "ami-publisher"));
        for (const account of [ownerAccount, memberA, memberB]) {
            assert.equal((await valueIn(account, "us-east-1"))?.value, "ami-0aaaaaaaaaaaaaaa1", `${account} us-east-1`);
            assert.equal((await valueIn(account, "eu-west-1"))?.value, "ami-0bbbbbbbbbbbbbbb2", `${account} eu-west-1`);
            assert.equal(await valueIn(account, "ap-northeast-1"), undefined, `${account} got a region it did not receive`);
        }
        for (const region of regions) assert.equal(await valueIn(outsider, region), undefined, `outsider got ${region}`);

        const labelled = await (await ssmIn(memberA, "us-east-1")).send(new GetParameterCommand({ Name: `${parameter}:v1.0.0-3` }));
        assert.equal(labelled.Parameter?.Value, "ami-0aaaaaaaaaaaaaaa1");
    });

    it("adds no parameter version when SNS redelivers the event", async () => {
        await handler(snsEvent(twoRegionImage));
        const again = await handler(snsEvent(twoRegionImage));
        assert.deepEqual(again, { written: 0, unchanged: 6, skippedImages: 0 });
        assert.equal((await valueIn(memberB, "eu-west-1"))?.version, 1);
    });

    it("writes nothing for a FAILED image", async () => {
        const summary = await handler(snsEvent(imageMessage({ status: "FAILED" })));
        assert.deepEqual(summary, { written: 0, unchanged: 0, skippedImages: 1 });
        for (const account of [ownerAccount, memberA]) assert.equal(await valueIn(account, "us-east-1"), undefined);
    });

    it("resolves OU sharing through Organizations, nested OUs included, via the org reader role", async () => {
        const organizations = new OrganizationsClient({ region: "us-east-1" });
        await organizations.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
        const rootId = (await organizations.send(new ListRootsCommand({}))).Roots?.[0]?.Id;
        assert.ok(rootId);
        const workloads = (await organizations.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: "workloads" })))
            .OrganizationalUnit;
        const nested = (await organizations.send(new CreateOrganizationalUnitCommand({ ParentId: workloads?.Id, Name: "prod" })))
            .OrganizationalUnit;
        assert.ok(workloads?.Id && workloads.Arn && nested?.Id);
        for (const [name, parent] of [
            ["in-workloads", workloads.Id],
            ["in-nested", nested.Id],
            ["in-root", undefined],
        ] as const) {
            await organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
            const created = (await organizations.send(new ListAccountsCommand({}))).Accounts?.find((a) => a.Name === name);
            assert.ok(created?.Id);
            if (parent)
                await organizations.send(
                    new MoveAccountCommand({ AccountId: created.Id, SourceParentId: rootId, DestinationParentId: parent }),
                );
        }
        const accounts = (await organizations.send(new ListAccountsCommand({}))).Accounts ?? [];
        const idOf = (name: string): string => accounts.find((a) => a.Name === name)?.Id ?? assert.fail(name);

        process.env.ORG_READER_ROLE_ARN = `arn:aws:iam::${ownerAccount}:role/OrgReader`;
        const summary = await handler(
            snsEvent(
                imageMessage({
                    amis: [{ region: "us-east-1", image: "ami-0ccccccccccccccc3" }],
                    distributions: [
                        {
                            region: "us-east-1",
                            amiDistributionConfiguration: { launchPermission: { organizationalUnitArns: [workloads.Arn] } },
                        },
                    ],
                }),
            ),
        );
        assert.equal(summary.written, 3);
        assert.equal((await valueIn(idOf("in-workloads"), "us-east-1"))?.value, "ami-0ccccccccccccccc3");
        assert.equal((await valueIn(idOf("in-nested"), "us-east-1"))?.value, "ami-0ccccccccccccccc3");
        assert.equal(await valueIn(idOf("in-root"), "us-east-1"), undefined);
    });

    it("rejects a malformed message, naming what is missing", async () => {
        await assert.rejects(handler(snsEvent("not json")), /SNS record 0: Message is not JSON: "not json"/);
        const lacking = imageMessage();
        delete lacking.outputResources;
        delete lacking.distributionConfiguration;
        await assert.rejects(handler(snsEvent(lacking)), /SNS record 0: image message lacks outputResources, distributionConfiguration/);
    });

    it("writes every other target when one fails, then names the failed one", async () => {
        // A parameter at SSM's 100-version limit whose oldest version is labelled refuses new versions.
        const blocked = await ssmIn(memberB, "us-east-1");
        for (let i = 0; i < 100; i++) {
            await blocked.send(
                new PutParameterCommand({
                    Name: parameter,
                    Value: `ami-0${String(i).padStart(16, "0")}`,
                    Type: "String",
                    Overwrite: i > 0,
                }),
            );
        }
        await blocked.send(new LabelParameterVersionCommand({ Name: parameter, ParameterVersion: 1, Labels: ["pinned"] }));

        await assert.rejects(handler(snsEvent(twoRegionImage)), (error: Error) => {
            assert.match(
                error.message,
                /^AMI publish failed for 1 target\(s\): 222222222222\/us-east-1: cannot write \/ec2-imagebuilder\/latest\/golden-al2023: ParameterMaxVersionLimitExceeded/,
            );
            return true;
        });
        assert.equal((await valueIn(memberB, "eu-west-1"))?.value, "ami-0bbbbbbbbbbbbbbb2");
        const failed = logLines.filter((line) => line.outcome === "failed");
        assert.deepEqual(
            failed.map((line) => [line.account, line.region, line.level]),
            [[memberB, "us-east-1", "ERROR"]],
        );
        for (const account of [ownerAccount, memberA]) {
            assert.equal((await valueIn(account, "us-east-1"))?.value, "ami-0aaaaaaaaaaaaaaa1");
        }
    });
});
