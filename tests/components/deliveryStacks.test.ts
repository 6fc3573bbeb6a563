import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { PolicyDocument } from "../../components/iam";
import type { ProgramRun, Registration } from "../../offline/recorder";
import { parseStackConfig, StackConfigError } from "../../stacks/config/load";
import { previewOnlyVariable } from "../../stacks/config/resolve";
import { allowEverything, decide, withSimulatableIssuer } from "../helpers/iam";
import { exampleConfig, named, ofType, projectRoot, runProgram } from "../helpers/program";

/**
 * Delivery across stacks, on the plans of the example stacks: the bootstrap (management account), main,
 * a member stack and the deployments stack. Expectations come from the example configs.
 *
 * Rules relied on:
 * - AWS Organizations creates OrganizationAccountAccessRole only in accounts it creates, never in the
 *   management account: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access.html
 * - A service-managed StackSet with automatic deployment reaches every account of the target OUs, never the
 *   management account: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html
 * - A trust policy naming a role ARN fails if that role does not exist yet; `aws:PrincipalArn` on the account
 *   principal does not: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 * - Pulumi Deployments' OIDC token: aud = organization, sub =
 *   pulumi:deploy:org:<org>:project:<project>:stack:<stack>:operation:<operation>:scope:write
 *   (https://www.pulumi.com/docs/deployments/deployments/oidc/aws/, https://www.pulumi.com/docs/pulumi-cloud/oidc/provider/)
 * - GitHub Actions: a job that names an environment gets sub repo:<owner/repo>:environment:<name>
 *   (https://docs.github.com/en/actions/reference/security/oidc)
 * - IAM allows one OIDC provider per URL per account:
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html
 */

const exec = promisify(execFile);
const main = "111111111111";
const management = "999999999999";
const memberStackAccount = "555555555555";
const org = "o-exampleorg1";
const deployer = `arn:aws:iam::${main}:role/multi-account-ops-deployer`;
const preview = `arn:aws:iam::${main}:role/multi-account-ops-preview`;
const stranger = `arn:aws:iam::${main}:role/developer`;
const readOnlyAccess = "arn:aws:iam::aws:policy/ReadOnlyAccess";

const trustOf = (role: Registration): PolicyDocument => JSON.parse(String(role.inputs.assumeRolePolicy)) as PolicyDocument;
const roleNamed = (run: ProgramRun, name: string): Registration => {
    const found = ofType(run, "aws:iam/role:Role").find((r) => r.inputs.name === name);
    if (!found) throw new Error(`no role ${name}`);
    return found;
};
const attached = (run: ProgramRun, roleName: string): string[] =>
    ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter((a) => a.inputs.role === roleName)
        .map((a) => String(a.inputs.policyArn));
const inline = (run: ProgramRun, roleName: string): PolicyDocument[] =>
    ofType(run, "aws:iam/rolePolicy:RolePolicy")
        .filter((p) => p.inputs.role === roleName)
        .map((p) => JSON.parse(String(p.inputs.policy)) as PolicyDocument);

async function withPreviewOnly<T>(run: () => Promise<T>): Promise<T> {
    process.env[previewOnlyVariable] = "true";
    try {
        return await run();
    } finally {
        delete process.env[previewOnlyVariable];
    }
}

async function planMain(): Promise<ProgramRun> {
    return runProgram("main", exampleConfig("main"));
}
async function planMember(mainRun: ProgramRun, values = exampleConfig("member")): Promise<ProgramRun> {
    return runProgram("member", values, {
        stackOutputs: (name) => (name === "my-org/multi-account-ops/main" ? mainRun.outputs : undefined),
    });
}

