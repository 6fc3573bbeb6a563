import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { configNamespace } from "../../stacks/config/load";
import { exampleConfig, projectRoot } from "../helpers/program";

const exec = promisify(execFile);

/** The example main stack with `count` members: a plan well past a pipe's 64 KiB buffer. */
function largeStackFile(count: number): string {
    const values = exampleConfig("main");
    (values.delivery as { stacks: string[] }).stacks = ["big"];
    values.members = Array.from({ length: count }, (_, i) => ({ accountId: String(200000000000 + i), name: `member-${i}` }));
    const config = Object.fromEntries(Object.entries(values).map(([key, value]) => [`${configNamespace}:${key}`, value]));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-pipe-")), "Pulumi.big.yaml");
    fs.writeFileSync(file, stringify({ config }));
    return file;
}

/** `npm run -s plan ... | cat` with bash's pipefail, so the plan command's own exit code counts. */
async function pipedPlan(file: string, ...flags: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
    const command = `set -o pipefail; "${process.execPath}" -r ts-node/register/transpile-only scripts/plan.ts --stack big --file "${file}" ${flags.join(" ")} | cat`;
    try {
        const { stdout, stderr } = await exec("bash", ["-c", command], { cwd: projectRoot, maxBuffer: 256 * 1024 * 1024 });
        return { stdout, stderr, code: 0 };
    } catch (error) {
        const failed = error as { stdout: string; stderr: string; code: number };
        return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
    }
}

// Node's docs (process.exit, https://nodejs.org/api/process.html#processexitcode): writes to a pipe can be
// asynchronous, and process.exit() drops what is still queued. The plan must set process.exitCode instead.
describe("offline plan piped into another command", function () {
    this.timeout(180_000);
    const file = largeStackFile(6);

    it("writes the whole JSON plan (above 256 KiB) through a pipe", async () => {
        const result = await pipedPlan(file, "--json");
        assert.equal(result.code, 0, result.stderr);
        assert.ok(Buffer.byteLength(result.stdout) > 256 * 1024, `plan is only ${Buffer.byteLength(result.stdout)} bytes`);
        const parsed = JSON.parse(result.stdout) as { stack: string; resources: { account: string | null }[] };
        assert.equal(parsed.stack, "big");
        for (let i = 0; i < 6; i++)
            assert.ok(
                parsed.resources.some((r) => r.account === String(200000000000 + i)),
                `member-${i} is missing`,
            );
    });

    it("writes the text plan through a pipe down to its last trust edge", async () => {
        const result = await pipedPlan(file);
        assert.equal(result.code, 0, result.stderr);
        const lines = result.stdout.trimEnd().split("\n");
        assert.ok(lines.includes("trust edges (principal -> role it may assume):"));
        // The hub's last role registered is in the last member; its edge is the plan's last line.
        assert.match(lines[lines.length - 1], /^ {2}\S+ -> arn:aws:iam::(\d{12}|<account>):role\//);
    });
});
