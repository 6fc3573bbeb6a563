import { strict as assert } from "node:assert";
import type { ProgramRun } from "../../offline/recorder";
import { exampleConfig, ofType, runProgram } from "../helpers/program";

describe("main stack (hub mode)", () => {
    let run: ProgramRun;
    const config = exampleConfig("main");
    // Something in the management account: delivery's member-role StackSet.
    (config.delivery as Record<string, unknown>).organizationalUnitIds = ["ou-ab12-cdef3456"];

    before(async () => {
        run = await runProgram("main", config);
    });

    it("makes exactly one provider per account: 3 members, main and management in 2 regions is 5, not 10", () => {
        const providers = ofType(run, "pulumi:providers:aws");
        assert.deepEqual(providers.map((p) => p.account).sort(), [
            "111111111111",
            "222222222222",
            "333333333333",
            "444444444444",
            "999999999999",
        ]);
        assert.ok(providers.every((p) => p.inputs.region === "ap-northeast-1"));
    });

    it("gives each member provider its assume-role ARN, allowed account and default tags", () => {
        for (const accountId of ["222222222222", "333333333333", "444444444444"]) {
            const provider = ofType(run, "pulumi:providers:aws").find((p) => p.account === accountId);
            assert.ok(provider, `no provider for ${accountId}`);
            assert.deepEqual(provider.inputs.allowedAccountIds, [accountId]);
            assert.deepEqual(provider.inputs.assumeRoles, [
                { roleArn: `arn:aws:iam::${accountId}:role/multi-account-ops-deploy`, sessionName: "multi-account-ops-main" },
            ]);
            assert.deepEqual(provider.inputs.defaultTags, {
                tags: { project: "multi-account-ops", stack: "main", "managed-by": "pulumi", "cost-center": "platform" },
            });
        }
    });

    it("uses the ambient credentials for the main account", () => {
        const main = ofType(run, "pulumi:providers:aws").find((p) => p.account === "111111111111");
        assert.ok(main);
        assert.equal(main.inputs.assumeRoles, undefined);
    });

    it("creates one MemberAccount per member and exports the hub", () => {
        assert.deepEqual(
            ofType(run, "multi-account-ops:member:MemberAccount").map((m) => m.name),
            ["dev", "staging", "prod"],
        );
        const hub = run.outputs.hub as Record<string, unknown>;
        assert.equal(hub.mainAccountId, "111111111111");
        assert.equal(hub.organizationId, "o-exampleorg1");
        assert.deepEqual(hub.regions, ["ap-northeast-1", "us-east-1"]);
    });

    it("fails on invalid config with the validation message", async () => {
        const broken = { ...config, mainAccountId: "1234" };
        await assert.rejects(runProgram("main", broken), /mainAccountId "1234" is not a 12-digit account ID/);
    });
});
