import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { projectRoot } from "../helpers/program";

const exec = promisify(execFile);

interface PlanJson {
    stack: string;
    resources: {
        urn: string;
        type: string;
        name: string;
        account: string | null;
        region: string | null;
        inputs: Record<string, unknown>;
    }[];
}

async function plan(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
    try {
        const { stdout, stderr } = await exec(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/plan.ts", ...args], {
            cwd: projectRoot,
            maxBuffer: 64 * 1024 * 1024,
        });
        return { stdout, stderr, code: 0 };
    } catch (error) {
        const failed = error as { stdout: string; stderr: string; code: number };
        return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
    }
}

describe("offline plan (npm run plan)", () => {
    it("prints valid JSON with exactly stack and resources, each attributed to its account", async () => {
        const result = await plan("--stack", "main", "--json");
        assert.equal(result.code, 0, result.stderr);
        const parsed = JSON.parse(result.stdout) as PlanJson;
        assert.deepEqual(Object.keys(parsed), ["stack", "resources"]);
        assert.equal(parsed.stack, "main");
        assert.ok(parsed.resources.length > 0);
        for (const resource of parsed.resources) {
            assert.deepEqual(Object.keys(resource), ["urn", "type", "name", "account", "region", "inputs"]);
            assert.match(String(resource.account), /^\d{12}$/, `${resource.urn} has no account`);
        }
        for (const member of ["222222222222", "333333333333", "444444444444"]) {
            const provider = parsed.resources.find((r) => r.type === "pulumi:providers:aws" && r.account === member);
            assert.ok(provider, `no provider for ${member}`);
            const roleB = parsed.resources.find(
                (r) => r.type === "aws:iam/role:Role" && r.name.endsWith("-ami-parameter-writer-role") && r.account === member,
            );
            assert.ok(roleB, `role B is not attributed to ${member}`);
            assert.equal(typeof roleB.inputs.assumeRolePolicy, "string", "policies are the JSON strings the resource receives");
        }
    });

    it("prints the text plan per account and region, with the trust edges", async () => {
        const result = await plan("--stack", "main");
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /^account 222222222222 \(member "dev"\)$/m);
        assert.match(result.stdout, /^ {2}ap-northeast-1$/m);
        assert.match(result.stdout, /^trust edges \(principal -> role it may assume\):$/m);
    });

    it("resolves the member stack's StackReference from the main stack's own plan", async () => {
        const result = await plan("--stack", "member", "--json");
        assert.equal(result.code, 0, result.stderr);
        const parsed = JSON.parse(result.stdout) as PlanJson;
        assert.ok(parsed.resources.every((r) => r.account === "555555555555"));
        const roleB = parsed.resources.find((r) => r.type === "aws:iam/role:Role" && r.inputs.name === "LambdaExecutionRoleForSSMParam");
        assert.ok(roleB, "the member gets role B");
        // The trust names the hub's real role A ARN, taken from the main stack's own plan.
        assert.match(String(roleB.inputs.assumeRolePolicy), /"AWS":"arn:aws:iam::111111111111:role\/multi-account-ops-ami-publisher"/);
    });

    it("exits 1 naming the bad value when a member account ID is broken", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
        const broken = path.join(dir, "Pulumi.broken.yaml");
        fs.writeFileSync(broken, fs.readFileSync(path.join(projectRoot, "Pulumi.main.yaml"), "utf8").replace('"333333333333"', '"33333"'));
        const result = await plan("--stack", "broken", "--file", broken);
        assert.equal(result.code, 1);
        assert.match(result.stderr, /members\[1\]\.accountId "33333" is not a 12-digit account ID/);
    });

    it("shows secure values as [secret] without stopping", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
        const withSecret = path.join(dir, "Pulumi.secret.yaml");
        fs.writeFileSync(
            withSecret,
            fs
                .readFileSync(path.join(projectRoot, "Pulumi.main.yaml"), "utf8")
                .replace("cost-center: platform", "cost-center:\n            secure: AAABAExampleCiphertext"),
        );
        const result = await plan("--stack", "main", "--file", withSecret, "--json");
        assert.equal(result.code, 0, result.stderr);
        const parsed = JSON.parse(result.stdout) as PlanJson;
        const provider = parsed.resources.find((r) => r.type === "pulumi:providers:aws");
        assert.deepEqual((provider?.inputs.defaultTags as { tags: Record<string, string> }).tags["cost-center"], "[secret]");
    });
});
