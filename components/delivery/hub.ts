import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicyArn } from "../arns";
import { role } from "../iam";
import { assumeRoles, githubOidcHost, oidcTrust, pulumiOidcHost, writeOperations } from "./policies";

export interface DeliveryHubArgs {
    partition: string;
    /** The Pulumi Cloud organization: the audience of Pulumi's tokens and part of their subject. */
    pulumiOrganization: string;
    /** The stacks whose tokens these roles accept; each account's roles accept only the stacks that run with that account's credentials. */
    stacks: string[];
    deployerRoleName: string;
    readOnlyRoleName: string;
    deployerManagedPolicyArns: string[];
    /** Roles in other accounts the deployer may assume (beyond its managed policies). */
    deployerAssumableRoleArns: string[];
    /** Roles in other accounts the read-only role may assume: only their read-only twins. */
    readOnlyAssumableRoleArns: string[];
    /**
     * IAM allows one OIDC provider per URL in an account
     * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html): name an existing one
     * instead of creating it.
     */
    existingOidcProviders: { pulumi?: string; github?: string };
    /** GitHub Actions: the subjects the deployer and the read-only role accept (`repo:o/r:ref:refs/heads/main`, `repo:o/r:environment:preview-main`). */
    github?: { deploySubjects: string[]; previewSubjects: string[] };
}

/**
 * One account's delivery identities: OIDC providers for Pulumi Cloud (and GitHub Actions), the deployer
 * role for update/refresh/destroy and the read-only role for previews. The main stack makes them in the
 * main account for itself; a member stack makes them in its own account for itself.
 */
export class DeliveryHub extends pulumi.ComponentResource {
    readonly deployerRole: aws.iam.Role;
    readonly readOnlyRole: aws.iam.Role;
    readonly pulumiProviderArn: pulumi.Output<string>;

    constructor(name: string, args: DeliveryHubArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:delivery:DeliveryHub", name, {}, opts);
        const child = { parent: this };
        this.pulumiProviderArn = args.existingOidcProviders.pulumi
            ? pulumi.output(args.existingOidcProviders.pulumi)
            : new aws.iam.OpenIdConnectProvider(
                  `${name}-pulumi-oidc`,
                  { url: `https://${pulumiOidcHost}`, clientIdLists: [args.pulumiOrganization] },
                  child,
              ).arn;
        const githubProviderArn = !args.github
            ? undefined
            : args.existingOidcProviders.github
              ? pulumi.output(args.existingOidcProviders.github)
              : new aws.iam.OpenIdConnectProvider(
                    `${name}-github-oidc`,
                    { url: `https://${githubOidcHost}`, clientIdLists: ["sts.amazonaws.com"] },
                    child,
                ).arn;

        const trust = (operations: string[], githubSubjects: string[]): pulumi.Output<string> =>
            pulumi.all([this.pulumiProviderArn, githubProviderArn]).apply(([pulumiArn, githubArn]) =>
                JSON.stringify(
                    oidcTrust({
                        pulumiProviderArn: pulumiArn,
                        organization: args.pulumiOrganization,
                        stacks: args.stacks,
                        operations,
                        github: githubArn && githubSubjects.length > 0 ? { providerArn: githubArn, subjects: githubSubjects } : undefined,
                    }),
                ),
            );

        this.deployerRole = role(
            `${name}-deployer`,
            {
                name: args.deployerRoleName,
                description: `Deploys multi-account-ops stacks ${args.stacks.join(", ")} (update, refresh, destroy)`,
                trust: trust(writeOperations, args.github?.deploySubjects ?? []),
                managedPolicyArns: args.deployerManagedPolicyArns,
                inlinePolicies: args.deployerAssumableRoleArns.length
                    ? { "assume-member-deploy-roles": JSON.stringify(assumeRoles(args.deployerAssumableRoleArns)) }
                    : undefined,
            },
            child,
        );
        this.readOnlyRole = role(
            `${name}-read-only`,
            {
                name: args.readOnlyRoleName,
                description: `Previews multi-account-ops stacks ${args.stacks.join(", ")}: read-only here and in every account it reaches`,
                trust: trust(["preview"], args.github?.previewSubjects ?? []),
                managedPolicyArns: [managedPolicyArn(args.partition, "ReadOnlyAccess")],
                inlinePolicies: args.readOnlyAssumableRoleArns.length
                    ? { "assume-read-only-roles": JSON.stringify(assumeRoles(args.readOnlyAssumableRoleArns)) }
                    : undefined,
            },
            child,
        );

        this.registerOutputs({ deployerRoleArn: this.deployerRole.arn, readOnlyRoleArn: this.readOnlyRole.arn });
    }
}
