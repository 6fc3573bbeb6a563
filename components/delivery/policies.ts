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

/** The hub roles may assume only their counterparts in the members. */
export function assumeMemberRoles(roleArns: string[]): PolicyDocument {
    return policy({ Sid: "AssumeMemberDeployRoles", Effect: "Allow", Action: "sts:AssumeRole", Resource: [...roleArns].sort() });
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
