import { strict as assert } from "node:assert";
import type { ProgramRun } from "../../offline/recorder";
import { exampleConfig, named, ofType, policyOf, runProgram } from "../helpers/program";

/** Every Resource an identity policy allows `action` on. */
function allowedResources(policy: Record<string, unknown>, action: string): string[] {
    const statements = policy.Statement as { Effect: string; Action: string | string[]; Resource: string | string[] }[];
    return statements.filter((st) => st.Effect === "Allow" && [st.Action].flat().includes(action)).flatMap((st) => [st.Resource].flat());
}

/** The example main stack declares 555555555555 ("sandbox", stack "member") under memberStacks. */
const sandbox = "555555555555";

describe("memberStacks: accounts that run their own member stack are members of the hub", () => {
    let run: ProgramRun;
    const config = exampleConfig("main");
    before(async () => {
        run = await runProgram("main", config);
    });

    it("role A may assume role B there, and the AMI is shared with it", () => {
        const roleA = policyOf(named(run, "aws:iam/rolePolicy:RolePolicy", "golden-ami-publisher-role-publish-latest-ami"));
        const roleBArn = `arn:aws:iam::${sandbox}:role/LambdaExecutionRoleForSSMParam`;
        assert.ok(allowedResources(roleA, "sts:AssumeRole").includes(roleBArn));
        const distribution = named(
            run,
            "aws:imagebuilder/distributionConfiguration:DistributionConfiguration",
            "golden-ami-pipeline-distribution",
        );
        for (const region of distribution.inputs.distributions as {
            amiDistributionConfiguration: { launchPermission: { userIds: string[] } };
        }[])
            assert.ok(region.amiDistributionConfiguration.launchPermission.userIds.includes(sandbox));
    });

    it("the Automation administration role may assume its execution role", () => {
        const policy = policyOf(named(run, "aws:iam/rolePolicy:RolePolicy", "automation-administration-role-assume-execution-roles"));
        assert.ok(
            allowedResources(policy, "sts:AssumeRole").includes(`arn:aws:iam::${sandbox}:role/AWS-SystemsManager-AutomationExecutionRole`),
        );
    });

    it("delivery: main's deployer never trusts its stack's tokens (the member stack has its own OIDC roles in its account)", () => {
        // Issue 12: each stack's token may assume only its own stack's role; a member stack deploys with the
        // deployer role its own stack creates in its account (stacks/member.ts), never with main's.
        const trust = String(named(run, "aws:iam/role:Role", "delivery-deployer").inputs.assumeRolePolicy);
        assert.match(trust, /project:multi-account-ops:stack:main:operation:update:scope:write/);
        assert.doesNotMatch(trust, /stack:member:operation/);
    });

    it("the Athena tables project its inventory partitions", () => {
        for (const table of ofType(run, "aws:glue/catalogTable:CatalogTable")) {
            const parameters = table.inputs.parameters as Record<string, string>;
            assert.ok(parameters["projection.accountid.values"].split(",").includes(sandbox), table.name);
        }
    });

    it("no resource of the main stack lands in it: its own stack deploys it", () => {
        assert.ok(run.registrations.every((r) => r.account !== sandbox));
    });

    it("exports its declaration and the hub's settings for its member stack", () => {
        const hub = run.outputs.hub as {
            memberStacks: Record<string, { stack: string; features: Record<string, boolean> }>;
            memberDefaults: { automation: { inlinePolicies: Record<string, unknown> }; managedInstances: { vpcCidr: string } };
        };
        assert.equal(hub.memberStacks[sandbox].stack, "member");
        assert.equal(hub.memberStacks[sandbox].features.managedInstances, false);
        assert.equal(hub.memberStacks[sandbox].features.goldenAmi, true);
        assert.deepEqual(Object.keys(hub.memberDefaults.automation.inlinePolicies), ["enable-s3-bucket-encryption"]);
        assert.equal(hub.memberDefaults.managedInstances.vpcCidr, (config.managedInstances as { vpcCidr: string }).vpcCidr);
    });
});

