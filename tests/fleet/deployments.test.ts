import { strict as assert } from "node:assert";
import type { ProgramRun, Registration } from "../../offline/recorder";
import type { FleetDeploymentsOutputs } from "../../stacks/fleetDeployments";
import { exampleConfig, ofType } from "../helpers/program";
import { fleetMainConfig, fleetOfSize, runDeployments, runMain } from "./helpers";

const deploymentsConfig = exampleConfig("deployments");

function byStack(registrations: Registration[], key: string): Map<string, Registration> {
    return new Map(registrations.map((r) => [String(r.inputs[key]), r]));
}

for (const size of [3, 50]) {
    describe(`fleet mode: the deployments stack with ${size} fleet accounts`, function () {
        this.timeout(300_000);
        let run: ProgramRun;
        let accounts: string[];

        before(async () => {
            const main = await runMain(fleetMainConfig({ canary: { accountIds: ["300000000001"] } }), fleetOfSize(size));
            run = await runDeployments(main.outputs);
            accounts = Array.from({ length: size }, (_, i) => String(300000000000 + i));
        });

        it("creates one Pulumi Cloud stack per account, member-<accountId>, kept when its account leaves", () => {
            const stacks = ofType(run, "pulumiservice:index:Stack");
            assert.deepEqual(
                stacks.map((s) => s.inputs.stackName).sort(),
                accounts.map((id) => `member-${id}`),
            );
            for (const stack of stacks) {
                assert.equal(stack.inputs.organizationName, deploymentsConfig.pulumiOrganization);
                assert.equal(stack.inputs.projectName, "multi-account-ops");
                assert.equal(stack.retainOnDelete, true, `${String(stack.inputs.stackName)} would be deleted with its account`);
            }
        });

        it("gives each stack settings: the repository, npm ci, the main stack's name, OIDC into the deploy role in that account", () => {
            const settings = byStack(
                ofType(run, "pulumiservice:index:DeploymentSettings").filter((s) => String(s.inputs.stack).startsWith("member-")),
                "stack",
            );
            assert.equal(settings.size, size);
            for (const id of accounts) {
                const s = settings.get(`member-${id}`);
                assert.ok(s, `no settings for member-${id}`);
                const source = s.inputs.sourceContext as { git: { repoUrl: string; branch: string } };
                assert.equal(source.git.repoUrl, `https://github.com/${String(deploymentsConfig.repository)}.git`);
                const context = s.inputs.operationContext as {
                    preRunCommands: string[];
                    environmentVariables: Record<string, string>;
                    oidc: { aws: { roleARN: string } };
                };
                assert.deepEqual(context.preRunCommands, ["npm ci"]);
                assert.equal(context.environmentVariables.MULTI_ACCOUNT_OPS_MAIN_STACK, "my-org/multi-account-ops/main");
                assert.equal(context.oidc.aws.roleARN, `arn:aws:iam::${id}:role/multi-account-ops-fleet-deploy`);
                assert.equal((s.inputs.github as { deployCommits: boolean }).deployCommits, false);
            }
        });

        it("starts the canary when main's update succeeds, and every other stack when the canary's does", () => {
            const hooks = byStack(ofType(run, "pulumiservice:index:Webhook"), "payloadUrl");
            assert.equal(hooks.size, size);
            const canary = hooks.get("multi-account-ops/member-300000000001");
            assert.equal(canary?.inputs.stackName, "main");
            for (const id of accounts.filter((a) => a !== "300000000001")) {
                const hook = hooks.get(`multi-account-ops/member-${id}`);
                assert.ok(hook, `nothing deploys member-${id}`);
                assert.equal(hook.inputs.stackName, "member-300000000001");
                assert.equal(hook.inputs.format, "pulumi_deployments");
                assert.deepEqual(hook.inputs.filters, ["update_succeeded"]);
            }
            const outputs = run.outputs.fleet as FleetDeploymentsOutputs;
            assert.deepEqual(outputs.triggers[0], { source: "main", target: "member-300000000001" });
            assert.deepEqual(outputs.canaries, ["member-300000000001"]);
        });

        it("schedules drift detection for every stack, after its settings exist, spread over the minutes", () => {
            const schedules = ofType(run, "pulumiservice:index:DriftSchedule");
            assert.equal(schedules.length, size);
            const settingsUrns = new Map(ofType(run, "pulumiservice:index:DeploymentSettings").map((s) => [String(s.inputs.stack), s.urn]));
            for (const schedule of schedules) {
                assert.ok(schedule.dependencies?.includes(settingsUrns.get(String(schedule.inputs.stack)) ?? "none"));
                assert.match(String(schedule.inputs.scheduleCron), /^\d{1,2} \d{1,2} \* \* \*$/);
            }
            assert.equal(new Set(schedules.map((s) => s.inputs.scheduleCron)).size, size);
        });
    });
}
