import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";
import { previewEnvironment } from "../components/delivery/policies";
import { exampleConfig, projectRoot } from "./helpers/program";

const file = path.join(projectRoot, ".github", "workflows", "preview.yml");
const text = fs.readFileSync(file, "utf8");

interface Job {
    needs?: string;
    environment?: string;
    env?: Record<string, string>;
    strategy?: { matrix: { stack: string[] } };
    steps: { uses?: string; run?: string; with?: Record<string, unknown> }[];
}
interface Workflow {
    on: { pull_request?: unknown };
    permissions: Record<string, string>;
    jobs: { test: Job; preview: Job };
}

describe("the pull-request preview workflow", () => {
    it("is a valid GitHub Actions workflow (schema check)", () => {
        const result = validateWorkflow(text) as { errors: unknown[] };
        assert.deepEqual(result.errors, []);
    });

    it("previews every stack on pull requests with read-only credentials, the policy pack and minimal permissions", () => {
        const workflow = parse(text) as Workflow;
        assert.ok(workflow.on.pull_request);
        assert.deepEqual(workflow.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
        assert.deepEqual(workflow.jobs.test.steps.map((step) => step.run).filter(Boolean), ["npm ci", "npm test"]);
        const job = workflow.jobs.preview;
        assert.equal(job.needs, "test");
        assert.equal(job.env?.MULTI_ACCOUNT_OPS_PREVIEW_ONLY, "true");
        const credentials = job.steps.find((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials"));
        assert.equal(credentials?.with?.["role-to-assume"], "${{ vars.PREVIEW_ROLE_ARN }}");
        const preview = job.steps.find((step) => step.uses?.startsWith("pulumi/actions"));
        assert.equal(preview?.with?.command, "preview");
        assert.equal(preview?.with?.["stack-name"], "${{ vars.PULUMI_ORG }}/${{ matrix.stack }}");
        assert.equal(preview?.with?.["comment-on-pr"], true);
        assert.equal(preview?.with?.policyPacks, "policy");
    });

    it("runs each stack in its own GitHub environment, the one its read-only role and the Pulumi issuer policy trust", () => {
        const job = (parse(text) as Workflow).jobs.preview;
        assert.equal(job.environment, `${previewEnvironment("${{ matrix.stack }}")}`);
        // Every stack the deployments stack configures is previewed.
        const deployments = exampleConfig("deployments") as { stacks: { name: string }[] };
        assert.deepEqual(
            job.strategy?.matrix.stack,
            deployments.stacks.map((stack) => stack.name),
        );
    });

    it("holds no long-lived Pulumi token: it exchanges its GitHub OIDC token for a short-lived team token", () => {
        const code = text
            .split("\n")
            .filter((line) => !line.trim().startsWith("#"))
            .join("\n");
        assert.doesNotMatch(code, /PULUMI_ACCESS_TOKEN/);
        assert.doesNotMatch(code, /secrets\.(?!GITHUB_TOKEN)/);
        const job = (parse(text) as Workflow).jobs.preview;
        const auth = job.steps.findIndex((step) => step.uses?.startsWith("pulumi/auth-actions@"));
        const preview = job.steps.findIndex((step) => step.uses?.startsWith("pulumi/actions@"));
        assert.ok(auth >= 0 && auth < preview, "pulumi/auth-actions runs before the preview");
        const inputs = job.steps[auth].with ?? {};
        assert.equal(inputs["requested-token-type"], "urn:pulumi:token-type:access_token:team");
        assert.equal(inputs.scope, "team:${{ vars.PULUMI_PREVIEW_TEAM }}");
        assert.equal(inputs.organization, "${{ vars.PULUMI_ORG }}");
    });

    it("rejects a broken workflow, so the check can fail", () => {
        const result = validateWorkflow("on: pull_request\njobs:\n  x:\n    steps: []\n") as { errors: unknown[] };
        assert.ok(result.errors.length > 0);
    });
});
