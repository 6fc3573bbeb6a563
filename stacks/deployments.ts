import * as pulumiservice from "@pulumi/pulumiservice";
import { roleArn } from "../components/arns";
import { previewEnvironment } from "../components/delivery/policies";
import type { DeploymentsStackConfig } from "./config/schema";
import { deployFleetDeployments, type FleetDeploymentsOutputs } from "./fleetDeployments";

export interface DeploymentsStackOutputs {
    configuredStacks: { stack: string; roleArn: string }[];
    /** Fleet mode: one stack per fleet account, with its settings, trigger webhook and drift schedule. */
    fleet: Promise<FleetDeploymentsOutputs | undefined>;
}

/** GitHub Actions' token issuer (https://docs.github.com/en/actions/reference/security/oidc). */
const githubIssuerUrl = "https://token.actions.githubusercontent.com";

/** The audience of a GitHub token exchanged for a Pulumi token (https://www.pulumi.com/docs/reference/cloud-rest-api/oauth-token-exchange). */
export function pulumiTokenAudience(organization: string): string {
    return `urn:pulumi:org:${organization}`;
}

/**
 * Pulumi Deployments as code, in its own stack (a stack does not manage its own settings): each listed
 * stack deploys on a push to the branch, with `npm ci` first and OIDC to the deployer role in that
 * stack's own account (a member stack's provider allows only its own account). Pull-request previews
 * run in .github/workflows/preview.yml, which gets its Pulumi token from the GitHub issuer registered here.
 */
export function runDeploymentsStack(config: DeploymentsStackConfig): DeploymentsStackOutputs {
    const configuredStacks = config.stacks.map((stack) => {
        // Pulumi Deployments runs in the commercial partition; the role ARN is built from config so the
        // settings do not depend on another stack's outputs.
        const deployerRoleArn = roleArn("aws", stack.accountId, stack.deployerRoleName);
        // https://www.pulumi.com/docs/deployments/deployments/oidc/aws/ and the DeploymentSettings resource
        // (https://www.pulumi.com/registry/packages/pulumiservice/api-docs/deploymentsettings/).
        new pulumiservice.DeploymentSettings(`deployments-${stack.name}`, {
            organization: config.pulumiOrganization,
            project: "multi-account-ops",
            stack: stack.name,
            sourceContext: { git: { repoUrl: `https://github.com/${config.repository}.git`, branch: `refs/heads/${config.branch}` } },
            github: { repository: config.repository, deployCommits: true, previewPullRequests: false, paths: config.pathFilters },
            operationContext: {
                preRunCommands: ["npm ci"],
                options: { skipInstallDependencies: true },
                oidc: { aws: { roleARN: deployerRoleArn, sessionName: `pulumi-deployments-${stack.name}`, duration: "1h0m0s" } },
            },
        });
        return { stack: stack.name, roleArn: deployerRoleArn };
    });

    // GitHub Actions as a trusted OIDC issuer of Pulumi Cloud: the preview job exchanges its GitHub token
    // (pulumi/auth-actions) for a short-lived Pulumi token, one policy per stack's preview environment.
    // https://www.pulumi.com/docs/administration/guides/oidc-issuers/github/ and
    // https://www.pulumi.com/registry/packages/pulumiservice/api-docs/oidcissuer/
    const token = config.previewToken;
    new pulumiservice.OidcIssuer("github-actions", {
        organization: config.pulumiOrganization,
        name: "github-actions",
        url: githubIssuerUrl,
        maxExpirationSeconds: token.maxExpirationSeconds,
        policies: config.stacks.map((stack) => ({
            decision: "allow",
            tokenType: token.tokenType,
            teamName: token.tokenType === "team" ? token.teamName : undefined,
            userLogin: token.tokenType === "personal" ? token.userLogin : undefined,
            // Organization tokens: "standard", never "admin".
            authorizedPermissions: token.tokenType === "organization" ? ["standard"] : undefined,
            // Both claims, as the issuer guide's policy does: aud = urn:pulumi:org:<org> (what pulumi/auth-actions
            // asks GitHub for), so a GitHub token minted for another audience (AWS's sts.amazonaws.com, another
            // Pulumi organization) from the same environment is never exchanged here.
            // https://www.pulumi.com/docs/administration/guides/oidc-issuers/github/ ("Aud: urn:pulumi:org:<org-name>")
            rules: {
                aud: pulumiTokenAudience(config.pulumiOrganization),
                sub: `repo:${config.repository}:environment:${previewEnvironment(stack.name)}`,
            },
        })),
    });
    return { configuredStacks, fleet: deployFleetDeployments(config) };
}
