import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { projectRoot } from "../helpers/program";

const exec = promisify(execFile);

/**
 * `npm run automation` as a user runs it. AWS_ENDPOINT_URL points at a closed port and there are no
 * credentials, so any AWS call would fail with a connection or credentials error instead of the answers below.
 */
async function automation(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
    const env = {
        ...process.env,
        AWS_ENDPOINT_URL: "http://127.0.0.1:9",
        AWS_ACCESS_KEY_ID: "",
        AWS_SECRET_ACCESS_KEY: "",
        AWS_PROFILE: "",
    };
    try {
        const { stdout, stderr } = await exec(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", "scripts/automation.ts", ...args],
            {
                cwd: projectRoot,
                env,
            },
        );
        return { stdout, stderr, code: 0 };
    } catch (error) {
        const failed = error as { stdout: string; stderr: string; code: number };
        return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
    }
}

describe("npm run automation (command line)", function () {
    this.timeout(60_000);

    it("--help prints the usage and exits 0", async () => {
        const result = await automation("--help");
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /^usage: npm run automation -- --document <name>/);
        assert.match(result.stdout, /--dry-run {4}print the exact StartAutomationExecution request/);
    });

    it("checks accounts and regions against the main stack's config before any AWS call", async () => {
        const account = await automation(
            "--document",
            "AWS-EnableS3BucketEncryption",
            "--accounts",
            "999999999999",
            "--regions",
            "us-east-1",
        );
        assert.equal(account.code, 2);
        assert.equal(
            account.stderr.trim(),
            '--accounts "999999999999" has no Automation execution role: it is not a member (or memberStacks account) with automation on in the main stack; those are 222222222222, 333333333333, 444444444444, 555555555555',
        );
        const region = await automation("--document", "AWS-EnableS3BucketEncryption", "--accounts", "all", "--regions", "eu-west-1");
        assert.equal(region.code, 2);
        assert.equal(
            region.stderr.trim(),
            '--regions "eu-west-1" is not a region of the main stack; its regions are ap-northeast-1, us-east-1',
        );
    });

    it("--dry-run prints the exact StartAutomationExecution request and exits 0 without calling AWS", async () => {
        const result = await automation(
            "--document",
            "AWS-EnableS3BucketEncryption",
            "--parameters",
            "BucketName=logs",
            "--accounts",
            "222222222222,555555555555",
            "--regions",
            "ap-northeast-1",
            "--max-concurrency",
            "2",
            "--dry-run",
        );
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(JSON.parse(result.stdout), {
            StartAutomationExecution: {
                DocumentName: "AWS-EnableS3BucketEncryption",
                Parameters: { BucketName: ["logs"] },
                TargetLocations: [
                    {
                        Accounts: ["222222222222", "555555555555"],
                        Regions: ["ap-northeast-1"],
                        ExecutionRoleName: "AWS-SystemsManager-AutomationExecutionRole",
                        TargetLocationMaxConcurrency: "2",
                    },
                ],
            },
        });
    });
});
