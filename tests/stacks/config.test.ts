import { strict as assert } from "node:assert";
import { parseStackConfig, StackConfigError } from "../../stacks/config/load";
import { exampleConfig } from "../helpers/program";

function problemsOf(raw: Record<string, unknown>): readonly string[] {
    try {
        parseStackConfig(raw);
    } catch (error) {
        if (error instanceof StackConfigError) return error.problems;
        throw error;
    }
    assert.fail("expected the config to be rejected");
}

function mainWith(change: (config: Record<string, unknown> & { members: Record<string, unknown>[] }) => void): Record<string, unknown> {
    const config = exampleConfig("main") as Record<string, unknown> & { members: Record<string, unknown>[] };
    change(config);
    return config;
}

describe("stack configuration", () => {
    it("accepts the example main and member configs, filling defaults", () => {
        const main = parseStackConfig(exampleConfig("main"));
        assert.equal(main.stackRole, "main");
        if (main.stackRole !== "main") return;
        assert.equal(main.members.length, 3);
        assert.deepEqual(main.members[1].features, {});
        assert.deepEqual(main.extraRegions, ["us-east-1"]);
        const member = parseStackConfig(exampleConfig("member"));
        assert.equal(member.stackRole, "member");
    });

    it("names the key and the value of a malformed account ID", () => {
        const problems = problemsOf(mainWith((c) => (c.members[2].accountId = "12345")));
        assert.deepEqual(problems, ['members[2].accountId "12345" is not a 12-digit account ID']);
    });

    it("reports duplicate accounts, the main account as a member, an unknown region and missing keys at once", () => {
        const problems = problemsOf(
            mainWith((c) => {
                c.members[1].accountId = "222222222222";
                c.members[2].accountId = "111111111111";
                c.homeRegion = "ap-northeast-9";
                delete c.organizationId;
            }),
        );
        assert.deepEqual([...problems].sort(), [
            'homeRegion "ap-northeast-9" is not a known AWS region',
            'members[1].accountId "222222222222" duplicates members[0].accountId',
            'members[2].accountId "111111111111" is the main account; list only member accounts',
            "organizationId is required",
        ]);
    });

    it("tells the user to quote an account ID that YAML read as a number", () => {
        const problems = problemsOf(mainWith((c) => (c.mainAccountId = 111111111111)));
        assert.deepEqual(problems, ['mainAccountId 111111111111 must be a string: YAML read it as a number; quote it, "111111111111"']);
    });

    it("rejects unknown keys, so a typo is not ignored", () => {
        const problems = problemsOf(mainWith((c) => (c.members[0].acountId = "222222222222")));
        assert.deepEqual(problems, ['members[0].acountId is not a known key; did you mean "accountId"?']);
    });

    it("rejects an unknown stack role and still checks the other keys", () => {
        const problems = problemsOf(mainWith((c) => ((c.stackRole = "hub"), (c.extraRegions = ["mars-1"]))));
        assert.deepEqual(problems, [
            'stackRole "hub" must be "main", "member", "deployments" or "bootstrap"',
            'extraRegions[0] "mars-1" is not a known AWS region',
        ]);
    });

    it("requires the member stack's keys", () => {
        const problems = problemsOf({ stackRole: "member", homeRegion: "us-east-1" });
        assert.deepEqual(problems, ["accountId is required", "name is required", "mainStack is required"]);
    });

    it("keeps the secret keys Pulumi reports, for the program to wrap with pulumi.secret", () => {
        const config = parseStackConfig(exampleConfig("main"), { secretKeys: new Set(["defaultTags"]) });
        assert.deepEqual([...config.secretKeys], ["defaultTags"]);
    });

    it("rejects a copy target the program cannot give Image Builder's cross-account role, naming it, and a half-set build network", () => {
        const problems = problemsOf(
            mainWith((c) => {
                const goldenAmi = c.goldenAmi as Record<string, Record<string, unknown>>;
                goldenAmi.distribution = {
                    ...goldenAmi.distribution,
                    targetAccountIds: ["333333333333", "777777777777", "787878787878"],
                    targetAccountRoles: { "787878787878": "stackSet" },
                };
                goldenAmi.pipeline = { ...goldenAmi.pipeline, subnetId: "subnet-0aa11bb22cc33dd44" };
                goldenAmi.encryption = { kmsKeyArn: "arn:aws:kms:ap-northeast-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab" };
            }),
        );
        assert.equal(problems.length, 4, problems.join("\n"));
        assert.match(problems[0], /^goldenAmi\.pipeline\.securityGroupIds \[\] must list at least one security group/);
        assert.match(problems[1], /^goldenAmi\.encryption\.kmsKeyArn ".*" must be a multi-Region key/);
        assert.match(
            problems[2],
            /^goldenAmi\.distribution\.targetAccountIds\[1\] "777777777777" cannot be reached: .*EC2ImageBuilderDistributionCrossAccountRole/,
        );
        assert.match(
            problems[3],
            /^goldenAmi\.distribution\.targetAccountRoles\.787878787878 "stackSet" needs goldenAmi\.roleStackSet\.enabled true/,
        );
        // 333... is a configured member with goldenAmi on: the hub reaches it, so it is not reported.
        assert.ok(!problems.some((p) => p.includes("333333333333")));
    });

    it("accepts copy targets declared as member stacks and a multi-Region key of your own", () => {
        const config = mainWith((c) => {
            const goldenAmi = c.goldenAmi as Record<string, Record<string, unknown>>;
            goldenAmi.distribution = {
                ...goldenAmi.distribution,
                targetAccountIds: ["777777777777"],
                targetAccountRoles: { "777777777777": "memberStack" },
            };
            goldenAmi.encryption = { kmsKeyArn: "arn:aws:kms:ap-northeast-1:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab" };
        });
        assert.equal(parseStackConfig(config).stackRole, "main");
    });
});
