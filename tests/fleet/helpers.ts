import type { OfflineOrganization } from "../../offline/organizations";
import { runUnderMocks, type ProgramRun } from "../../offline/recorder";
import { exampleConfig, runProgram } from "../helpers/program";

export const fleetOu = "ou-ab12-fleet0001";
export const otherOu = "ou-ab12-other0001";

/** `count` ACTIVE accounts below the fleet OU: 300000000000, 300000000001, … */
export function fleetOfSize(count: number): OfflineOrganization {
    return {
        [fleetOu]: Array.from({ length: count }, (_, i) => ({ id: String(300000000000 + i), name: `fleet-${i}` })),
    };
}

/** The example main config (hub members and all) with the fleet set to the fleet OU, plus `fleet`'s keys. */
export function fleetMainConfig(fleet: Record<string, unknown> = {}): Record<string, unknown> {
    const values = exampleConfig("main");
    values.fleet = { enabled: true, organizationalUnitIds: [fleetOu], ...fleet };
    return values;
}

export function runMain(values: Record<string, unknown>, organizationalUnits: OfflineOrganization): Promise<ProgramRun> {
    return runProgram("main", values, { organizationalUnits });
}

/** A fleet stack as Deployments runs it: no config at all, only its name and the main stack's outputs. */
export function runFleetMember(accountId: string, mainOutputs: Record<string, unknown>, requested: string[] = []): Promise<ProgramRun> {
    return runUnderMocks({
        stack: `member-${accountId}`,
        config: {},
        ambientAccount: accountId,
        organization: "my-org",
        stackOutputs: (name) => {
            requested.push(name);
            return mainOutputs;
        },
    });
}

/** The example deployments stack reading `main` for its fleet. */
export function runDeployments(mainOutputs: Record<string, unknown>): Promise<ProgramRun> {
    return runProgram(
        "deployments",
        { ...exampleConfig("deployments"), fleet: { mainStack: "my-org/multi-account-ops/main" } },
        { stackOutputs: (name) => (name === "my-org/multi-account-ops/main" ? mainOutputs : undefined) },
    );
}
