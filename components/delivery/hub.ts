import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicyArn } from "../arns";
import { role } from "../iam";
import { assumeMemberRoles, githubOidcHost, oidcTrust, pulumiOidcHost, writeOperations } from "./policies";

export interface DeliveryHubArgs {
    partition: string;
    accountId: string;
    region: string;
    organizationId: string;
    pulumiOrganization: string;
    stacks: string[];
    deployerRoleName: string;
    readOnlyRoleName: string;
    deployerManagedPolicyArns: string[];
    memberAccountIds: string[];
    memberDeployRoleName: string;
    memberReadOnlyRoleName: string;
    memberDeployManagedPolicyArns: string[];
    github?: { repository: string; branch: string };
}

/**
 * The main account's delivery identities: OIDC providers for Pulumi Cloud (and GitHub Actions),
 * the deployer role for update/refresh/destroy and the read-only role for previews.
 */
export class DeliveryHub extends pulumi.ComponentResource {
    readonly deployerRole: aws.iam.Role;
    readonly readOnlyRole: aws.iam.Role;

    constructor(name: string, args: DeliveryHubArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:delivery:DeliveryHub", name, {}, opts);
        const { partition } = args;
        const child = { parent: this };
        const pulumiProvider = new aws.iam.OpenIdConnectProvider(
            `${name}-pulumi-oidc`,
            { url: `https://${pulumiOidcHost}`, clientIdLists: [args.pulumiOrganization] },
            child,
        );
        const githubProvider = args.github
            ? new aws.iam.OpenIdConnectProvider(
                  `${name}-github-oidc`,
                  { url: `https://${githubOidcHost}`, clientIdLists: ["sts.amazonaws.com"] },
                  child,
              )
            : undefined;
        const repo = args.github ? `repo:${args.github.repository}` : "";
        const memberArns = (roleName: string): string[] =>
            args.memberAccountIds.map((id) => `arn:${partition}:iam::${id}:role/${roleName}`);

        const trust = (operations: string[], githubSubjects: string[]): pulumi.Output<string> =>
            pulumi.all([pulumiProvider.arn, githubProvider?.arn]).apply(([pulumiArn, githubArn]) =>
                JSON.stringify(
                    oidcTrust({
                        pulumiProviderArn: pulumiArn,
                        organization: args.pulumiOrganization,
                        stacks: args.stacks,
                        operations,
                        github: githubArn ? { providerArn: githubArn, subjects: githubSubjects } : undefined,
                    }),
                ),
            );

        this.deployerRole = role(
            `${name}-deployer`,
            {
                name: args.deployerRoleName,
                description: "Deploys multi-account-ops (update, refresh, destroy) from Pulumi Deployments or the default branch",
                trust: trust(writeOperations, args.github ? [`${repo}:ref:refs/heads/${args.github.branch}`] : []),
                managedPolicyArns: args.deployerManagedPolicyArns,
                inlinePolicies: args.memberAccountIds.length
                    ? { "assume-member-deploy-roles": JSON.stringify(assumeMemberRoles(memberArns(args.memberDeployRoleName))) }
                    : undefined,
            },
            child,
        );
        this.readOnlyRole = role(
            `${name}-read-only`,
            {
                name: args.readOnlyRoleName,
                description: "Previews multi-account-ops (pull requests): read-only in every account",
                trust: trust(["preview"], args.github ? [`${repo}:pull_request`] : []),
                managedPolicyArns: [managedPolicyArn(partition, "ReadOnlyAccess")],
                inlinePolicies: args.memberAccountIds.length
                    ? { "assume-member-read-only-roles": JSON.stringify(assumeMemberRoles(memberArns(args.memberReadOnlyRoleName))) }
                    : undefined,
            },
            child,
        );

        this.registerOutputs({ deployerRoleArn: this.deployerRole.arn, readOnlyRoleArn: this.readOnlyRole.arn });
    }
}
