import { strict as assert } from "node:assert";
import { planResources } from "../../offline/render";
import type { ProgramRun } from "../../offline/recorder";
import { rules } from "../../policy/rules";
import { fleetMainConfig, fleetOfSize, runFleetMember, runMain } from "./helpers";

function violations(run: ProgramRun): Record<string, string[]> {
    const resources = planResources(run.registrations).map((r) => ({ type: r.type, name: r.name, props: r.inputs }));
    return Object.fromEntries(rules.map((r) => [r.name, r.check(resources)]).filter(([, found]) => found.length > 0));
}

describe("fleet mode: the policy pack", function () {
    this.timeout(300_000);

    it("passes the main stack with a fleet, and a fleet stack", async () => {
        const main = await runMain(fleetMainConfig(), fleetOfSize(2));
        assert.deepEqual(violations(main), {});
        const member = await runFleetMember("300000000001", main.outputs);
        assert.ok(member.registrations.length > 10);
        assert.deepEqual(violations(member), {});
    });
});
