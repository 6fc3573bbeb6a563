import { strict as assert } from "node:assert";
import { memberRoleTrust, oidcTrust, pulumiSubjects } from "../../components/delivery/policies";
import { previewOnlyVariable } from "../../stacks/config/resolve";
import { allowEverything, decide, withSimulatableIssuer } from "../helpers/iam";
import { exampleConfig, named, ofType, runProgram } from "../helpers/program";

const main = "111111111111";
const org = "o-exampleorg1";
const pulumiProvider = `arn:aws:iam::${main}:oidc-provider/api.pulumi.com/oidc`;
const deployer = `arn:aws:iam::${main}:role/multi-account-ops-deployer`;
const preview = `arn:aws:iam::${main}:role/multi-account-ops-preview`;
const token = (organization: string, project: string, stack: string, operation: string): string =>
    `pulumi:deploy:org:${organization}:project:${project}:stack:${stack}:operation:${operation}:scope:write`;

describe("delivery policies (iam-simulate)", () => {
    const deployerTrust = oidcTrust({
        pulumiProviderArn: pulumiProvider,
        organization: "my-org",
        stacks: ["main"],
        operations: ["update", "refresh", "destroy"],
    });
    const previewTrust = oidcTrust({
        pulumiProviderArn: pulumiProvider,
        organization: "my-org",
        stacks: ["main"],
        operations: ["preview"],
    });
    const withToken = (roleArn: string, trust: ReturnType<typeof oidcTrust>, aud: string, sub: string): Promise<string> =>
        decide({
            principal: pulumiProvider,
            action: "sts:AssumeRoleWithWebIdentity",
            resource: roleArn,
            resourceAccount: main,
            resourcePolicy: withSimulatableIssuer(trust),
            context: withSimulatableIssuer({ "api.pulumi.com/oidc:aud": aud, "api.pulumi.com/oidc:sub": sub }),
        });

    it("lets the org's update of this project and stack assume the deployer role", async () => {
        assert.equal(await withToken(deployer, deployerTrust, "my-org", token("my-org", "multi-account-ops", "main", "update")), "Allowed");
    });
    it("denies a preview token on the deployer role, and allows it on the read-only role", async () => {
        assert.equal(
            await withToken(deployer, deployerTrust, "my-org", token("my-org", "multi-account-ops", "main", "preview")),
            "ImplicitlyDenied",
        );
        assert.equal(await withToken(preview, previewTrust, "my-org", token("my-org", "multi-account-ops", "main", "preview")), "Allowed");
        assert.equal(
            await withToken(preview, previewTrust, "my-org", token("my-org", "multi-account-ops", "main", "update")),
            "ImplicitlyDenied",
        );
    });
    it("denies another org (subject or audience) and another project", async () => {
        assert.equal(
            await withToken(deployer, deployerTrust, "my-org", token("other-org", "multi-account-ops", "main", "update")),
            "ImplicitlyDenied",
        );
        assert.equal(
            await withToken(deployer, deployerTrust, "other-org", token("my-org", "multi-account-ops", "main", "update")),
            "ImplicitlyDenied",
        );
        assert.equal(
            await withToken(deployer, deployerTrust, "my-org", token("my-org", "other-project", "main", "update")),
            "ImplicitlyDenied",
        );
    });
    it("keeps the real Pulumi issuer's condition keys in the document itself", () => {
        const condition = deployerTrust.Statement[0].Condition as Record<string, Record<string, unknown>>;
        assert.deepEqual(Object.keys(condition.StringEquals), ["api.pulumi.com/oidc:aud"]);
        assert.deepEqual(Object.keys(condition.StringLike), ["api.pulumi.com/oidc:sub"]);
    });
    it("writes one subject per stack and write operation", () => {
        assert.deepEqual(pulumiSubjects("my-org", ["main", "member"], ["update"]), [
            token("my-org", "multi-account-ops", "main", "update"),
            token("my-org", "multi-account-ops", "member", "update"),
        ]);
    });

    describe("member roles", () => {
        const deployRole = "arn:aws:iam::222222222222:role/multi-account-ops-deploy";
        const readOnlyRole = "arn:aws:iam::222222222222:role/multi-account-ops-read-only";
        const assume = (principal: string, roleArn: string, trust: ReturnType<typeof memberRoleTrust>, orgId = org): Promise<string> =>
            decide({
                principal,
                action: "sts:AssumeRole",
                resource: roleArn,
                resourceAccount: "222222222222",
                identityPolicies: [allowEverything],
                resourcePolicy: trust,
                context: { "aws:PrincipalOrgID": orgId },
            });
        it("lets only the deployer assume the deploy role", async () => {
            const trust = memberRoleTrust([deployer], org);
            assert.equal(await assume(deployer, deployRole, trust), "Allowed");
            assert.equal(await assume(preview, deployRole, trust), "ImplicitlyDenied");
            assert.equal(await assume(`arn:aws:iam::${main}:role/developer`, deployRole, trust), "ImplicitlyDenied");
            assert.equal(await assume(deployer, deployRole, trust, "o-otherorg999"), "ImplicitlyDenied");
        });
        it("lets the deployer and the read-only role assume the read-only role, and no other main-account role", async () => {
            const trust = memberRoleTrust([deployer, preview], org);
            assert.equal(await assume(preview, readOnlyRole, trust), "Allowed");
            assert.equal(await assume(deployer, readOnlyRole, trust), "Allowed");
            assert.equal(await assume(`arn:aws:iam::${main}:role/developer`, readOnlyRole, trust), "ImplicitlyDenied");
        });
    });
});