describe("delivery: management.roleName", () => {
    it("a plan of main with management.accountId and no roleName fails validation, saying why", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
        const file = path.join(dir, "Pulumi.nomgmtrole.yaml");
        const text = fs.readFileSync(path.join(projectRoot, "Pulumi.main.yaml"), "utf8");
        const without = text.replace("        roleName: multi-account-ops-management\n", "");
        assert.notEqual(without, text);
        fs.writeFileSync(file, without);
        const result = await exec(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", "scripts/plan.ts", "--stack", "nomgmtrole", "--file", file],
            {
                cwd: projectRoot,
                maxBuffer: 64 * 1024 * 1024,
            },
        ).then(
            () => ({ code: 0, stderr: "" }),
            (error: { code: number; stderr: string }) => error,
        );
        assert.equal(result.code, 1);
        assert.match(result.stderr, /management\.roleName is required when management\.accountId "999999999999" is set/);
        assert.match(result.stderr, /never creates OrganizationAccountAccessRole in the management account/);
        assert.match(result.stderr, /bootstrap/);
    });

    it("does not ask for it when the management account is the main account", () => {
        const values = exampleConfig("main");
        values.management = { accountId: main };
        assert.doesNotThrow(() => parseStackConfig(values));
    });
});

describe("delivery: the bootstrap stack (management account)", function () {
    this.timeout(600_000);
    let bootstrap: ProgramRun;
    let mainRun: ProgramRun;
    before(async () => {
        bootstrap = await runProgram("bootstrap", exampleConfig("bootstrap"));
        mainRun = await planMain();
    });

    const assume = (
        principal: string,
        roleArn: string,
        trust: PolicyDocument,
        orgId = org,
        identity = [allowEverything],
    ): Promise<string> =>
        decide({
            principal,
            action: "sts:AssumeRole",
            resource: roleArn,
            resourceAccount: roleArn.split(":")[4],
            identityPolicies: identity,
            resourcePolicy: trust,
            context: { "aws:PrincipalOrgID": orgId },
        });

    it("makes the management role and its read-only twin in the management account, named as main's config expects", () => {
        const values = exampleConfig("main") as { management: { roleName: string; readOnlyRoleName: string } };
        const write = roleNamed(bootstrap, values.management.roleName);
        const readOnly = roleNamed(bootstrap, values.management.readOnlyRoleName);
        assert.equal(write.account, management);
        assert.equal(readOnly.account, management);
        assert.deepEqual(attached(bootstrap, values.management.readOnlyRoleName), [readOnlyAccess]);
        assert.deepEqual(inline(bootstrap, values.management.readOnlyRoleName), []);
        assert.equal(bootstrap.outputs.managementRoleArn, `arn:aws:iam::${management}:role/${values.management.roleName}`);
    });

    it("their trust: main's deployer allowed (before it exists: no role ARN as principal), a stranger, another account or org denied", async () => {
        const write = trustOf(roleNamed(bootstrap, "multi-account-ops-management"));
        const readOnly = trustOf(roleNamed(bootstrap, "multi-account-ops-management-read-only"));
        const writeArn = `arn:aws:iam::${management}:role/multi-account-ops-management`;
        const readOnlyArn = `arn:aws:iam::${management}:role/multi-account-ops-management-read-only`;
        assert.deepEqual(write.Statement[0].Principal, { AWS: `arn:aws:iam::${main}:root` });
        assert.equal(await assume(deployer, writeArn, write), "Allowed");
        assert.equal(await assume(preview, writeArn, write), "ImplicitlyDenied");
        assert.equal(await assume(stranger, writeArn, write), "ImplicitlyDenied");
        // The admin role of the first main run, from the bootstrap's config.
        const [admin] = (exampleConfig("bootstrap") as { adminRoleArns: string[] }).adminRoleArns;
        assert.equal(await assume(admin, writeArn, write), "Allowed");
        assert.equal(await assume("arn:aws:iam::222222222222:role/multi-account-ops-deployer", writeArn, write), "ImplicitlyDenied");
        assert.equal(await assume(deployer, writeArn, write, "o-otherorg999"), "ImplicitlyDenied");
        assert.equal(await assume(deployer, readOnlyArn, readOnly), "Allowed");
        assert.equal(await assume(preview, readOnlyArn, readOnly), "Allowed");
        assert.equal(await assume(stranger, readOnlyArn, readOnly), "ImplicitlyDenied");
    });

    it("main's preview role may assume the management read-only role (its policy in main's plan, the trust in the bootstrap's), not the write role", async () => {
        const identity = inline(mainRun, "multi-account-ops-preview");
        const readOnly = trustOf(roleNamed(bootstrap, "multi-account-ops-management-read-only"));
        const write = trustOf(roleNamed(bootstrap, "multi-account-ops-management"));
        assert.equal(
            await assume(preview, `arn:aws:iam::${management}:role/multi-account-ops-management-read-only`, readOnly, org, identity),
            "Allowed",
        );
        assert.equal(
            await assume(preview, `arn:aws:iam::${management}:role/multi-account-ops-management`, write, org, identity),
            "ImplicitlyDenied",
        );
    });

    // Cross-account, the role's trust is not enough: the caller's own identity policy must allow sts:AssumeRole on it
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html). With a deployer narrowed
    // below AdministratorAccess, only its inline policy grants that.
    it("a deployer without AdministratorAccess may still assume the management role and each member's access role", async () => {
        const values = exampleConfig("main");
        const delivery = values.delivery as Record<string, unknown>;
        delivery.deployerManagedPolicyArns = ["arn:aws:iam::aws:policy/PowerUserAccess"];
        // A member whose access role is not the deploy role's name.
        const members = values.members as Record<string, unknown>[];
        members[0] = { ...members[0], hubRoleName: "platform-access" };
        const narrowed = await runProgram("main", values);
        const identity = inline(narrowed, "multi-account-ops-deployer");
        const write = trustOf(roleNamed(bootstrap, "multi-account-ops-management"));
        assert.equal(
            await assume(deployer, `arn:aws:iam::${management}:role/multi-account-ops-management`, write, org, identity),
            "Allowed",
        );
        const memberRole = `arn:aws:iam::${String(members[0].accountId)}:role/platform-access`;
        const memberTrust = trustOf(roleNamed(bootstrap, "multi-account-ops-management")); // the same trust shape as the StackSet's roles
        assert.equal(await assume(deployer, memberRole, memberTrust, org, identity), "Allowed");
        assert.equal(
            await assume(deployer, `arn:aws:iam::${management}:role/some-other-role`, write, org, identity),
            "ImplicitlyDenied",
            "only the named roles",
        );
    });

    it("a service-managed StackSet gives every account of the OUs the hub's access role and its read-only twin, trusting the same way", async () => {
        const stackSet = named(bootstrap, "aws:cloudformation/stackSet:StackSet", "bootstrap-hub-access-roles-stack-set");
        assert.equal(stackSet.account, management);
        assert.equal(stackSet.inputs.permissionModel, "SERVICE_MANAGED");
        assert.deepEqual(stackSet.inputs.autoDeployment, { enabled: true, retainStacksOnAccountRemoval: false });
        const instances = named(bootstrap, "aws:cloudformation/stackSetInstance:StackSetInstance", "bootstrap-hub-access-roles-instances");
        assert.deepEqual(instances.inputs.deploymentTargets, { organizationalUnitIds: ["ou-ab12-cdef3456"] });
        const template = JSON.parse(String(stackSet.inputs.templateBody)) as {
            Resources: Record<
                string,
                { Properties: { RoleName: string; AssumeRolePolicyDocument: PolicyDocument; ManagedPolicyArns: unknown[] } }
            >;
        };
        const { HubAccessRole, HubReadOnlyRole } = template.Resources;
        // The names main's config assumes in its members.
        const mainValues = exampleConfig("main") as { members: { hubRoleName: string }[] };
        for (const member of mainValues.members) assert.equal(member.hubRoleName, HubAccessRole.Properties.RoleName);
        assert.equal(HubReadOnlyRole.Properties.RoleName, "multi-account-ops-read-only");
        const memberRole = `arn:aws:iam::222222222222:role/${HubAccessRole.Properties.RoleName}`;
        const memberReadOnly = "arn:aws:iam::222222222222:role/multi-account-ops-read-only";
        assert.equal(await assume(deployer, memberRole, HubAccessRole.Properties.AssumeRolePolicyDocument), "Allowed");
        assert.equal(await assume(stranger, memberRole, HubAccessRole.Properties.AssumeRolePolicyDocument), "ImplicitlyDenied");
        assert.equal(await assume(preview, memberRole, HubAccessRole.Properties.AssumeRolePolicyDocument), "ImplicitlyDenied");
        assert.equal(
            await assume(
                preview,
                memberReadOnly,
                HubReadOnlyRole.Properties.AssumeRolePolicyDocument,
                org,
                inline(mainRun, "multi-account-ops-preview"),
            ),
            "Allowed",
        );
        assert.deepEqual(HubReadOnlyRole.Properties.ManagedPolicyArns, [
            { "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess" },
        ]);
    });
});

