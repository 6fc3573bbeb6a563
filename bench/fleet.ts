/**
 * Fleet mode at scale, side by side in one run (npm run bench:fleet):
 *   - the main stack's offline plan time and resource count for fleets of 5, 100 and 500 accounts
 *     (the hub should not grow: ratios close to 1);
 *   - one fleet member's plan time; the deployments stack's plan time at 500 accounts;
 *   - a modelled roll-out time for 500 accounts at several Deployments concurrencies.
 * Each plan runs in its own process so heaps don't mix. Options: --minutes-per-stack <m> (default 4),
 * --concurrency <n> (adds a row for your organization's limit).
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { rolloutMinutes } from "./rollout";

const root = path.resolve(__dirname, "..");

interface Sample {
    mode: string;
    accounts: number;
    resources: number;
    wallMs: number;
}

function measure(mode: string, accounts: number): Sample {
    const args = [
        "--max-old-space-size=8192",
        "-r",
        "ts-node/register/transpile-only",
        path.join(__dirname, "fleetOnce.ts"),
        mode,
        String(accounts),
    ];
    const output = execFileSync(process.execPath, args, { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(output.trim().split("\n").pop() ?? "{}") as Sample;
}

const { values } = parseArgs({ options: { "minutes-per-stack": { type: "string", default: "4" }, concurrency: { type: "string" } } });
const minutesPerStack = Number(values["minutes-per-stack"]);
if (!(minutesPerStack > 0)) throw new Error(`--minutes-per-stack ${JSON.stringify(values["minutes-per-stack"])} is not a positive number`);

const mains = [5, 100, 500].map((n) => measure("main", n));
const member = measure("member", 500);
const deployments = measure("deployments", 500);

console.log("main stack (hub), offline plan");
console.log("fleet accounts  resources  wall ms");
for (const s of mains)
    console.log(`${String(s.accounts).padStart(14)}  ${String(s.resources).padStart(9)}  ${s.wallMs.toFixed(0).padStart(7)}`);
const [five, , fiveHundred] = mains;
console.log(
    `growth 5 -> 500 fleet accounts (100x the accounts): resources ${(fiveHundred.resources / five.resources).toFixed(2)}x, ` +
        `wall time ${(fiveHundred.wallMs / five.wallMs).toFixed(2)}x (target about 1x)`,
);
console.log("");
console.log(`one fleet member (member-300000000000, no config file): ${member.resources} resources, ${member.wallMs.toFixed(0)} ms`);
console.log(
    `deployments stack at ${deployments.accounts} fleet accounts: ${deployments.resources} resources ` +
        `(${(deployments.resources / deployments.accounts).toFixed(1)} per account), ${deployments.wallMs.toFixed(0)} ms`,
);
console.log("");
console.log(
    `modelled roll-out of 500 accounts, ${minutesPerStack} min per stack update, one canary first ` +
        "(Pulumi Deployments runs one deployment per stack at a time; the organization's limit depends on its edition)",
);
console.log("concurrency  wall clock");
const concurrencies = [...new Set([1, 5, 10, 25, 50, ...(values.concurrency ? [Number(values.concurrency)] : [])])].sort((a, b) => a - b);
for (const c of concurrencies) {
    const minutes = rolloutMinutes({ stacks: 500, canaries: 1, concurrency: c, minutesPerStack });
    console.log(`${String(c).padStart(11)}  ${(minutes / 60).toFixed(1).padStart(6)} h (${minutes.toFixed(0)} min)`);
}
