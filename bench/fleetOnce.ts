/** One timed offline plan for bench/fleet.ts; prints one JSON line. Modes: main <n>, member <n>, deployments <n>. */
import * as path from "node:path";
import type { OfflineOrganization } from "../offline/organizations";
import { runUnderMocks } from "../offline/recorder";
import { readStackFile } from "../offline/stackFiles";

const root = path.resolve(__dirname, "..");
const fleetOu = "ou-ab12-fleet0001";

function organization(accounts: number): OfflineOrganization {
    return { [fleetOu]: Array.from({ length: accounts }, (_, i) => ({ id: String(300000000000 + i), name: `fleet-${i}` })) };
}

/** The example fleet main (Pulumi.main-fleet.yaml) with `accounts` accounts below its OU, the first one the canary. */
async function planMain(accounts: number): Promise<{ outputs: Record<string, unknown>; resources: number; wallMs: number }> {
    const file = readStackFile(path.join(root, "Pulumi.main-fleet.yaml"));
    // The example's override and canary name accounts of its own offline OU; the generated fleet has others.
    const fleet = { ...(file.values.fleet as object), overrides: {}, canary: { accountIds: ["300000000000"] } };
    const config = { ...file.config, "multi-account-ops:fleet": JSON.stringify(fleet) };
    const started = performance.now();
    const run = await runUnderMocks({
        stack: "main-fleet",
        config,
        ambientAccount: "111111111111",
        organizationalUnits: organization(accounts),
    });
    return { outputs: run.outputs, resources: run.registrations.filter((r) => r.custom).length, wallMs: performance.now() - started };
}

async function main(): Promise<void> {
    const [mode, countText] = process.argv.slice(2);
    const accounts = Number(countText);
    if (!Number.isInteger(accounts) || accounts < 1)
        throw new Error(`account count ${JSON.stringify(countText)} is not a positive integer`);
    if (mode === "main") {
        const { resources, wallMs } = await planMain(accounts);
        console.log(JSON.stringify({ mode, accounts, resources, wallMs }));
        return;
    }
    // The other two read main's outputs; main's own plan is not part of their time.
    const { outputs } = await planMain(accounts);
    const started = performance.now();
    const run =
        mode === "member"
            ? await runUnderMocks({
                  stack: "member-300000000000",
                  config: {},
                  ambientAccount: "300000000000",
                  organization: "my-org",
                  stackOutputs: () => outputs,
              })
            : await runUnderMocks({
                  stack: "deployments-fleet",
                  config: readStackFile(path.join(root, "Pulumi.deployments-fleet.yaml")).config,
                  stackOutputs: () => outputs,
              });
    const wallMs = performance.now() - started;
    console.log(JSON.stringify({ mode, accounts, resources: run.registrations.filter((r) => r.custom).length, wallMs }));
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
