import { policy, type PolicyDocument, type PolicyStatement } from "../iam";

/** Delivery's identity chain as documents, from plain values so tests evaluate exactly these. */

export const pulumiOidcHost = "api.pulumi.com/oidc";
export const githubOidcHost = "token.actions.githubusercontent.com";

export const writeOperations = ["update", "refresh", "destroy"];

export function pulumiSubjects(organization: string, stacks: string[], operations: string[]): string[] {
    return stacks.flatMap((stack) =>
        operations.map(
            (operation) => `pulumi:deploy:org:${organization}:project:multi-account-ops:stack:${stack}:operation:${operation}:scope:write`,
        ),
    );
}

export interface OidcTrustArgs {
    pulumiProviderArn: string;
    organization: string;
    stacks: string[];
    operations: string[];
    /** GitHub Actions: the provider and the subjects (`repo:owner/name:ref:refs/heads/main`, `repo:owner/name:pull_request`). */
    github?: { providerArn: string; subjects: string[] };
}

/** A deployer role's trust: Pulumi Deployments tokens of this org, project, stacks and operations only (and optionally GitHub Actions). */
export function oidcTrust(args: OidcTrustArgs): PolicyDocument {
    const statements: PolicyStatement[] = [
        {
            Sid: "PulumiDeployments",
            Effect: "Allow",
            Principal: { Federated: args.pulumiProviderArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
                StringEquals: { [`${pulumiOidcHost}:aud`]: args.organization },
                StringLike: { [`${pulumiOidcHost}:sub`]: pulumiSubjects(args.organization, args.stacks, args.operations) },
            },
        },
    ];
    if (args.github) {
        statements.push({
            Sid: "GitHubActions",
            Effect: "Allow",
            Principal: { Federated: args.github.providerArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
                StringEquals: { [`${githubOidcHost}:aud`]: "sts.amazonaws.com" },
                StringLike: { [`${githubOidcHost}:sub`]: args.github.subjects },
            },
        });
    }
    return policy(...statements);
}

/** The hub roles may assume only the named roles in other accounts (the read-only role only read-only twins). */
export function assumeRoles(roleArns: string[]): PolicyDocument {
    return policy({ Sid: "AssumeNamedRoles", Effect: "Allow", Action: "sts:AssumeRole", Resource: [...new Set(roleArns)].sort() });
}

/** GitHub Actions subjects: a job that names an environment gets `repo:<o/r>:environment:<name>` as its `sub`. */
export function githubEnvironmentSubject(repository: string, environment: string): string {
    // https://docs.github.com/en/actions/reference/security/oidc ("Filtering for a specific environment")
    return `repo:${repository}:environment:${environment}`;
}

/** The GitHub environment the preview workflow uses for one stack, so each stack's token differs. */
export function previewEnvironment(stack: string): string {
    return `preview-${stack}`;
}

/**
 * A role in another account that the main account's delivery roles may assume, named through
 * `aws:PrincipalArn` on the main account's principal rather than as the principal itself: IAM rejects a
 * trust policy naming a role that does not exist yet, and would silently rewrite it to an ID if the role
 * were recreated (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html,
 * "IAM roles"), so this trust is valid before the deployer exists and the order of creation never matters.
 */
export function mainAccountRoleTrust(args: {
    partition: string;
    mainAccountId: string;
    principalRoleArns: string[];
    organizationId: string;
}): PolicyDocument {
    return policy({
        Sid: "MainAccountDeliveryRoles",
        Effect: "Allow",
        Principal: { AWS: `arn:${args.partition}:iam::${args.mainAccountId}:root` },
        Action: "sts:AssumeRole",
        Condition: {
            ArnEquals: { "aws:PrincipalArn": [...args.principalRoleArns].sort() },
            StringEquals: { "aws:PrincipalOrgID": args.organizationId },
        },
    });
}

/** The bootstrap's StackSet template: the hub's access role and its read-only twin in every account of the OUs. */
export function hubAccessRolesTemplate(args: {
    partition: string;
    mainAccountId: string;
    organizationId: string;
    deployerRoleArns: string[];
    readOnlyRoleArn: string;
    roleName: string;
    readOnlyRoleName: string;
    managedPolicyArns: string[];
}): string {
    const trust = (principals: string[]): PolicyDocument =>
        mainAccountRoleTrust({
            partition: args.partition,
            mainAccountId: args.mainAccountId,
            principalRoleArns: principals,
            organizationId: args.organizationId,
        });
    return JSON.stringify({
        AWSTemplateFormatVersion: "2010-09-09",
        Description: "multi-account-ops bootstrap: the role the hub's deployer assumes here, and the read-only twin its previews assume",
        Resources: {
            HubAccessRole: {
                Type: "AWS::IAM::Role",
                Properties: {
                    RoleName: args.roleName,
                    AssumeRolePolicyDocument: trust(args.deployerRoleArns),
                    ManagedPolicyArns: args.managedPolicyArns,
                },
            },
            HubReadOnlyRole: {
                Type: "AWS::IAM::Role",
                Properties: {
                    RoleName: args.readOnlyRoleName,
                    AssumeRolePolicyDocument: trust([...args.deployerRoleArns, args.readOnlyRoleArn]),
                    ManagedPolicyArns: [{ "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess" }],
                },
            },
        },
    });
}

/** A member role: only the named hub roles, from inside the organization. */
export function memberRoleTrust(principalArns: string[], organizationId: string): PolicyDocument {
    return policy({
        Effect: "Allow",
        Principal: { AWS: principalArns.length === 1 ? principalArns[0] : principalArns },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:PrincipalOrgID": organizationId } },
    });
}

/** The StackSet template that bootstraps both member roles into every account of the OUs. */
export function memberRolesTemplate(args: {
    deployerRoleArn: string;
    readOnlyRoleArn: string;
    organizationId: string;
    deployRoleName: string;
    readOnlyRoleName: string;
    deployManagedPolicyArns: string[];
}): string {
    return JSON.stringify({
        AWSTemplateFormatVersion: "2010-09-09",
        Description: "multi-account-ops: the roles the hub's deployer (write) and preview (read-only) roles assume",
        Resources: {
            DeployRole: {
                Type: "AWS::IAM::Role",
                Properties: {
                    RoleName: args.deployRoleName,
                    AssumeRolePolicyDocument: memberRoleTrust([args.deployerRoleArn], args.organizationId),
                    ManagedPolicyArns: args.deployManagedPolicyArns,
                },
            },
            ReadOnlyRole: {
                Type: "AWS::IAM::Role",
                Properties: {
                    RoleName: args.readOnlyRoleName,
                    AssumeRolePolicyDocument: memberRoleTrust([args.deployerRoleArn, args.readOnlyRoleArn], args.organizationId),
                    ManagedPolicyArns: [{ "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess" }],
                },
            },
        },
    });
}
