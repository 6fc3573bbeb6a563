/**
 * The AMI publisher's engine, measured two ways in one run. Run: npm run bench:publisher
 *
 * 1. Against a latency stand-in (bench/latencyStandIn.ts, another process): STS and SSM answer after
 *    25 ms with no server CPU, like real AWS seen from Lambda. One image shared with 200 and 1,000
 *    accounts at concurrency 10 and 50: wall time against the ideal ⌈targets/c⌉ × 5 calls × 25 ms,
 *    and the publisher's own CPU per target (process.cpuUsage of this process, logging included:
 *    log lines are built but not printed). Targets: wall/ideal ≤ 1.25× at 10, ≤ 1.5× at 50.
 * 2. Against moto (CPU-bound, ~5.5 ms of server CPU per call): the speed-up of the default concurrency
 *    over one target at a time, straight and through a proxy adding 25 ms per request.
 *
 * `--stand-in-only` skips moto (for `node --cpu-prof`). The machine's load is printed: with other
 * work on the cores, wall/ideal grows; compare rows of the same run.
 */
import { spawn } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { handler } from "../handlers/amiPublisher";
import { imageMessage, snsEvent } from "../tests/helpers/imageEvents";
import { motoEndpoint, resetMoto } from "../tests/helpers/moto";
import { startDelayProxy } from "./delayProxy";

const delayMs = 25;
const defaultConcurrency = 10;
/** Per receiving account: AssumeRole, GetParameter, PutParameter, GetParameter of the new version, LabelParameterVersion. */
const callsPerTarget = 5;

function eventFor(accounts: number): ReturnType<typeof snsEvent> {
    const userIds = Array.from({ length: accounts }, (_, i) => String(100000000000 + i));
    return snsEvent(
        imageMessage({
            amis: [{ region: "us-east-1", image: "ami-0bench00000000001" }],
            distributions: [{ region: "us-east-1", amiDistributionConfiguration: { launchPermission: { userIds } } }],
        }),
    );
}

interface Run {
    wallMs: number;
    cpuMs: number;
}

/** One publish; log lines are built (their CPU counts) but not written, so the table stays readable. */
async function publishOnce(endpoint: string, accounts: number, concurrency: number): Promise<Run> {
    process.env.AWS_ENDPOINT_URL = endpoint;
    process.env.MAX_CONCURRENCY = String(concurrency);
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    const cpu = process.cpuUsage();
    const started = performance.now();
    try {
        const summary = await handler(eventFor(accounts));
        if (summary.written !== accounts + 1) throw new Error(`expected ${accounts + 1} writes, got ${JSON.stringify(summary)}`);
    } finally {
        process.stdout.write = write;
    }
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

async function startStandIn(): Promise<{ url: string; stop: () => void }> {
    const child = spawn(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", path.join(__dirname, "latencyStandIn.ts"), String(delayMs)],
        {
            stdio: ["ignore", "pipe", "inherit"],
        },
    );
    const url = await new Promise<string>((resolve, reject) => {
        child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString("utf8").trim()));
        child.once("exit", (code) => reject(new Error(`the stand-in exited with ${code}`)));
    });
    return { url, stop: () => child.kill() };
}

const load = (): string =>
    os
        .loadavg()
        .map((value) => value.toFixed(2))
        .join(" ");

async function standInRows(): Promise<void> {
    const standIn = await startStandIn();
    try {
        await publishOnce(standIn.url, 50, defaultConcurrency); // warm-up: module loading and JIT, not counted
        console.log(`latency stand-in: +${delayMs} ms per call, no server CPU; ${callsPerTarget} calls per target; load ${load()}`);
        console.log("accounts  concurrency  targets   wall ms  ideal ms  wall/ideal  target  CPU ms/target  CPU ms/call");
        for (const [accounts, concurrency] of [
            [200, 10],
            [200, 50],
            [1000, 10],
            [1000, 50],
        ]) {
            const targets = accounts + 1;
            const run = await publishOnce(standIn.url, accounts, concurrency);
            const ideal = Math.ceil(targets / concurrency) * callsPerTarget * delayMs;
            const ratio = run.wallMs / ideal;
            const goal = concurrency <= 10 ? 1.25 : 1.5;
            console.log(
                `${String(accounts).padStart(8)}  ${String(concurrency).padStart(11)}  ${String(targets).padStart(7)}  ${run.wallMs.toFixed(0).padStart(8)}  ${String(ideal).padStart(8)}  ${`${ratio.toFixed(2)}x`.padStart(10)}  ${`${ratio <= goal ? "<=" : "> "}${goal}x`.padStart(6)}  ${(run.cpuMs / targets).toFixed(3).padStart(13)}  ${(run.cpuMs / targets / callsPerTarget).toFixed(3).padStart(11)}`,
            );
        }
        console.log(`(load after: ${load()})`);
    } finally {
        standIn.stop();
    }
}

async function timeOnMoto(endpoint: string, accounts: number, concurrency: number): Promise<number> {
    await resetMoto();
    return (await publishOnce(endpoint, accounts, concurrency)).wallMs;
}

async function motoRows(): Promise<void> {
    const moto = motoEndpoint();
    const proxy = await startDelayProxy(moto, delayMs);
    try {
        console.log(`\nmoto: default concurrency ${defaultConcurrency} vs sequential; load ${load()}`);
        console.log("accounts  transport        sequential ms  concurrent ms  speed-up");
        for (const [label, endpoint] of [
            ["moto direct", moto],
            [`+${delayMs} ms/request`, proxy.url],
        ] as const) {
            const sequential = await timeOnMoto(endpoint, 50, 1);
            const concurrent = await timeOnMoto(endpoint, 50, defaultConcurrency);
            console.log(
                `${String(50).padStart(8)}  ${label.padEnd(15)}  ${sequential.toFixed(0).padStart(13)}  ${concurrent.toFixed(0).padStart(13)}  ${(sequential / concurrent).toFixed(1).padStart(7)}x`,
            );
        }
        console.log("(target: at least 5x at 50 accounts; moto spends ~5.5 ms of CPU per call, so its rows show moto, not the publisher)");
    } finally {
        await proxy.close();
    }
}

async function main(): Promise<void> {
    await standInRows();
    if (!process.argv.includes("--stand-in-only")) await motoRows();
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1; // not process.exit(): that would cut output still queued for a pipe
});
