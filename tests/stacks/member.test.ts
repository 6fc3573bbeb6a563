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
});