describe("member stack: the hub's settings unless it overrides them", () => {
    async function memberRun(
        memberChange: (c: Record<string, unknown>) => void,
        mainChange: (c: Record<string, unknown>) => void = () => undefined,
    ): Promise<ProgramRun> {
        const mainConfig = exampleConfig("main");
        mainChange(mainConfig);
        const mainRun = await runProgram("main", mainConfig);
        const memberConfig = exampleConfig("member");
        memberChange(memberConfig);
        return runProgram("member", memberConfig, { stackOutputs: () => mainRun.outputs });
    }

    it("takes managed-instances settings, Session Manager and Automation grants from the main stack", async () => {
        const run = await memberRun(
            (c) => (c.features = { managedInstances: true }),
            (c) => {
                const mi = c.managedInstances as Record<string, unknown>;
                mi.vpcCidr = "10.50.0.0/16";
                mi.privateSubnetCidrs = ["10.50.1.0/24", "10.50.2.0/24"];
                mi.sessionManager = { enabled: true, logRetentionDays: 90 };
            },
        );
        const vpcs = ofType(run, "aws:ec2/vpc:Vpc");
        assert.ok(vpcs.length > 0);
        for (const vpc of vpcs) assert.equal(vpc.inputs.cidrBlock, "10.50.0.0/16");
        assert.ok(ofType(run, "aws:ssm/document:Document").some((d) => String(d.inputs.name).includes("SSM-SessionManagerRunShell")));
        const grants = ofType(run, "aws:iam/rolePolicy:RolePolicy").map((p) => p.inputs.name);
        assert.ok(grants.includes("enable-s3-bucket-encryption"), grants.join(", "));
    });

    it("keeps what it sets itself, and the hub's value for every key it leaves out", async () => {
        const run = await memberRun(
            (c) => {
                c.features = { managedInstances: true };
                c.managedInstances = { vpcCidr: "10.60.0.0/16", privateSubnetCidrs: ["10.60.1.0/24", "10.60.2.0/24"] };
            },
            (c) => ((c.managedInstances as Record<string, unknown>).sessionManager = { enabled: true }),
        );
        for (const vpc of ofType(run, "aws:ec2/vpc:Vpc")) assert.equal(vpc.inputs.cidrBlock, "10.60.0.0/16");
        assert.ok(ofType(run, "aws:ssm/document:Document").some((d) => String(d.inputs.name).includes("SSM-SessionManagerRunShell")));
    });

    it("fails naming the key to add when the main stack does not list the account under memberStacks", async () => {
        await assert.rejects(
            memberRun(
                () => undefined,
                (c) => (c.memberStacks = []),
            ),
            /accountId "555555555555" is not in the main stack's memberStacks/,
        );
    });
});

describe("role B has one owner per account", () => {
    it("a member in a goldenAmi.roleStackSet OU gets role B from the StackSet only, and still receives the AMI", async () => {
        const config = exampleConfig("main") as Record<string, unknown> & {
            members: Record<string, unknown>[];
            memberStacks: Record<string, unknown>[];
            goldenAmi: Record<string, unknown>;
        };
        config.goldenAmi.roleStackSet = { enabled: true, organizationalUnitIds: ["ou-ab12-11111111"] };
        config.members[0].organizationalUnitId = "ou-ab12-11111111";
        config.members[1].organizationalUnitId = "ou-ab12-22222222";
        config.members[2].organizationalUnitId = "ou-ab12-22222222";
        config.memberStacks[0].organizationalUnitId = "ou-ab12-11111111";
        const run = await runProgram("main", config);
        const roleBAccounts = ofType(run, "aws:iam/role:Role")
            .filter((r) => r.inputs.name === "LambdaExecutionRoleForSSMParam")
            .map((r) => r.account);
        assert.deepEqual(roleBAccounts.sort(), ["333333333333", "444444444444"]);
        const roleA = String(named(run, "aws:iam/rolePolicy:RolePolicy", "golden-ami-publisher-role-publish-latest-ami").inputs.policy);
        assert.match(roleA, /arn:aws:iam::222222222222:role\/LambdaExecutionRoleForSSMParam/);
        const hub = run.outputs.hub as { memberStacks: Record<string, { parameterWriterRoleFromStackSet: boolean }> };
        assert.equal(hub.memberStacks["555555555555"].parameterWriterRoleFromStackSet, true);
    });
});
