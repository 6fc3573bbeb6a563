import { spawn, spawnSync, type ChildProcess } from "node:child_process";

/**
 * Each worker process, Stryker's or mocha's (`npm test` runs `mocha --parallel`), gets its own moto_server:
 * rootHooks.ts resets moto before every test, so workers sharing one server would wipe each other's data
 * (false failures, and false kills under Stryker). Stryker marks its workers with STRYKER_MUTATOR_WORKER
 * (child-process-proxy.js in @stryker-mutator/core), mocha with MOCHA_WORKER_ID (https://mochajs.org/#parallel-tests).
 * The server starts when this module loads, before any test file creates an SDK client.
 */
let moto: ChildProcess | undefined;

function freePortSync(): number {
    const probe = spawnSync(
        process.execPath,
        [
            "-e",
            "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
        ],
        { encoding: "utf8" },
    );
    const port = Number(probe.stdout);
    if (!Number.isInteger(port) || port <= 0) throw new Error(`could not find a free port for moto_server: ${probe.stderr}`);
    return port;
}

// Under Stryker only the handlers folder's tests use moto (stryker.config.mjs's folders); the others skip its
// start-up, which every static mutant's fresh worker would otherwise pay.
const strykerWorkerUsingMoto =
    process.env.STRYKER_MUTATOR_WORKER !== undefined && (process.env.STRYKER_FOLDER ?? "handlers") === "handlers";
if (strykerWorkerUsingMoto || process.env.MOCHA_WORKER_ID !== undefined) {
    const port = freePortSync();
    const endpoint = `http://127.0.0.1:${port}`;
    moto = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
    process.on("exit", () => moto?.kill("SIGTERM"));
    Object.assign(process.env, {
        MOTO_ENDPOINT: endpoint,
        AWS_ENDPOINT_URL: endpoint,
        AWS_ACCESS_KEY_ID: "testing",
        AWS_SECRET_ACCESS_KEY: "testing",
        AWS_REGION: "us-east-1",
        AWS_DEFAULT_REGION: "us-east-1",
        AWS_CONFIG_FILE: "/dev/null",
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
}

let up: Promise<void> | undefined;

/** Waits until this worker's moto_server answers (no-op outside a worker). */
export function workerMotoReady(): Promise<void> {
    if (!moto) return Promise.resolve();
    up ??= (async () => {
        const deadline = Date.now() + 30_000;
        while (Date.now() < deadline) {
            if (moto?.exitCode !== null) throw new Error(`this worker's moto_server exited with code ${String(moto?.exitCode)}`);
            try {
                if ((await fetch(`${process.env.MOTO_ENDPOINT}/moto-api/data.json`)).ok) return;
            } catch {
                // not listening yet
            }
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error("this worker's moto_server did not answer within 30 s");
    })();
    return up;
}
