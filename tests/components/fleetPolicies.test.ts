import { strict as assert } from "node:assert";
import * as path from "node:path";
import { fleetBootstrapTemplate, fleetDeployTrust, fleetOperations } from "../../components/fleet/policies";
import type { PolicyDocument } from "../../components/iam";
import { readStackFile } from "../../offline/stackFiles";
import { fleetStackPrefix } from "../../stacks/config/fleet";
import { decide, withSimulatableIssuer } from "../helpers/iam";
import { projectRoot } from "../helpers/program";

/**
 * The fleet's deploy-role documents from the example fleet stack file (Pulumi.main-fleet.yaml): its Pulumi organization,
 * role name and bootstrap settings, as stacks/fleet.ts passes them. Fast and direct, for Stryker; tests/fleet/main.test.ts
 * checks the planned StackSet carries this template.
 */
const values = readStackFile(path.join(projectRoot, "Pulumi.main-fleet.yaml")).values as {
    delivery: { pulumiOrganization: string };
    fleet: { deployRoleName: string; bootstrap?: { deployManagedPolicyArns?: string[] } };
};
const organization = values.delivery.pulumiOrganization;
const roleName = values.fleet.deployRoleName;
const managedPolicies = values.fleet.bootstrap?.deployManagedPolicyArns ?? ["arn:aws:iam::aws:policy/AdministratorAccess"];

interface Template {
    AWSTemplateFormatVersion: string;
    Resources: Record<string, { Type: string; DependsOn?: string; Properties: Record<string, unknown> }>;
}
const template = (createOidcProvider: boolean): Template =>
    JSON.parse(
        fleetBootstrapTemplate({
            pulumiOrganization: organization,
            stackPrefix: fleetStackPrefix,
            deployRoleName: roleName,
            deployManagedPolicyArns: managedPolicies,
            createOidcProvider,
        }),
    ) as Template;

/** CloudFormation's Fn::Sub with the pseudo parameters of one stack instance (aws partition, that account). */
function instantiate(value: unknown, account: string): unknown {
    if (Array.isArray(value)) return value.map((item) => instantiate(item, account));
    if (typeof value === "object" && value !== null) {
        const sub = (value as { "Fn::Sub"?: unknown })["Fn::Sub"];
        if (typeof sub === "string") return sub.split("${AWS::AccountId}").join(account).split("${AWS::Partition}").join("aws");
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, instantiate(item, account)]));
    }
    return value;
}

const subject = (stack: string, operation: string, org = organization): string =>
    `pulumi:deploy:org:${org}:project:multi-account-ops:stack:${stack}:operation:${operation}:scope:write`;

