import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import { roleArn } from "../components/arns";
import type { HubOutputs } from "../components/hub";
import { mainStackVariable } from "./config/fleet";
import type { DeploymentsStackConfig } from "./config/schema";
import type { FleetAccount, FleetOutputs } from "./fleet";

/** A deployment trigger: `target` deploys when `source`'s update succeeds. */
export interface FleetTrigger {
    source: string;
    target: string;
}

export interface FleetDeploymentsOutputs {
    stacks: string[];
    canaries: string[];
    triggers: FleetTrigger[];
}

/**
 * The order a change reaches the fleet: main's success starts the first canary; each canary's success
 * starts the next; the last canary's (or, without canaries, main's) success starts every other stack,
 * which Deployments then runs up to the organization's concurrency, first come first served
 * (https://www.pulumi.com/docs/deployments/operations/deployment-queue/). Webhooks do not guarantee
 * event order (https://www.pulumi.com/docs/deployments/concepts/webhooks/), so a wave is a chain of
 * stacks, each started by its predecessor's own success, never a set started at once.
 */
export function fleetTriggers(mainStack: string, accounts: FleetAccount[]): FleetTrigger[] {
    const triggers: FleetTrigger[] = [];
    let previous = mainStack;
    for (const canary of accounts.filter((a) => a.canary)) {
        triggers.push({ source: previous, target: canary.stack });
        previous = canary.stack;
    }
    for (const account of accounts.filter((a) => !a.canary)) triggers.push({ source: previous, target: account.stack });
    return triggers;
}

/**
 * Drift detection once a day, spread one stack a minute from `hourUtc`, so 500 stacks don't enter the
 * queue in the same minute (cron evaluated in UTC: https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_schedule_new/).
 */
export function driftCron(index: number, hourUtc: number): string {
    return `${index % 60} ${(hourUtc + Math.floor(index / 60)) % 24} * * *`;
}

/** The stack name inside its project: `org/project/stack` → `stack`. */
function shortStackName(stack: string): string {
    return stack.split("/").pop() ?? stack;
}

/**
 * Pulumi Deployments for every fleet account, from the main stack's `fleet` output: the Pulumi Cloud
 * stack, its DeploymentSettings (OIDC into the fleet deploy role in that account), the trigger webhook
 * and a drift schedule. A stack whose account left the fleet is retained (retainOnDelete): its resources
 * in AWS stay until someone destroys them on purpose (docs/fleet.md, "When an account leaves the fleet").
 */
export async function deployFleetDeployments(config: DeploymentsStackConfig): Promise<FleetDeploymentsOutputs | undefined> {
    const mainStack = config.fleet.mainStack;
    if (!mainStack) return undefined;
    const main = new pulumi.StackReference("fleet-main-stack", { name: mainStack });
    const fleet = (await main.getOutputValue("fleet")) as FleetOutputs | undefined;
    if (!fleet)
        throw new Error(
            `fleet.mainStack ${JSON.stringify(mainStack)} exports no "fleet" output: turn fleet.enabled on in that stack and deploy it first`,
        );
    const hub = (await main.getOutputValue("hub")) as HubOutputs | undefined;
    const partition = hub?.partition ?? "aws";
    const organization = config.pulumiOrganization;
    const project = fleet.project;
    const triggers = fleetTriggers(shortStackName(mainStack), fleet.accounts);
    const settingsByStack = new Map<string, pulumiservice.DeploymentSettings>();

    fleet.accounts.forEach((account, index) => {
        // https://www.pulumi.com/registry/packages/pulumiservice/api-docs/stack/
        const stack = new pulumiservice.Stack(
            `fleet-stack-${account.accountId}`,
            { organizationName: organization, projectName: project, stackName: account.stack, forceDestroy: false },
            { retainOnDelete: true },
        );
        // https://www.pulumi.com/registry/packages/pulumiservice/api-docs/deploymentsettings/ and
        // https://www.pulumi.com/docs/deployments/deployments/oidc/aws/: the role is in the fleet account itself.
        const settings = new pulumiservice.DeploymentSettings(
            `fleet-settings-${account.accountId}`,
            {
                organization,
                project,
                stack: account.stack,
                sourceContext: { git: { repoUrl: `https://github.com/${config.repository}.git`, branch: `refs/heads/${config.branch}` } },
                // Fleet stacks deploy when main succeeds (the webhooks below), never on a push of their own.
                github: { repository: config.repository, deployCommits: false, previewPullRequests: false },
                operationContext: {
                    preRunCommands: ["npm ci"],
                    options: { skipInstallDependencies: true },
                    environmentVariables: { [mainStackVariable]: mainStack },
                    oidc: {
                        aws: {
                            roleARN: roleArn(partition, account.accountId, fleet.deployRoleName),
                            sessionName: `pulumi-deployments-${account.stack}`,
                            duration: "1h0m0s",
                        },
                    },
                },
            },
            { dependsOn: [stack] },
        );
        settingsByStack.set(account.stack, settings);
        // A drift schedule needs the stack's deployment settings first ("Drift detection and remediation",
        // https://www.pulumi.com/docs/deployments/concepts/drift/; DriftSchedule resource).
        new pulumiservice.DriftSchedule(
            `fleet-drift-${account.accountId}`,
            {
                organization,
                project,
                stack: account.stack,
                scheduleCron: driftCron(index, config.fleet.driftHourUtc),
                autoRemediate: config.fleet.autoRemediateDrift,
            },
            { dependsOn: [settings] },
        );
    });

    for (const trigger of triggers) {
        const target = settingsByStack.get(trigger.target);
        const source = settingsByStack.get(trigger.source);
        // A deployment webhook (format pulumi_deployments, payload URL `<project>/<stack>`) starts a deployment
        // of the target with its own settings when the source's update succeeds: "Deployment webhooks",
        // https://www.pulumi.com/docs/deployments/concepts/triggers/ and the Webhook resource
        // (https://www.pulumi.com/registry/packages/pulumiservice/api-docs/webhook/).
        new pulumiservice.Webhook(
            `fleet-trigger-${trigger.target}`,
            {
                organizationName: organization,
                projectName: project,
                stackName: trigger.source,
                displayName: `fleet: deploy ${trigger.target}`,
                format: "pulumi_deployments",
                payloadUrl: `${project}/${trigger.target}`,
                filters: ["update_succeeded"],
                active: true,
            },
            { dependsOn: [...(target ? [target] : []), ...(source ? [source] : [])] },
        );
    }
    return {
        stacks: fleet.accounts.map((a) => a.stack),
        canaries: fleet.accounts.filter((a) => a.canary).map((a) => a.stack),
        triggers,
    };
}
