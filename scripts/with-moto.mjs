// Runs a command (the test suite) with a private moto_server on a free loopback port, and always stops it.
// moto_server comes from PATH, else from a project-local .venv that this script creates.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const venv = path.join(root, ".venv");
const installCommand = `python3 -m venv ${venv} && ${venv}/bin/pip install "moto[server]"`;

function onPath(command) {
    return spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" }).status === 0;
}

function findMotoServer() {
    const local = path.join(venv, "bin", "moto_server");
    if (existsSync(local)) return local;
    if (onPath("moto_server") && spawnSync("moto_server", ["--help"], { stdio: "ignore" }).status === 0) return "moto_server";
    console.error(`moto_server not found; installing it into ${venv}`);
    const install = spawnSync("sh", ["-c", installCommand], { stdio: "inherit" });
    if (install.status !== 0 || !existsSync(local)) {
        console.error(`could not install moto_server. Install it with:\n  ${installCommand}`);
        process.exit(1);
    }
    return local;
}

function freePort() {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.unref();
        server.on("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

async function waitUntilUp(endpoint, moto) {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
        if (moto.exitCode !== null) throw new Error(`moto_server exited with code ${moto.exitCode}`);
        try {
            const response = await fetch(`${endpoint}/moto-api/data.json`);
            if (response.ok) return;
        } catch {
            // not listening yet
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("moto_server did not answer within 30 s");
}

const [command, ...args] = process.argv.slice(2);
if (!command) {
    console.error("usage: node scripts/with-moto.mjs <command> [args...]");
    process.exit(2);
}

const port = await freePort();
const endpoint = `http://127.0.0.1:${port}`;
const moto = spawn(findMotoServer(), ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "ignore", "pipe"] });
let motoErrors = "";
moto.stderr.on("data", (chunk) => {
    motoErrors = (motoErrors + chunk).slice(-4000);
});
const stopMoto = () => {
    if (moto.exitCode === null) moto.kill("SIGTERM");
};
process.on("exit", stopMoto);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

try {
    await waitUntilUp(endpoint, moto);
} catch (error) {
    console.error(`${error.message}\n${motoErrors}`);
    process.exit(1);
}

const env = {
    ...process.env,
    MOTO_ENDPOINT: endpoint,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_SESSION_TOKEN: "",
    AWS_REGION: "us-east-1",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    AWS_PROFILE: "",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
};
delete env.AWS_SESSION_TOKEN;
delete env.AWS_PROFILE;
const child = spawn(path.join(root, "node_modules", ".bin", command), args, { stdio: "inherit", env });
child.on("exit", (code, signal) => {
    stopMoto();
    process.exit(code ?? (signal ? 1 : 0));
});
