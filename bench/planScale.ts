/**
 * Offline plan cost against organization size: wall time and peak heap for 10, 100 and 500 members,
 * each size in its own process so heaps don't mix, all in one run. Prints the 100 -> 500 growth ratio
 * (linear would be 5x). Run: npm run bench:plan
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const sizes = [10, 100, 500];
const root = path.resolve(__dirname, "..");

interface Sample {
    members: number;
    resources: number;
    wallMs: number;
    peakHeapMb: number;
}

function measure(members: number): Sample {
    // Every capability is on (about 63 resources per member), so 500 members is ~31,000 resources: more
    // than Node's default heap, since the runtime mocks keep roughly 0.3 MB per resource. A larger young
    // generation keeps garbage collection from growing faster than the plan (as `npm run plan` does too).
    const args = [
        "--max-old-space-size=16384",
        "--max-semi-space-size=64",
        "-r",
        "ts-node/register/transpile-only",
        path.join(__dirname, "planOnce.ts"),
        String(members),
    ];
    const output = execFileSync(process.execPath, args, { cwd: root, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(output.trim().split("\n").pop() ?? "{}") as Sample;
}

const samples = sizes.map(measure);
console.log("members  resources  wall ms  peak heap MB");
for (const s of samples) {
    console.log(
        `${String(s.members).padStart(7)}  ${String(s.resources).padStart(9)}  ${s.wallMs.toFixed(0).padStart(7)}  ${s.peakHeapMb.toFixed(1).padStart(12)}`,
    );
}
const [, hundred, fiveHundred] = samples;
const timeRatio = fiveHundred.wallMs / hundred.wallMs;
const heapRatio = fiveHundred.peakHeapMb / hundred.peakHeapMb;
console.log(
    `growth 100 -> 500 members (5x the accounts): wall time ${timeRatio.toFixed(2)}x, peak heap ${heapRatio.toFixed(2)}x (target <= 6x)`,
);
