import { strict as assert } from "node:assert";
import type { ProgramRun } from "../../offline/recorder";
import { sampleHub } from "../helpers/hub";
import { exampleConfig, ofType, runProgram } from "../helpers/program";

describe("member stack (spoke mode)", () => {
    let run: ProgramRun;
    const publisherRoleArn = "arn:aws:iam::111111111111:role/multi-account-ops-ami-publisher";
    const hubOutputs = { hub: sampleHub() };
    const requested: string[] = [];

    before(async () => {
        run = await runProgram("member", exampleConfig("member"), {
            stackOutputs: (name) => {
                requested.push(name);
                return hubOutputs;
            },
        });
    });

    it("reads the hub through a StackReference to the configured main stack", () => {
        assert.deepEqual(requested, ["my-org/multi-account-ops/main"]);
        const refs = ofType(run, "pulumi:pulumi:StackReference");
        assert.equal(refs.length, 1);
        assert.equal(refs[0].inputs.name, "my-org/multi-account-ops/main");
        assert.equal(run.outputs.hubMainAccountId, "111111111111");
    });

    it("builds role B from the hub's outputs, in the member's own account", () => {
        const roleB = ofType(run, "aws:iam/role:Role").find((r) => r.inputs.name === "LambdaExecutionRoleForSSMParam");
        assert.ok(roleB);
        assert.equal(roleB.account, "555555555555");
        const trust = JSON.parse(String(roleB.inputs.assumeRolePolicy)) as { Statement: { Principal: { AWS: string } }[] };
        assert.equal(trust.Statement[0].Principal.AWS, publisherRoleArn);
    });

    it("fails clearly when the member enables a capability the main stack does not export", async () => {
        await assert.rejects(
            runProgram("member", exampleConfig("member"), { stackOutputs: () => ({ hub: sampleHub({ goldenAmi: undefined }) }) }),
            /the main stack exports no "goldenAmi" outputs: turn goldenAmi.enabled on in the main stack/,
        );
    });

    it("creates the deploy and read-only roles for the hub, trusting only its deployer and preview roles", () => {
        const trustOf = (name: string): unknown => {
            const found = ofType(run, "aws:iam/role:Role").find((r) => r.inputs.name === name);
            assert.ok(found, name);
            assert.equal(found.account, "555555555555");
            return (JSON.parse(String(found.inputs.assumeRolePolicy)) as { Statement: { Principal: unknown }[] }).Statement[0].Principal;
        };
        assert.deepEqual(trustOf("multi-account-ops-deploy"), { AWS: "arn:aws:iam::111111111111:role/multi-account-ops-deployer" });
        assert.deepEqual(trustOf("multi-account-ops-read-only"), {
            AWS: ["arn:aws:iam::111111111111:role/multi-account-ops-deployer", "arn:aws:iam::111111111111:role/multi-account-ops-preview"],
        });
    });

    it("deploys with the member's own credentials, limited to its account", () => {
        const providers = ofType(run, "pulumi:providers:aws");
        assert.equal(providers.length, 1);
        assert.deepEqual(providers[0].inputs.allowedAccountIds, ["555555555555"]);
        assert.equal(providers[0].inputs.assumeRoles, undefined);
        assert.deepEqual(
            ofType(run, "multi-account-ops:member:MemberAccount").map((m) => m.name),
            ["sandbox"],
        );
    });

    it("creates Image Builder's cross-account copy role when the main stack copies the AMI here, with the hub's AMI keys", async () => {
        const keys = ["arn:aws:kms:ap-northeast-1:111111111111:key/mock-a", "arn:aws:kms:us-east-1:111111111111:key/mock-b"];
        const hub = sampleHub();
        const goldenAmi = { ...hub.goldenAmi!, amiKeyArns: keys };
        const copyTarget = await runProgram(
            "member",
            { ...exampleConfig("member"), features: { goldenAmi: true }, goldenAmi: { receivesCopies: true } },
            { stackOutputs: () => ({ hub: { ...hub, goldenAmi } }) },
        );
        const role = ofType(copyTarget, "aws:iam/role:Role").find((r) => r.inputs.name === "EC2ImageBuilderDistributionCrossAccountRole");
        assert.ok(role);
        assert.equal(role.account, "555555555555");
        const trust = JSON.parse(String(role.inputs.assumeRolePolicy)) as { Statement: { Principal: unknown; Condition: unknown }[] };
        assert.deepEqual(trust.Statement[0].Principal, { AWS: "arn:aws:iam::111111111111:root" });
        assert.deepEqual(trust.Statement[0].Condition, {
            StringEquals: {
                "aws:PrincipalArn":
                    "arn:aws:iam::111111111111:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder",
            },
        });
        const inline = ofType(copyTarget, "aws:iam/rolePolicy:RolePolicy").find(
            (p) => p.inputs.role === "EC2ImageBuilderDistributionCrossAccountRole",
        );
        assert.match(String(inline?.inputs.policy), /mock-a.*mock-b/);
        // Without the flag (the default) no such role is made.
        assert.ok(!ofType(run, "aws:iam/role:Role").some((r) => r.inputs.name === "EC2ImageBuilderDistributionCrossAccountRole"));
    });
});
