import { strict as assert } from "node:assert";
import type { ProgramRun } from "../../offline/recorder";
import { exampleConfig, ofType, runProgram } from "../helpers/program";

describe("member stack (spoke mode)", () => {
    let run: ProgramRun;
    const hubOutputs = {
        hub: {
            organizationId: "o-exampleorg1",
            mainAccountId: "111111111111",
            partition: "aws",
            homeRegion: "ap-northeast-1",
            regions: ["ap-northeast-1"],
        },
    };
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