describe("delivery under mocks", function () {
    // Several plans of the program per test.
    this.timeout(600_000);
    it("bootstraps the member roles into the configured OUs with automatic deployment, from the management account", async () => {
        const config = exampleConfig("main");
        (config.delivery as Record<string, unknown>).organizationalUnitIds = ["ou-ab12-cdef3456"];
        const run = await runProgram("main", config);
        const stackSet = named(run, "aws:cloudformation/stackSet:StackSet", "delivery-member-roles-stack-set");
        assert.equal(stackSet.account, "999999999999");
        assert.equal(stackSet.inputs.permissionModel, "SERVICE_MANAGED");
        assert.deepEqual(stackSet.inputs.autoDeployment, { enabled: true, retainStacksOnAccountRemoval: false });
        const template = JSON.parse(String(stackSet.inputs.templateBody)) as {
            Resources: Record<string, { Properties: { AssumeRolePolicyDocument: unknown } }>;
        };
        assert.deepEqual(template.Resources.DeployRole.Properties.AssumeRolePolicyDocument, memberRoleTrust([deployer], org));
        assert.deepEqual(template.Resources.ReadOnlyRole.Properties.AssumeRolePolicyDocument, memberRoleTrust([deployer, preview], org));
        const instances = named(run, "aws:cloudformation/stackSetInstance:StackSetInstance", "delivery-member-roles-instances");
        assert.deepEqual(instances.inputs.deploymentTargets, { organizationalUnitIds: ["ou-ab12-cdef3456"] });
        assert.equal(
            named(run, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "delivery-pulumi-oidc").inputs.url,
            "https://api.pulumi.com/oidc",
        );
        assert.deepEqual(named(run, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "delivery-pulumi-oidc").inputs.clientIdLists, [
            "my-org",
        ]);
    });

    it("switches every member provider to the read-only role in a preview-only run, and to the deploy role once enabled", async () => {
        const roleOf = (run: Awaited<ReturnType<typeof runProgram>>, account: string): string =>
            (ofType(run, "pulumi:providers:aws").find((p) => p.account === account)?.inputs.assumeRoles as { roleArn: string }[])[0]
                .roleArn;
        process.env[previewOnlyVariable] = "true";
        try {
            const previewRun = await runProgram("main", exampleConfig("main"));
            for (const account of ["222222222222", "333333333333", "444444444444"])
                assert.equal(roleOf(previewRun, account), `arn:aws:iam::${account}:role/multi-account-ops-read-only`);
            // The management provider is not a member: it keeps its configured role.
        } finally {
            delete process.env[previewOnlyVariable];
        }
        const config = exampleConfig("main");
        (config.delivery as Record<string, unknown>).useDeployRoles = true;
        const deployRun = await runProgram("main", config);
        assert.equal(roleOf(deployRun, "222222222222"), "arn:aws:iam::222222222222:role/multi-account-ops-deploy");
        const plain = await runProgram("main", exampleConfig("main"));
        // Otherwise the member's hubRoleName: the bootstrap's role in the example.
        assert.equal(roleOf(plain, "222222222222"), "arn:aws:iam::222222222222:role/multi-account-ops-deploy");
    });
});
