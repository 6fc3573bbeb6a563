import { strict as assert } from "node:assert";
import { readSettings } from "../../handlers/amiPublisher/settings";
import type { ProgramRun } from "../../offline/recorder";
import { named } from "../helpers/program";
import { fleetMainConfig, fleetOfSize, fleetOu, runMain } from "./helpers";

/**
 * The AMI is shared with the fleet OUs, so every account below them receives it ("Share an AMI with organizations or
 * OUs": sharing with an OU shares with its child OUs too,
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/share-amis-with-organizations-and-OUs.html). The publisher
 * writes only where role B exists, and reaches OU-shared accounts only if it knows they have role B: the fleet OUs
 * must be among its role-B OUs, and the fleet accounts whose stacks make no role B must be named, or every image
 * would either skip the whole fleet or fail on the excluded accounts.
 */
function publisherEnvironment(run: ProgramRun): Record<string, string> {
    const fn = named(run, "aws:lambda/function:Function", "golden-ami-publisher-function");
    return (fn.inputs.environment as { variables: Record<string, string> }).variables;
}

describe("fleet mode: the AMI publisher knows which fleet accounts have role B", function () {
    this.timeout(300_000);
    const excluded = "300000000002";
    const goldenAmiOff = "300000000003";

    it("counts the fleet OUs as role-B OUs, except excluded accounts and those with golden AMIs off", async () => {
        const run = await runMain(
            fleetMainConfig({ excludeAccountIds: [excluded], overrides: { [goldenAmiOff]: { features: { goldenAmi: false } } } }),
            fleetOfSize(5),
        );
        const variables = publisherEnvironment(run);
        const settings = readSettings(variables);
        assert.ok(settings.roleBOrganizationalUnitIds.includes(fleetOu), `ROLE_B_OU_IDS ${variables.ROLE_B_OU_IDS}`);
        assert.deepEqual(settings.roleBExcludedAccountIds, [excluded, goldenAmiOff]);
        assert.ok(!settings.roleBAccountIds.includes(excluded) && !settings.roleBAccountIds.includes(goldenAmiOff));
    });

    it("with golden AMIs off for the fleet, names only the accounts an override switches on", async () => {
        const on = "300000000001";
        const run = await runMain(
            fleetMainConfig({ features: { goldenAmi: false }, overrides: { [on]: { features: { goldenAmi: true } } } }),
            fleetOfSize(5),
        );
        const settings = readSettings(publisherEnvironment(run));
        assert.ok(!settings.roleBOrganizationalUnitIds.includes(fleetOu), "the fleet OU is not a role-B OU");
        assert.ok(settings.roleBAccountIds.includes(on), `ROLE_B_ACCOUNT_IDS ${settings.roleBAccountIds.join(",")}`);
    });
});