describe("delivery: preview-only runs hold no write credentials", function () {
    // Four plans of the program in a row.
    this.timeout(600_000);
    it("no provider of the main, member or bootstrap plan assumes a write-capable role", async () => {
        const mainValues = exampleConfig("main");
        // Exercise every provider the main stack can make: members, management, bucket account, Quick Setup.
        const inventory = mainValues.inventory as Record<string, unknown>;
        inventory.bucketAccount = { accountId: "777777777777", roleName: "multi-account-ops-deploy" };
        // The bucket account must be one the config names: a log-archive account running its own member stack.
        mainValues.memberStacks = [
            ...(mainValues.memberStacks as Record<string, unknown>[]),
            { accountId: "777777777777", name: "log-archive", stack: "member-log-archive" },
        ];
        inventory.collection = "quickSetup";
        inventory.quickSetup = { organizationalUnitIds: ["ou-ab12-cdef3456"] };
        (mainValues.delivery as Record<string, unknown>).organizationalUnitIds = ["ou-ab12-cdef3456"];
        // One program at a time: Pulumi's runtime mocks are process-wide.
        const bootstrap = await withPreviewOnly(() => runProgram("bootstrap", exampleConfig("bootstrap")));
        const mainPreview = await withPreviewOnly(() => runProgram("main", mainValues));
        const writeMain = await runProgram("main", mainValues);
        const memberPreview = await withPreviewOnly(() => planMember(mainPreview));

        // Every role these plans create, and the ones the bootstrap's StackSet creates in the OU accounts.
        const readOnlyRoles = new Set<string>();
        for (const run of [bootstrap, mainPreview, memberPreview])
            for (const role of ofType(run, "aws:iam/role:Role")) {
                const name = String(role.inputs.name);
                const policies = attached(run, name);
                if (policies.length === 1 && policies[0] === readOnlyAccess) readOnlyRoles.add(`arn:aws:iam::${role.account}:role/${name}`);
            }
        const stackSet = named(bootstrap, "aws:cloudformation/stackSet:StackSet", "bootstrap-hub-access-roles-stack-set");
        const template = JSON.parse(String(stackSet.inputs.templateBody)) as {
            Resources: Record<string, { Properties: { RoleName: string; ManagedPolicyArns: unknown[] } }>;
        };
        const readOnlyInOus = Object.values(template.Resources)
            .filter(
                (r) =>
                    JSON.stringify(r.Properties.ManagedPolicyArns).includes("policy/ReadOnlyAccess") &&
                    r.Properties.ManagedPolicyArns.length === 1,
            )
            .map((r) => r.Properties.RoleName);
        const isReadOnly = (arn: string): boolean => {
            const [, , , , account, resource] = arn.split(":");
            return (
                readOnlyRoles.has(arn) ||
                (account !== management && account !== main && readOnlyInOus.includes(resource.replace(/^role\//, "")))
            );
        };

        const assumed = (run: ProgramRun): { provider: string; roleArn: string | undefined }[] =>
            run.registrations
                .filter((r) => r.type.startsWith("pulumi:providers:"))
                .map((p) => {
                    const roles =
                        (p.inputs.assumeRoles as { roleArn: string }[] | undefined) ??
                        (p.inputs.assumeRole ? [p.inputs.assumeRole as { roleArn: string }] : []);
                    return { provider: `${p.type} ${p.name}`, roleArn: roles[0]?.roleArn };
                });
        const checked: string[] = [];
        for (const run of [bootstrap, mainPreview, memberPreview]) {
            for (const { provider, roleArn } of assumed(run)) {
                if (roleArn === undefined) continue; // ambient: the workflow's read-only role for that stack
                checked.push(provider);
                assert.ok(isReadOnly(roleArn), `${provider} assumes ${roleArn}, which is not a read-only role`);
            }
        }
        // Three members, the management account (aws and aws-native) and the bucket account.
        assert.deepEqual(checked.sort(), [
            "pulumi:providers:aws aws-222222222222",
            "pulumi:providers:aws aws-333333333333",
            "pulumi:providers:aws aws-444444444444",
            "pulumi:providers:aws aws-777777777777",
            "pulumi:providers:aws aws-999999999999",
            "pulumi:providers:aws-native aws-native-999999999999",
        ]);
        // The same providers assume write roles outside preview-only mode, so the check above can fail.
        assert.ok(assumed(writeMain).some(({ roleArn }) => roleArn !== undefined && !isReadOnly(roleArn)));
    });
});

describe("delivery: each stack's own OIDC roles", function () {
    this.timeout(600_000);
    let mainRun: ProgramRun;
    let memberRun: ProgramRun;
    let deployments: ProgramRun;
    before(async () => {
        mainRun = await planMain();
        memberRun = await planMember(mainRun);
        deployments = await runProgram("deployments", exampleConfig("deployments"));
    });

    const pulumiToken = (stack: string, operation: string): string =>
        `pulumi:deploy:org:my-org:project:multi-account-ops:stack:${stack}:operation:${operation}:scope:write`;
    const federated = (trust: PolicyDocument, sid: string): string => {
        const statement = trust.Statement.find((s) => s.Sid === sid);
        const principal = statement?.Principal as { Federated: string } | undefined;
        if (!principal) throw new Error(`no ${sid} statement`);
        return principal.Federated;
    };
    async function withPulumiToken(role: Registration, sub: string, aud = "my-org"): Promise<string> {
        const trust = trustOf(role);
        return decide({
            principal: federated(trust, "PulumiDeployments"),
            action: "sts:AssumeRoleWithWebIdentity",
            resource: `arn:aws:iam::${role.account}:role/${String(role.inputs.name)}`,
            resourceAccount: String(role.account),
            resourcePolicy: withSimulatableIssuer(trust),
            context: withSimulatableIssuer({ "api.pulumi.com/oidc:aud": aud, "api.pulumi.com/oidc:sub": sub }),
        });
    }
    /**
     * iam-simulate knows the web-identity keys of only a few issuers, not GitHub's: rename the issuer to
     * Cognito's (`cognito-identity.amazonaws.com:aud`/`:sub`) in document and context alike, as
     * withSimulatableIssuer does for Pulumi's. Conditions, operators and values stay the same.
     */
    const simulatableGithub = <T>(value: T): T =>
        JSON.parse(JSON.stringify(value).split("token.actions.githubusercontent.com:").join("cognito-identity.amazonaws.com:")) as T;
    async function withGithubToken(role: Registration, sub: string): Promise<string> {
        const trust = simulatableGithub(trustOf(role));
        return decide({
            principal: federated(trust, "GitHubActions"),
            action: "sts:AssumeRoleWithWebIdentity",
            resource: `arn:aws:iam::${role.account}:role/${String(role.inputs.name)}`,
            resourceAccount: String(role.account),
            resourcePolicy: trust,
            context: simulatableGithub({
                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                "token.actions.githubusercontent.com:sub": sub,
            }),
        });
    }

    it("the member stack makes its deployer and read-only roles in its own account, and its OIDC providers", () => {
        const deployRole = roleNamed(memberRun, "multi-account-ops-deployer");
        const readOnly = roleNamed(memberRun, "multi-account-ops-preview");
        assert.equal(deployRole.account, memberStackAccount);
        assert.equal(readOnly.account, memberStackAccount);
        assert.deepEqual(attached(memberRun, "multi-account-ops-preview"), [readOnlyAccess]);
        const providers = ofType(memberRun, "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
        assert.deepEqual(
            providers.map((p) => [p.account, p.inputs.url]),
            [
                [memberStackAccount, "https://api.pulumi.com/oidc"],
                [memberStackAccount, "https://token.actions.githubusercontent.com"],
            ],
        );
    });

    it("each stack's update/refresh/destroy tokens may assume its own deploy role; another stack's token or a preview token may not", async () => {
        const memberDeploy = roleNamed(memberRun, "multi-account-ops-deployer");
        const mainDeploy = roleNamed(mainRun, "multi-account-ops-deployer");
        for (const operation of ["update", "refresh", "destroy"]) {
            assert.equal(await withPulumiToken(memberDeploy, pulumiToken("member", operation)), "Allowed", operation);
            assert.equal(await withPulumiToken(mainDeploy, pulumiToken("main", operation)), "Allowed", operation);
        }
        assert.equal(await withPulumiToken(memberDeploy, pulumiToken("main", "update")), "ImplicitlyDenied");
        assert.equal(await withPulumiToken(mainDeploy, pulumiToken("member", "update")), "ImplicitlyDenied");
        assert.equal(await withPulumiToken(memberDeploy, pulumiToken("member", "preview")), "ImplicitlyDenied");
        assert.equal(await withPulumiToken(memberDeploy, pulumiToken("member", "update"), "other-org"), "ImplicitlyDenied");
    });

    it("each stack's preview and pull-request tokens may assume its own read-only role, not another stack's", async () => {
        const memberReadOnly = roleNamed(memberRun, "multi-account-ops-preview");
        const mainReadOnly = roleNamed(mainRun, "multi-account-ops-preview");
        assert.equal(await withPulumiToken(memberReadOnly, pulumiToken("member", "preview")), "Allowed");
        assert.equal(await withPulumiToken(memberReadOnly, pulumiToken("main", "preview")), "ImplicitlyDenied");
        assert.equal(await withPulumiToken(memberReadOnly, pulumiToken("member", "update")), "ImplicitlyDenied");
        assert.equal(await withGithubToken(memberReadOnly, "repo:my-org/multi-account-ops:environment:preview-member"), "Allowed");
        assert.equal(await withGithubToken(memberReadOnly, "repo:my-org/multi-account-ops:environment:preview-main"), "ImplicitlyDenied");
        assert.equal(await withGithubToken(memberReadOnly, "repo:my-org/multi-account-ops:pull_request"), "ImplicitlyDenied");
        assert.equal(await withGithubToken(mainReadOnly, "repo:my-org/multi-account-ops:environment:preview-main"), "Allowed");
        assert.equal(await withGithubToken(mainReadOnly, "repo:my-org/multi-account-ops:environment:preview-member"), "ImplicitlyDenied");
        assert.equal(await withGithubToken(mainReadOnly, "repo:other/fork:environment:preview-main"), "ImplicitlyDenied");
        // A GitHub preview token never reaches a deploy role.
        const mainDeploy = roleNamed(mainRun, "multi-account-ops-deployer");
        assert.equal(await withGithubToken(mainDeploy, "repo:my-org/multi-account-ops:environment:preview-main"), "ImplicitlyDenied");
    });

    it("the deployments stack points each stack's DeploymentSettings at the deployer role in that stack's own account", () => {
        const settings = ofType(deployments, "pulumiservice:index:DeploymentSettings");
        const roleOf = (stack: string): string => {
            const found = settings.find((s) => s.inputs.stack === stack);
            const context = found?.inputs.operationContext as { oidc: { aws: { roleARN: string } }; preRunCommands: string[] } | undefined;
            if (!context) throw new Error(`no settings for ${stack}`);
            assert.deepEqual(context.preRunCommands, ["npm ci"]);
            return context.oidc.aws.roleARN;
        };
        const mainDeployer = roleNamed(mainRun, "multi-account-ops-deployer");
        const memberDeployer = roleNamed(memberRun, "multi-account-ops-deployer");
        // The ARNs the two stacks' own plans create, in the main account and in the member's own account.
        assert.equal(roleOf("main"), `arn:aws:iam::${mainDeployer.account}:role/${String(mainDeployer.inputs.name)}`);
        assert.equal(roleOf("member"), `arn:aws:iam::${memberDeployer.account}:role/${String(memberDeployer.inputs.name)}`);
        assert.equal(mainDeployer.account, main);
        assert.equal(memberDeployer.account, memberStackAccount);
        const member = (memberRun.outputs.delivery as { deployerRoleArn: string } | undefined)?.deployerRoleArn;
        assert.equal(roleOf("member"), member);
    });

    // Each policy matches aud as well as sub, as the issuer guide's policy does
    // (https://www.pulumi.com/docs/administration/guides/oidc-issuers/github/: "Aud: urn:pulumi:org:<org-name>").
    it("registers GitHub Actions as a Pulumi OIDC issuer: one team-token policy per stack's preview environment, audience checked", () => {
        const issuer = named(deployments, "pulumiservice:index:OidcIssuer", "github-actions");
        assert.equal(issuer.inputs.url, "https://token.actions.githubusercontent.com");
        assert.equal(issuer.inputs.organization, "my-org");
        assert.deepEqual(issuer.inputs.policies, [
            {
                decision: "allow",
                tokenType: "team",
                teamName: "multi-account-ops-preview",
                rules: { aud: "urn:pulumi:org:my-org", sub: "repo:my-org/multi-account-ops:environment:preview-main" },
            },
            {
                decision: "allow",
                tokenType: "team",
                teamName: "multi-account-ops-preview",
                rules: { aud: "urn:pulumi:org:my-org", sub: "repo:my-org/multi-account-ops:environment:preview-member" },
            },
        ]);
    });

    it("organization tokens get standard permissions, never admin; team tokens need a team name", async () => {
        const values = exampleConfig("deployments");
        values.previewToken = { tokenType: "organization" };
        const run = await runProgram("deployments", values);
        const policies = named(run, "pulumiservice:index:OidcIssuer", "github-actions").inputs.policies as {
            authorizedPermissions: string[];
        }[];
        for (const p of policies) assert.deepEqual(p.authorizedPermissions, ["standard"]);
        values.previewToken = { tokenType: "team" };
        assert.throws(() => parseStackConfig(values), /previewToken\.teamName is required/);
    });
});

describe("delivery: OIDC providers that already exist", function () {
    this.timeout(600_000);
    it("uses the named providers instead of creating them, in main and in a member stack", async () => {
        const existing = {
            pulumi: `arn:aws:iam::${main}:oidc-provider/api.pulumi.com/oidc`,
            github: `arn:aws:iam::${main}:oidc-provider/token.actions.githubusercontent.com`,
        };
        const values = exampleConfig("main");
        (values.delivery as Record<string, unknown>).existingOidcProviders = existing;
        const mainRun = await runProgram("main", values);
        assert.deepEqual(ofType(mainRun, "aws:iam/openIdConnectProvider:OpenIdConnectProvider"), []);
        const trust = trustOf(roleNamed(mainRun, "multi-account-ops-deployer"));
        assert.deepEqual(
            trust.Statement.map((s) => (s.Principal as { Federated: string }).Federated),
            [existing.pulumi, existing.github],
        );

        const memberValues = exampleConfig("member");
        (memberValues.delivery as Record<string, unknown>).existingOidcProviders = {
            pulumi: `arn:aws:iam::${memberStackAccount}:oidc-provider/api.pulumi.com/oidc`,
        };
        const memberRun = await planMember(mainRun, memberValues);
        assert.deepEqual(
            ofType(memberRun, "aws:iam/openIdConnectProvider:OpenIdConnectProvider").map((p) => p.inputs.url),
            ["https://token.actions.githubusercontent.com"],
        );
    });

    it("rejects an ARN that is not an OIDC provider for that issuer, and a member stack's delivery without an organization", () => {
        const values = exampleConfig("main");
        (values.delivery as Record<string, unknown>).existingOidcProviders = {
            pulumi: `arn:aws:iam::${main}:oidc-provider/token.actions.githubusercontent.com`,
        };
        assert.throws(
            () => parseStackConfig(values),
            /delivery\.existingOidcProviders\.pulumi .* is not the ARN of an IAM OIDC provider for api\.pulumi\.com\/oidc/,
        );
        const member = exampleConfig("member");
        // The member stack switches delivery on itself here (else its memberStacks entry in main decides, at run time).
        member.features = { delivery: true };
        delete (member.delivery as Record<string, unknown>).pulumiOrganization;
        try {
            parseStackConfig(member);
            assert.fail("expected a validation error");
        } catch (error) {
            assert.ok(error instanceof StackConfigError);
            assert.match(error.message, /delivery\.pulumiOrganization is required when features\.delivery is true/);
        }
    });
});
