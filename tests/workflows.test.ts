import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";
import { projectRoot } from "./helpers/program";

const file = path.join(projectRoot, ".github", "workflows", "preview.yml");
const text = fs.readFileSync(file, "utf8");

interface Workflow {
    on: { pull_request?: unknown };
    permissions: Record<string, string>;
    jobs: { preview: { env: Record<string, string>; steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] } };
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
        const job = workflow.jobs.preview;
        assert.equal(job.env.MULTI_ACCOUNT_OPS_PREVIEW_ONLY, "true");
        const runs = job.steps.map((step) => step.run).filter(Boolean);
        assert.deepEqual(runs, ["npm ci", "npm test"]);
        const credentials = job.steps.find((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials"));
        assert.equal(credentials?.with?.["role-to-assume"], "${{ vars.PREVIEW_ROLE_ARN }}");
        const preview = job.steps.find((step) => step.uses?.startsWith("pulumi/actions"));
        assert.equal(preview?.with?.command, "preview");
        assert.equal(preview?.with?.["comment-on-pr"], true);
        assert.equal(preview?.with?.policyPacks, "policy");
    });

    it("rejects a broken workflow, so the check can fail", () => {
        const result = validateWorkflow("on: pull_request\njobs:\n  x:\n    steps: []\n") as { errors: unknown[] };
        assert.ok(result.errors.length > 0);
    });
});