describe("fleet policies (Pulumi.main-fleet.yaml)", () => {
    it("accepts the write operations and the drift schedule's, never a preview", () => {
        // OperationContext `operation` values: https://www.pulumi.com/docs/reference/cloud-rest-api/schema/operationcontext/
        assert.deepEqual(fleetOperations, ["update", "refresh", "destroy", "detect-drift", "remediate-drift"]);
    });

    it("trusts one stack's tokens through the account's own Pulumi OIDC provider, audience = the organization", () => {
        // https://www.pulumi.com/docs/deployments/deployments/oidc/aws/: aud is the organization, sub names org, project, stack, operation.
        assert.deepEqual(
            fleetDeployTrust({
                partition: "aws",
                accountId: "300000000001",
                pulumiOrganization: organization,
                stack: "member-300000000001",
            }),
            {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "PulumiDeployments",
                        Effect: "Allow",
                        Principal: { Federated: "arn:aws:iam::300000000001:oidc-provider/api.pulumi.com/oidc" },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Condition: {
                            StringEquals: { "api.pulumi.com/oidc:aud": organization },
                            StringLike: {
                                "api.pulumi.com/oidc:sub": fleetOperations.map((operation) => subject("member-300000000001", operation)),
                            },
                        },
                    },
                ],
            },
        );
    });

    it("is one template whose role and OIDC provider each stack instance fills in with its own account", () => {
        const withProvider = template(true);
        assert.equal(withProvider.AWSTemplateFormatVersion, "2010-09-09");
        assert.deepEqual(Object.keys(withProvider.Resources).sort(), ["DeployRole", "PulumiOidcProvider"]);
        // AWS::IAM::OIDCProvider: Url and ClientIdList (the audience Pulumi's tokens carry).
        assert.deepEqual(withProvider.Resources.PulumiOidcProvider, {
            Type: "AWS::IAM::OIDCProvider",
            Properties: { Url: "https://api.pulumi.com/oidc", ClientIdList: [organization] },
        });
        const role = withProvider.Resources.DeployRole;
        assert.equal(role.Type, "AWS::IAM::Role");
        assert.equal(role.DependsOn, "PulumiOidcProvider", "the role's trust names the provider created beside it");
        assert.equal(role.Properties.RoleName, roleName);
        assert.deepEqual(role.Properties.ManagedPolicyArns, managedPolicies);
        assert.equal(role.Properties.MaxSessionDuration, 3600);
        // Both descriptions say what the role and the stack set are for, as the console shows them.
        assert.match(String(role.Properties.Description), /^Pulumi Deployments of this account's own fleet stack/);
        assert.match(String((withProvider as { Description?: string }).Description), /^multi-account-ops fleet: .*Pulumi Deployments/);
        // Pseudo parameters in Fn::Sub: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html
        const trust = JSON.stringify(role.Properties.AssumeRolePolicyDocument);
        assert.ok(trust.includes('{"Fn::Sub":"arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/api.pulumi.com/oidc"}'), trust);
        assert.ok(trust.includes(`{"Fn::Sub":"${subject("member-${AWS::AccountId}", "update")}"}`), trust);
        assert.ok(trust.includes(`"api.pulumi.com/oidc:aud":"${organization}"`), "the audience is a plain string, no Fn::Sub");

        const existing = template(false);
        assert.deepEqual(Object.keys(existing.Resources), ["DeployRole"], "no provider when the accounts already have one");
        assert.equal(existing.Resources.DeployRole.DependsOn, undefined);
        assert.deepEqual(existing.Resources.DeployRole.Properties, role.Properties);
    });

    describe("the role in account X, as its stack instance resolves it (iam-simulate)", () => {
        const account = "300000000001";
        const trust = instantiate(template(true).Resources.DeployRole.Properties.AssumeRolePolicyDocument, account) as PolicyDocument;
        const withToken = (aud: string, sub: string, provider = account): Promise<string> =>
            decide({
                principal: `arn:aws:iam::${provider}:oidc-provider/api.pulumi.com/oidc`,
                action: "sts:AssumeRoleWithWebIdentity",
                resource: `arn:aws:iam::${account}:role/${roleName}`,
                resourceAccount: account,
                resourcePolicy: withSimulatableIssuer(trust),
                context: withSimulatableIssuer({ "api.pulumi.com/oidc:aud": aud, "api.pulumi.com/oidc:sub": sub }),
            });

        it("lets member-X update, refresh, destroy and run drift detection", async () => {
            for (const operation of fleetOperations)
                assert.equal(await withToken(organization, subject(`member-${account}`, operation)), "Allowed", operation);
        });
        it("denies another fleet stack, main, a preview, another Pulumi organization and another account's provider", async () => {
            assert.equal(await withToken(organization, subject("member-300000000002", "update")), "ImplicitlyDenied");
            assert.equal(await withToken(organization, subject("main", "update")), "ImplicitlyDenied");
            assert.equal(await withToken(organization, subject(`member-${account}`, "preview")), "ImplicitlyDenied");
            assert.equal(await withToken("other-org", subject(`member-${account}`, "update", "other-org")), "ImplicitlyDenied");
            assert.equal(await withToken(organization, subject(`member-${account}`, "update"), "300000000002"), "ImplicitlyDenied");
        });
    });
});
