import { oidcTrust, pulumiOidcHost, writeOperations } from "../delivery/policies";
import type { PolicyDocument } from "../iam";

/**
 * Fleet documents, from plain values so tests evaluate exactly these. The StackSet template is one
 * document for every fleet account: CloudFormation's Fn::Sub fills in each stack instance's own account
 * ID, so the role in account X trusts only the stack `member-X` (a StackSet cannot list accounts that
 * join its OUs later). Pseudo parameters in Fn::Sub:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html
 */

/**
 * The Pulumi Deployments operations a fleet stack's deploy role accepts: the write operations, and the
 * drift detection and remediation its drift schedule runs (OperationContext `operation` values,
 * https://www.pulumi.com/docs/reference/cloud-rest-api/schema/operationcontext/). Previews are not among them.
 */
export const fleetOperations = [...writeOperations, "detect-drift", "remediate-drift"];

/** The role a fleet account's Deployments assume, with its own account's OIDC provider and stack. */
export function fleetDeployTrust(args: {
    partition: string;
    accountId: string;
    pulumiOrganization: string;
    stack: string;
}): PolicyDocument {
    // Audience = the Pulumi organization, subject names org, project, stack, operation:
    // https://www.pulumi.com/docs/deployments/deployments/oidc/aws/ ("Configure the IAM role and trust policy").
    return oidcTrust({
        pulumiProviderArn: `arn:${args.partition}:iam::${args.accountId}:oidc-provider/${pulumiOidcHost}`,
        organization: args.pulumiOrganization,
        stacks: [args.stack],
        operations: fleetOperations,
    });
}

/** Wraps every string that names a CloudFormation pseudo parameter in Fn::Sub, so each stack instance fills in its own. */
function substitutePseudoParameters(value: unknown): unknown {
    if (typeof value === "string") return value.includes("${AWS::") ? { "Fn::Sub": value } : value;
    if (Array.isArray(value)) return value.map(substitutePseudoParameters);
    if (typeof value === "object" && value !== null)
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitutePseudoParameters(v)]));
    return value;
}

export interface FleetBootstrapTemplateArgs {
    pulumiOrganization: string;
    stackPrefix: string;
    deployRoleName: string;
    deployManagedPolicyArns: string[];
    /** Create the api.pulumi.com/oidc provider, or use the one the account already has (IAM allows one per URL). */
    createOidcProvider: boolean;
}

/** The StackSet template: the Pulumi OIDC provider (optional) and the deploy role each fleet stack's Deployments assume. */
export function fleetBootstrapTemplate(args: FleetBootstrapTemplateArgs): string {
    const trust = fleetDeployTrust({
        partition: "${AWS::Partition}",
        accountId: "${AWS::AccountId}",
        pulumiOrganization: args.pulumiOrganization,
        stack: `${args.stackPrefix}\${AWS::AccountId}`,
    });
    const resources: Record<string, unknown> = {
        DeployRole: {
            Type: "AWS::IAM::Role",
            ...(args.createOidcProvider ? { DependsOn: "PulumiOidcProvider" } : {}),
            Properties: {
                RoleName: args.deployRoleName,
                Description: "Pulumi Deployments of this account's own fleet stack (OIDC)",
                AssumeRolePolicyDocument: substitutePseudoParameters(trust),
                ManagedPolicyArns: args.deployManagedPolicyArns,
                MaxSessionDuration: 3600,
            },
        },
    };
    if (args.createOidcProvider) {
        // AWS::IAM::OIDCProvider: Url and ClientIdList (the audience, here the Pulumi organization).
        resources.PulumiOidcProvider = {
            Type: "AWS::IAM::OIDCProvider",
            Properties: { Url: `https://${pulumiOidcHost}`, ClientIdList: [args.pulumiOrganization] },
        };
    }
    return JSON.stringify({
        AWSTemplateFormatVersion: "2010-09-09",
        Description: "multi-account-ops fleet: the role Pulumi Deployments assumes to deploy this account's own stack",
        Resources: resources,
    });
}
