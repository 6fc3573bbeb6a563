import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { planStack } from "../../offline/plan";
import { parseStackConfig, StackConfigError } from "../../stacks/config/load";
import { exampleConfig, projectRoot } from "../helpers/program";

type Config = Record<string, unknown> & {
    members: Record<string, unknown>[];
    goldenAmi: Record<string, Record<string, unknown>>;
    inventory: Record<string, unknown>;
    managedInstances: Record<string, unknown>;
    delivery: Record<string, unknown>;
};

function problemsOf(raw: Record<string, unknown>, stack = "main"): readonly string[] {
    try {
        parseStackConfig(raw, { stack });
    } catch (error) {
        if (error instanceof StackConfigError) return error.problems;
        throw error;
    }
    assert.fail("expected the config to be rejected");
}

function mainWith(change: (config: Config) => void): Config {
    const config = exampleConfig("main") as Config;
    change(config);
    return config;
}

/** The mistakes a new user made that validation used to accept; each names the key, the value and the fix. */
describe("stack configuration: mistakes caught with their fix", () => {
    it("an unquoted mainAccountId in the stack file fails the plan (YAML made it a number), leading zeros included", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mistakes-"));
        const source = fs.readFileSync(path.join(projectRoot, "Pulumi.main.yaml"), "utf8");
        const unquoted = path.join(dir, "Pulumi.unquoted.yaml");
        fs.writeFileSync(unquoted, source.replace('mainAccountId: "111111111111"', "mainAccountId: 111111111111"));
        await assert.rejects(planStack("main", projectRoot, unquoted), (error: unknown) => {
            assert.ok(error instanceof StackConfigError);
            assert.deepEqual(error.problems, [
                'mainAccountId 111111111111 must be a string: YAML read it as a number; quote it, "111111111111"',
            ]);
            return true;
        });
        const zeros = path.join(dir, "Pulumi.zeros.yaml");
        fs.writeFileSync(zeros, source.replace('mainAccountId: "111111111111"', "mainAccountId: 012345678901"));
        await assert.rejects(
            planStack("main", projectRoot, zeros),
            /mainAccountId 12345678901 must be a string: YAML read it as a number and dropped its leading zeros; quote it, "012345678901"/,
        );
    });

    it("schedules that are not AWS cron or rate expressions", () => {
        const problems = problemsOf(
            mainWith((c) => {
                c.goldenAmi.pipeline.schedule = "cron(0 3 * * 1)";
                c.inventory.schedule = "rate(30 minute)";
            }),
        );
        assert.deepEqual(problems, [
            'goldenAmi.pipeline.schedule "cron(0 3 * * 1)" has 5 fields; AWS cron takes six (minutes hours day-of-month month day-of-week year); a Unix crontab\'s five fields become cron(0 3 ? * MON *)',
            'inventory.schedule "rate(30 minute)" must say rate(30 minutes): the unit is singular for 1 and plural otherwise',
        ]);
        const more = problemsOf(
            mainWith((c) => {
                c.goldenAmi.pipeline.schedule = "cron(0 3 * * MON *)";
                c.inventory.schedule = "rate(5 minutes)";
            }),
        );
        assert.match(more[0], /must have \? in exactly one of day-of-month \(\*\) and day-of-week \(MON\)/);
        assert.match(more[1], /rate\(5 minutes\)" is outside what associations accept: 30 minutes or more/);
    });

    it("CIDRs: an invalid prefix, subnets outside the VPC, overlapping subnets", () => {
        assert.deepEqual(problemsOf(mainWith((c) => (c.managedInstances.vpcCidr = "10.0.0.0/33"))), [
            'managedInstances.vpcCidr "10.0.0.0/33" is not an IPv4 CIDR block such as 10.0.0.0/16',
        ]);
        assert.deepEqual(problemsOf(mainWith((c) => (c.managedInstances.vpcCidr = "10.0.0.0/8"))), [
            'managedInstances.vpcCidr "10.0.0.0/8" has prefix /8; VPCs and subnets take /16 to /28',
        ]);
        // Only the VPC changed: the default subnets (10.0.2.0/24, 10.0.3.0/24) are now outside it.
        assert.deepEqual(problemsOf(mainWith((c) => (c.managedInstances.vpcCidr = "192.168.0.0/16"))), [
            'managedInstances.privateSubnetCidrs[0] "10.0.2.0/24" is outside managedInstances.vpcCidr "192.168.0.0/16"; pick a block inside it',
            'managedInstances.privateSubnetCidrs[1] "10.0.3.0/24" is outside managedInstances.vpcCidr "192.168.0.0/16"; pick a block inside it',
        ]);
        assert.deepEqual(problemsOf(mainWith((c) => (c.managedInstances.privateSubnetCidrs = ["10.0.2.0/23", "10.0.3.0/24"]))), [
            'managedInstances.privateSubnetCidrs[1] "10.0.3.0/24" overlaps managedInstances.privateSubnetCidrs[0] "10.0.2.0/23"; subnets of one VPC must not overlap',
        ]);
        assert.deepEqual(problemsOf(mainWith((c) => (c.managedInstances.privateSubnetCidrs = ["10.0.2.1/24", "10.0.3.0/24"]))), [
            'managedInstances.privateSubnetCidrs[0] "10.0.2.1/24" has host bits set; the block is 10.0.2.0/24',
        ]);
    });

    it("organization and OU ARNs of another organization than organizationId", () => {
        const problems = problemsOf(
            mainWith((c) => {
                c.goldenAmi.distribution.organizationArns = ["arn:aws:organizations::999999999999:organization/o-otherorg123"];
                c.goldenAmi.distribution.organizationalUnitArns = [
                    "arn:aws:organizations::999999999999:ou/o-exampleorg1/ou-ab12-11111111",
                    "arn:aws:organizations::999999999999:ou/o-otherorg123/ou-ab12-22222222",
                ];
            }),
        );
        assert.deepEqual(problems, [
            'goldenAmi.distribution.organizationArns[0] "arn:aws:organizations::999999999999:organization/o-otherorg123" belongs to organization o-otherorg123, not organizationId "o-exampleorg1"; use an ARN of o-exampleorg1',
            'goldenAmi.distribution.organizationalUnitArns[1] "arn:aws:organizations::999999999999:ou/o-otherorg123/ou-ab12-22222222" belongs to organization o-otherorg123, not organizationId "o-exampleorg1"; use an ARN of o-exampleorg1',
        ]);
    });

    it("an inventory bucket account that is none of main, management or a member", () => {
        assert.deepEqual(problemsOf(mainWith((c) => (c.inventory.bucketAccount = { accountId: "777777777777" }))), [
            'inventory.bucketAccount.accountId "777777777777" is none of mainAccountId, management.accountId, members or memberStacks; add the account (e.g. your log-archive account) to members, or fix the ID',
        ]);
        // A member (or the management account) is fine.
        parseStackConfig(
            mainWith((c) => (c.inventory.bucketAccount = { accountId: "444444444444" })),
            { stack: "main" },
        );
    });

    it("delivery.stacks that leaves out the stack being planned", () => {
        assert.deepEqual(problemsOf(exampleConfig("main"), "prod"), [
            'delivery.stacks ["main"] leaves out this stack "prod": the deployer role would refuse its tokens; add "prod" to delivery.stacks',
        ]);
    });

    it("unknown keys, with the closest known key", () => {
        const problems = problemsOf(
            mainWith((c) => {
                c.inventory.shedule = "rate(1 day)";
                c.managedInstance = { enabled: true };
                c.goldenAmi.pipeline.recipename = "x";
                c.members[1].organisationalUnitId = "ou-ab12-11111111";
                c.completelyDifferent = true;
            }),
        );
        assert.deepEqual(problems, [
            'members[1].organisationalUnitId is not a known key; did you mean "organizationalUnitId"?',
            'goldenAmi.pipeline.recipename is not a known key; did you mean "recipeName"?',
            'inventory.shedule is not a known key; did you mean "schedule"?',
            'managedInstance is not a known key; did you mean "managedInstances"?',
            "completelyDifferent is not a known key",
        ]);
    });

    it("members with goldenAmi on while role B's StackSet is on must say which OU they are in", () => {
        const problems = problemsOf(
            mainWith((c) => {
                c.goldenAmi.roleStackSet = { enabled: true, organizationalUnitIds: ["ou-ab12-11111111"] };
                c.members[0].organizationalUnitId = "ou-ab12-11111111";
                c.members[2].features = { goldenAmi: false };
            }),
        );
        assert.deepEqual(problems, [
            'members[1].organizationalUnitId is required while goldenAmi.roleStackSet is enabled: the StackSet already creates role B in every account of ou-ab12-11111111, so the hub must know whether "staging" is in one of them; set it to the account\'s OU ID',
            'memberStacks[0].organizationalUnitId is required while goldenAmi.roleStackSet is enabled: the StackSet already creates role B in every account of ou-ab12-11111111, so the hub must know whether "sandbox" is in one of them; set it to the account\'s OU ID',
        ]);
    });

    it("reports every mistake at once", () => {
        const problems = problemsOf(
            mainWith((c) => {
                c.inventory.schedule = "rate(30 minute)";
                c.managedInstances.vpcCidr = "10.0.0.0/33";
                c.inventory.bucketAccount = { accountId: "777777777777" };
                c.inventory.shedule = "x";
            }),
            "prod",
        );
        assert.equal(problems.length, 5, problems.join("\n"));
    });
});
