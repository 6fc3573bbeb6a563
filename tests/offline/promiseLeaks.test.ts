import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { projectRoot } from "../helpers/program";

const exec = promisify(execFile);

/**
 * Pulumi's runtime counts the promises still pending at process exit and prints "The Pulumi runtime
 * detected that N promises were still active" (then sets exit code 1). A program run the recorder stopped
 * on purpose (a failing member stack) must not leave its promises behind, so mocha runs the test that
 * does this in a child process and the message must not appear.
 */
describe("program runs leave no promises behind", function () {
    this.timeout(180_000);

    it("a failed member-stack run ends without Pulumi's leaked-promises message", async () => {
        const args = [
            "mocha",
            "--no-config",
            "-r",
            "ts-node/register/transpile-only",
            "--extension",
            "ts",
            "--timeout",
            "120000",
            "--grep",
            "fails clearly when the member enables a capability",
            "tests/stacks/member.test.ts",
        ];
        const { stdout, stderr } = await exec("npx", args, { cwd: projectRoot, maxBuffer: 16 * 1024 * 1024 }).catch(
            (error: { stdout: string; stderr: string; code: number }) => {
                assert.fail(`mocha exited ${error.code}:\n${error.stdout}\n${error.stderr}`);
            },
        );
        assert.match(stdout, /1 passing/, "the failing-run test itself ran");
        assert.doesNotMatch(`${stdout}\n${stderr}`, /promises? (was|were) still active/);
    });
});
