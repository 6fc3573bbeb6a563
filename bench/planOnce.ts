/** One offline plan of a generated main stack with N members; prints one JSON line. Used by planScale.ts. */
import * as path from "node:path";
import { runUnderMocks } from "../offline/recorder";
import { readStackFile } from "../offline/stackFiles";

async function main(): Promise<void> {
    const members = Number(process.argv[2]);
    if (!Number.isInteger(members) || members < 1)
        throw new Error(`member count ${JSON.stringify(process.argv[2])} is not a positive integer`);
    const example = readStackFile(path.resolve(__dirname, "..", "Pulumi.main.yaml"));
    const config = {
        ...example.config,
        "multi-account-ops:members": JSON.stringify(
            Array.from({ length: members }, (_, i) => ({ accountId: String(200000000000 + i), name: `member-${i}` })),
        ),
    };
    let peak = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
    const started = performance.now();
    const run = await runUnderMocks({ stack: "main", config, ambientAccount: "111111111111" });
    const wallMs = performance.now() - started;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    const resources = run.registrations.filter((r) => r.custom).length;
    console.log(JSON.stringify({ members, resources, wallMs, peakHeapMb: peak / 1024 / 1024 }));
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1; // not process.exit(): that would cut output still queued for a pipe
});
