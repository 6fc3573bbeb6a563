import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** IAM policy documents as typed objects; components build them in one place and pass JSON strings to resources. */
export type OneOrMany<T> = T | T[];

export type Principal = "*" | { AWS?: OneOrMany<string>; Service?: OneOrMany<string>; Federated?: OneOrMany<string> };

export type ConditionBlock = Record<string, Record<string, OneOrMany<string> | boolean>>;

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: Principal;
    Action?: OneOrMany<string>;
    NotAction?: OneOrMany<string>;
    Resource?: OneOrMany<string>;
    NotResource?: OneOrMany<string>;
    Condition?: ConditionBlock;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

export function policy(...statements: PolicyStatement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * The first statement of every customer-managed key policy here: the account administers the key
 * through IAM (AWS's default). Who may use the key is in the statements that follow it.
 */
export function accountAdministersKey(partition: string, accountId: string): PolicyStatement {
    return {
        Sid: "AccountAdministersKeyThroughIam",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
    };
}

/** A trust policy letting one AWS service assume the role, only on behalf of `sourceAccount` when given (confused-deputy guard). */
export function serviceTrust(service: string, sourceAccount?: string): PolicyDocument {
    return policy({
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        ...(sourceAccount ? { Condition: { StringEquals: { "aws:SourceAccount": sourceAccount } } } : {}),
    });
}

/** Serializes a document whose builder needs resolved values (ARNs of other resources). */
export function policyJson<T>(inputs: pulumi.Input<T>, build: (values: pulumi.Unwrap<T>) => PolicyDocument): pulumi.Output<string> {
    return pulumi.output(inputs).apply((values) => JSON.stringify(build(values)));
}

export interface RoleArgs {
    name: pulumi.Input<string>;
    description: string;
    trust: pulumi.Input<string>;
    managedPolicyArns?: string[];
    inlinePolicies?: Record<string, pulumi.Input<string>>;
}

/**
 * An IAM role with its inline policies and managed-policy attachments as separate resources, so a
 * change to one policy does not replace the role.
 */
export function role(name: string, args: RoleArgs, opts: pulumi.CustomResourceOptions): aws.iam.Role {
    const created = new aws.iam.Role(name, { name: args.name, description: args.description, assumeRolePolicy: args.trust }, opts);
    for (const [policyName, document] of Object.entries(args.inlinePolicies ?? {})) {
        new aws.iam.RolePolicy(`${name}-${policyName}`, { role: created.name, name: policyName, policy: document }, opts);
    }
    for (const arn of args.managedPolicyArns ?? []) {
        const short = arn.split("/").pop() ?? arn;
        new aws.iam.RolePolicyAttachment(`${name}-${short}`, { role: created.name, policyArn: arn }, opts);
    }
    return created;
}
