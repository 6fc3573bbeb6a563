import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import type { HubOutputs } from "../components/hub";
import type { DeploymentsStackConfig } from "./config/schema";

export interface DeploymentsStackOutputs {
    configuredStacks: string[];
}

/**
 * Pulumi Deployments as code, in its own stack (a stack does not manage its own settings): each
 * listed stack deploys on a push to the branch, with `npm ci` first and OIDC to the deployer role.
 * Pull-request previews run in .github/workflows/preview.yml with the read-only role: Deployments
 * takes one OIDC role per stack, and the deployer role refuses preview tokens by design.
 */
export function runDeploymentsStack(config: DeploymentsStackConfig): DeploymentsStackOutputs {
    const main = new pulumi.StackReference("main-stack", { name: config.mainStack });
    const hub = main.requireOutput("hub") as pulumi.Output<HubOutputs>;
    const deployerRoleArn = hub.apply((h) => {
        if (!h.delivery) throw new Error('the main stack exports no "delivery" outputs: turn delivery.enabled on in the main stack first');
        return h.delivery.deployerRoleArn;
    });
    for (const stack of config.stacks) {
        new pulumiservice.DeploymentSettings(`deployments-${stack}`, {
            organization: config.pulumiOrganization,
            project: "multi-account-ops",
            stack,
            sourceContext: { git: { repoUrl: `https://github.com/${config.repository}.git`, branch: `refs/heads/${config.branch}` } },
            github: { repository: config.repository, deployCommits: true, previewPullRequests: false, paths: config.pathFilters },
            operationContext: {
                preRunCommands: ["npm ci"],
                options: { skipInstallDependencies: true },
                oidc: { aws: { roleARN: deployerRoleArn, sessionName: `pulumi-deployments-${stack}`, duration: "1h0m0s" } },
            },
        });
    }
    return { configuredStacks: config.stacks };
}
