import { managedPolicyArn } from "../arns";
import { accountAdministersKey, policy, serviceTrust, type ConditionBlock, type PolicyDocument, type PolicyStatement } from "../iam";

/** Every IAM document of the golden AMI capability, built from plain strings so tests can evaluate them directly. */

export function imageBuilderServiceLinkedRoleArn(partition: string, accountId: string): string {
    return `arn:${partition}:iam::${accountId}:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder`;
}

export function parameterArnPattern(partition: string, accountId: string, parameterPrefix: string): string {
    return `arn:${partition}:ssm:*:${accountId}:parameter${parameterPrefix}/*`;
}

/**
 * PutParameter with Tags also needs ssm:AddTagsToResource (as AWS::SSM::Parameter states:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ssm-parameter.html). At the 100-version limit the publisher
 * removes its own label from the oldest version (ssm:UnlabelParameterVersion), whose labels only
 * GetParameterHistory returns (ssm:GetParameterHistory): see handlers/amiPublisher/writer.ts.
 */
const parameterWriteActions = [
    "ssm:PutParameter",
    "ssm:GetParameter",
    "ssm:LabelParameterVersion",
    "ssm:AddTagsToResource",
    "ssm:GetParameterHistory",
    "ssm:UnlabelParameterVersion",
];

/** Parameter Store validates an aws:ec2:image value with the caller's ec2:DescribeImages, which has no resource-level permissions. */
const describeImages: PolicyStatement = { Sid: "ValidateAmiParameter", Effect: "Allow", Action: "ec2:DescribeImages", Resource: "*" };

export interface PublisherPermissionArgs {
    partition: string;
    mainAccountId: string;
    parameterPrefix: string;
    targetRoleName: string;
    /** Role B in each configured receiving account. */
    targetRoleArns: string[];
    /** Organizations shared with as a whole: role B in any of their accounts. */
    sharedOrganizationIds: string[];
    /** OUs shared with, as `o-xxx/ou-xxx` pairs: role B in any account below them. */
    sharedOrganizationalUnits: { organizationId: string; ouId: string }[];
    orgReaderRoleArn?: string;
    /** Without a reader role the publisher lists the organization itself (the main account is its management account). */
    listOrganizationDirectly: boolean;
    logGroupArn: string;
    deadLetterQueueArn: string;
    keyArn: string;
}

/** Role A: assumes only role B (exact ARNs, or limited to the shared org/OUs) and writes its own account's parameters. */
export function publisherPermissions(args: PublisherPermissionArgs): PolicyDocument {
    const statements: PolicyStatement[] = [];
    if (args.targetRoleArns.length > 0) {
        statements.push({
            Sid: "AssumeParameterWriterRoles",
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Resource: [...args.targetRoleArns].sort(),
        });
    }
    const anyAccountRoleB = `arn:${args.partition}:iam::*:role/${args.targetRoleName}`;
    if (args.sharedOrganizationIds.length > 0) {
        statements.push({
            Sid: "AssumeParameterWriterRolesInSharedOrganization",
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Resource: anyAccountRoleB,
            Condition: { StringEquals: { "aws:ResourceOrgID": args.sharedOrganizationIds } },
        });
    }
    if (args.sharedOrganizationalUnits.length > 0) {
        statements.push({
            Sid: "AssumeParameterWriterRolesInSharedOUs",
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Resource: anyAccountRoleB,
            Condition: {
                "ForAnyValue:StringLike": {
                    "aws:ResourceOrgPaths": args.sharedOrganizationalUnits.map((ou) => `${ou.organizationId}/*/${ou.ouId}/*`),
                },
            },
        });
    }
    if (args.orgReaderRoleArn)
        statements.push({ Sid: "AssumeOrganizationReader", Effect: "Allow", Action: "sts:AssumeRole", Resource: args.orgReaderRoleArn });
    if (args.listOrganizationDirectly) statements.push(organizationReadStatement);
    statements.push(
        {
            Sid: "WriteOwnAccountParameters",
            Effect: "Allow",
            Action: parameterWriteActions,
            Resource: parameterArnPattern(args.partition, args.mainAccountId, args.parameterPrefix),
        },
        describeImages,
        { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${args.logGroupArn}:*` },
        { Sid: "SendFailedEventsToDeadLetterQueue", Effect: "Allow", Action: "sqs:SendMessage", Resource: args.deadLetterQueueArn },
        { Sid: "UseQueueKey", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: args.keyArn },
    );
    return policy(...statements);
}

export interface PublisherQueueArgs {
    targetQueueArn: string;
    targetsDeadLetterQueueArn: string;
    keyArn: string;
}

/**
 * Role A's fan-out: it enqueues targets (SendMessageBatch is authorized as sqs:SendMessage), its
 * event source mapping reads and deletes them (ReceiveMessage, DeleteMessage, GetQueueAttributes:
 * "Using Lambda with Amazon SQS", execution role permissions, https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html),
 * and a target given up goes to the targets' dead-letter queue. The queue is encrypted with the
 * notification key: a consumer needs kms:Decrypt ("Configuring an Amazon SQS queue to trigger an AWS Lambda
 * function", permissions for encrypted queues), a producer kms:GenerateDataKey and kms:Decrypt (SQS Developer
 * Guide, "Key management"; granted in publisherPermissions' UseQueueKey). A separate document, so the
 * event source mapping can wait for exactly it (CreateEventSourceMapping checks the role's SQS permissions).
 */
export function publisherQueuePermissions(args: PublisherQueueArgs): PolicyDocument {
    return policy(
        {
            Sid: "ConsumeTargetQueue",
            Effect: "Allow",
            Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            Resource: args.targetQueueArn,
        },
        { Sid: "EnqueueTargets", Effect: "Allow", Action: "sqs:SendMessage", Resource: args.targetQueueArn },
        { Sid: "ForwardFailedTargets", Effect: "Allow", Action: "sqs:SendMessage", Resource: args.targetsDeadLetterQueueArn },
        { Sid: "DecryptQueuedTargets", Effect: "Allow", Action: "kms:Decrypt", Resource: args.keyArn },
    );
}

export function lambdaTrust(accountId: string): PolicyDocument {
    return serviceTrust("lambda.amazonaws.com", accountId);
}

/** Role B's trust: only role A, only from inside the organization. */
export function parameterWriterTrust(publisherRoleArn: string, organizationId: string): PolicyDocument {
    return policy({
        Sid: "OnlyTheAmiPublisher",
        Effect: "Allow",
        Principal: { AWS: publisherRoleArn },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:PrincipalOrgID": organizationId } },
    });
}

/** Role B's permissions: the prefix's parameters in its own account, in any region. */
export function parameterWriterPermissions(partition: string, accountId: string, parameterPrefix: string): PolicyDocument {
    return policy(
        {
            Sid: "WriteLatestAmiParameters",
            Effect: "Allow",
            Action: parameterWriteActions,
            Resource: parameterArnPattern(partition, accountId, parameterPrefix),
        },
        describeImages,
    );
}

const organizationReadStatement: PolicyStatement = {
    Sid: "ListOrganizationAccounts",
    Effect: "Allow",
    // Organizations' List* calls take no resource-level permissions.
    Action: ["organizations:ListRoots", "organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent"],
    Resource: "*",
};

/** The optional reader in the management account: only role A may assume it, and it can only list. */
export function orgReaderTrust(publisherRoleArn: string, organizationId: string): PolicyDocument {
    return parameterWriterTrust(publisherRoleArn, organizationId);
}

export function orgReaderPermissions(): PolicyDocument {
    return policy(organizationReadStatement);
}

/**
 * The image topic's policy: only Image Builder's service-linked role in this account may publish.
 * The role is matched by `aws:PrincipalArn` under Principal "*" because it may not exist before
 * Image Builder's first use, and a policy naming a missing principal is rejected; unlike an account
 * root principal, this grants the role directly, with no IAM policy of its own needed.
 */
export function imageTopicPolicy(partition: string, accountId: string, topicArn: string): PolicyDocument {
    const imageBuilder = imageBuilderServiceLinkedRoleArn(partition, accountId);
    return policy(
        {
            Sid: "ImageBuilderPublishes",
            Effect: "Allow",
            Principal: "*",
            Action: "sns:Publish",
            Resource: topicArn,
            Condition: { StringEquals: { "aws:PrincipalArn": imageBuilder } },
        },
        {
            Sid: "NobodyElsePublishes",
            Effect: "Deny",
            Principal: "*",
            Action: "sns:Publish",
            Resource: topicArn,
            Condition: { StringNotEquals: { "aws:PrincipalArn": imageBuilder } },
        },
    );
}

/** The ops topic: CloudWatch alarms of this account publish to it. */
export function opsTopicPolicy(partition: string, accountId: string, region: string, topicArn: string): PolicyDocument {
    return policy({
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: {
            ArnLike: { "aws:SourceArn": `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:*` },
            StringEquals: { "aws:SourceAccount": accountId },
        },
    });
}

/**
 * The notification key: administered through IAM in this account; used by Image Builder's
 * service-linked role and by CloudWatch, only through SNS (and SQS for the dead-letter queue).
 * CloudWatch alarms publish as their service principal and SNS uses the key on their behalf ("Enable
 * compatibility between event sources from AWS services and encrypted topics", SNS Developer Guide).
 * What KMS sees then is SNS's encryption context, `aws:sns:topicArn`, so CloudWatch may use the key for
 * the ops topic only; `aws:SourceAccount` is not promised in that KMS request, and a condition on a
 * missing key denies: alarm notifications would stop silently (the same rule as the Automation topic key).
 */
export function notificationKeyPolicy(partition: string, accountId: string, region: string, opsTopicArn: string): PolicyDocument {
    return policy(
        accountAdministersKey(partition, accountId),
        {
            // Granted directly (see imageTopicPolicy): the role's own policy has no KMS permissions for SNS.
            Sid: "ImageBuilderEncryptsNotifications",
            Effect: "Allow",
            Principal: "*",
            Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
            Resource: "*",
            Condition: {
                StringEquals: {
                    "aws:PrincipalArn": imageBuilderServiceLinkedRoleArn(partition, accountId),
                    "kms:ViaService": `sns.${region}.amazonaws.com`,
                },
            },
        },
        {
            Sid: "CloudWatchAlarmsEncryptNotifications",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
            Resource: "*",
            Condition: { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": opsTopicArn } },
        },
    );
}

/**
 * The KMS actions Image Builder needs of the copy role for an encrypted AMI: exactly the inline policy of Image Builder
 * User Guide, "Set up cross-account AMI distribution" (IAM policies, step 4: "so that they can use your KMS keys").
 * Image Builder acts on the target's behalf with whatever KMS calls the copy takes; the page prescribes this set, which is
 * wider than the EBS launch set (Encrypt, GenerateDataKey, ListGrants, RevokeGrant, CreateGrant not only for AWS
 * resources), so the copy role and the key policy both grant it, on the AMI keys only and to that one role.
 */
export const distributionRoleKeyActions = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:DescribeKey",
    "kms:CreateGrant",
    "kms:ListGrants",
    "kms:RevokeGrant",
];

/** Everyone the AMI is shared with or copied to, as the AMI key scopes them. */
export interface AmiReceivers {
    /** Launch-permission accounts and copy targets. */
    accountIds: string[];
    organizationIds: string[];
    /** OUs as `o-xxx/ou-xxx` pairs: any account below them. */
    organizationalUnits: { organizationId: string; ouId: string }[];
    /** Accounts Image Builder copies the AMI into, through their EC2ImageBuilderDistributionCrossAccountRole. */
    copyTargetAccountIds?: string[];
}

/**
 * What EBS needs of a key to launch from an encrypted AMI or copy it ("Permissions to use AWS KMS keys", Amazon EBS
 * User Guide; EC2 "Share an AMI with specific AWS accounts": the key policy must let the receiving accounts use the key).
 * kms:CreateGrant comes separately, only for AWS resources.
 */
const useImageKeyActions = ["kms:Decrypt", "kms:DescribeKey", "kms:ReEncrypt*", "kms:GenerateDataKeyWithoutPlaintext"];

/** The grant Auto Scaling's service-linked role needs ("Required AWS KMS key policy for use with encrypted volumes", EC2 Auto Scaling User Guide, example 2). */
export const autoScalingGrantOperations = [
    "Decrypt",
    "GenerateDataKeyWithoutPlaintext",
    "ReEncryptFrom",
    "ReEncryptTo",
    "CreateGrant",
    "DescribeKey",
];

export function autoScalingServiceLinkedRoleArn(partition: string, accountId: string): string {
    return `arn:${partition}:iam::${accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
}

/** One condition block per way of sharing, so each statement names exactly the receivers of that kind. */
function receiverScopes(receivers: AmiReceivers): { sid: string; condition: ConditionBlock }[] {
    const scopes: { sid: string; condition: ConditionBlock }[] = [];
    if (receivers.accountIds.length > 0)
        scopes.push({ sid: "SharedAccounts", condition: { StringEquals: { "aws:PrincipalAccount": [...receivers.accountIds].sort() } } });
    if (receivers.organizationalUnits.length > 0)
        scopes.push({
            sid: "SharedOUs",
            condition: {
                "ForAnyValue:StringLike": {
                    "aws:PrincipalOrgPaths": receivers.organizationalUnits.map((ou) => `${ou.organizationId}/*/${ou.ouId}/*`),
                },
            },
        });
    if (receivers.organizationIds.length > 0)
        scopes.push({ sid: "SharedOrganizations", condition: { StringEquals: { "aws:PrincipalOrgID": receivers.organizationIds } } });
    return scopes;
}

function withCondition(base: ConditionBlock, extra: ConditionBlock): ConditionBlock {
    const merged: ConditionBlock = { ...base };
    for (const [operator, keys] of Object.entries(extra)) merged[operator] = { ...merged[operator], ...keys };
    return merged;
}

/**
 * The golden AMI key: administered through IAM in the main account; used by Image Builder's service-linked role
 * through EC2 (builds, tests, copies); used by exactly the accounts the image is shared with or copied to, to launch
 * and copy (`kms:CreateGrant` only for AWS resources), plus the one grant their Auto Scaling service-linked role needs.
 */
export function amiKeyPolicy(partition: string, accountId: string, receivers: AmiReceivers): PolicyDocument {
    const imageBuilder = imageBuilderServiceLinkedRoleArn(partition, accountId);
    // Matched by aws:PrincipalArn under Principal "*" for the reason given at imageTopicPolicy; EC2 in any region, as copies cross regions.
    const throughEc2: ConditionBlock = {
        StringEquals: { "aws:PrincipalArn": imageBuilder },
        StringLike: { "kms:ViaService": "ec2.*.amazonaws.com" },
    };
    const statements: PolicyStatement[] = [
        accountAdministersKey(partition, accountId),
        {
            Sid: "ImageBuilderUsesKeyThroughEc2",
            Effect: "Allow",
            Principal: "*",
            Action: useImageKeyActions,
            Resource: "*",
            Condition: throughEc2,
        },
        {
            Sid: "ImageBuilderAttachesVolumes",
            Effect: "Allow",
            Principal: "*",
            Action: "kms:CreateGrant",
            Resource: "*",
            Condition: withCondition(throughEc2, { Bool: { "kms:GrantIsForAWSResource": true } }),
        },
    ];
    for (const scope of receiverScopes(receivers)) {
        statements.push(
            {
                Sid: `${scope.sid}LaunchFromImage`,
                Effect: "Allow",
                Principal: "*",
                Action: useImageKeyActions,
                Resource: "*",
                Condition: scope.condition,
            },
            {
                Sid: `${scope.sid}AttachVolumes`,
                Effect: "Allow",
                Principal: "*",
                Action: "kms:CreateGrant",
                Resource: "*",
                Condition: withCondition(scope.condition, { Bool: { "kms:GrantIsForAWSResource": true } }),
            },
            {
                // Auto Scaling's service-linked role has no rights on customer managed keys: the receiving account grants
                // them to its own role, and only to it. The policy variable is the caller's account (IAM User Guide, "IAM policy
                // elements: Variables and tags": variables work in resource policies, global condition keys among them).
                Sid: `${scope.sid}GrantTheirAutoScaling`,
                Effect: "Allow",
                Principal: "*",
                Action: "kms:CreateGrant",
                Resource: "*",
                Condition: withCondition(scope.condition, {
                    StringEquals: { "kms:GranteePrincipal": autoScalingServiceLinkedRoleArn(partition, "${aws:PrincipalAccount}") },
                    "ForAllValues:StringEquals": { "kms:GrantOperations": autoScalingGrantOperations },
                }),
            },
        );
    }
    const copyTargets = [...new Set(receivers.copyTargetAccountIds ?? [])].sort();
    if (copyTargets.length > 0)
        statements.push({
            // Only the copy role of each target: it is assumable by nothing but Image Builder in the main account.
            Sid: "CopyTargetsDistributionRoleCopiesWithKey",
            Effect: "Allow",
            Principal: "*",
            Action: distributionRoleKeyActions,
            Resource: "*",
            Condition: {
                StringEquals: { "aws:PrincipalAccount": copyTargets },
                ArnLike: { "aws:PrincipalArn": `arn:${partition}:iam::*:role/${distributionRoleName}` },
            },
        });
    return policy(...statements);
}

/** Image Builder copies AMIs into other accounts by assuming this role there (Image Builder "Set up cross-account AMI distribution"). */
export const distributionRoleName = "EC2ImageBuilderDistributionCrossAccountRole";

/** Only Image Builder's service-linked role in the main account assumes it (the docs ask for the source account in the trust policy). */
export function distributionRoleTrust(partition: string, mainAccountId: string): PolicyDocument {
    return policy({
        Sid: "ImageBuilderInTheMainAccount",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${mainAccountId}:root` },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:PrincipalArn": imageBuilderServiceLinkedRoleArn(partition, mainAccountId) } },
    });
}

export function distributionRoleManagedPolicyArn(partition: string): string {
    return managedPolicyArn(partition, "Ec2ImageBuilderCrossAccountDistributionAccess");
}

/**
 * Beyond the managed policy: the AMI keys of every region (the copy is decrypted with the source region's key and
 * re-encrypted with the destination's, Image Builder "Set up cross-account AMI distribution", encryption keys), and
 * with native SSM parameters `ssm:PutParameter` on that one parameter ("SSM output parameter prerequisites").
 */
export function distributionRolePermissions(
    partition: string,
    accountId: string,
    keyArns: string[],
    parameterName?: string,
): PolicyDocument {
    const keys = [...new Set(keyArns)].sort();
    // The documented actions, on the AMI keys only (the page's example says Resource "*").
    const statements: PolicyStatement[] = [
        { Sid: "CopyWithTheAmiKeys", Effect: "Allow", Action: distributionRoleKeyActions, Resource: keys },
    ];
    if (parameterName)
        statements.push({
            Sid: "WriteNativeAmiParameter",
            Effect: "Allow",
            Action: "ssm:PutParameter",
            Resource: `arn:${partition}:ssm:*:${accountId}:parameter${parameterName}`,
        });
    return policy(...statements);
}

type TemplateValue = string | { "Fn::Sub": string } | TemplateValue[] | { [key: string]: TemplateValue };

/** Resource strings that name the deploying account or partition become Fn::Sub, so one template fits every account. */
function substitute(value: unknown): TemplateValue {
    if (typeof value === "string") return value.includes("${AWS::") ? { "Fn::Sub": value } : value;
    if (Array.isArray(value)) return value.map(substitute);
    if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v)]));
    return String(value);
}

export interface DistributionRoleTemplateArgs {
    mainAccountId: string;
    keyArns: string[];
    parameterName?: string;
}

/**
 * The CloudFormation template a StackSet deploys: role B, with the same trust and permissions as the MemberAccount's,
 * and, when copies go to accounts of its OUs, Image Builder's cross-account distribution role.
 */
export function parameterWriterTemplate(
    publisherRoleArn: string,
    organizationId: string,
    roleName: string,
    parameterPrefix: string,
    distributionRole?: DistributionRoleTemplateArgs,
): string {
    const resources: Record<string, unknown> = {
        ParameterWriterRole: {
            Type: "AWS::IAM::Role",
            Properties: {
                RoleName: roleName,
                AssumeRolePolicyDocument: parameterWriterTrust(publisherRoleArn, organizationId),
                Policies: [
                    {
                        PolicyName: "write-latest-ami-parameters",
                        PolicyDocument: substitute(parameterWriterPermissions("${AWS::Partition}", "${AWS::AccountId}", parameterPrefix)),
                    },
                ],
            },
        },
    };
    if (distributionRole) {
        resources.DistributionCrossAccountRole = {
            Type: "AWS::IAM::Role",
            Properties: {
                RoleName: distributionRoleName,
                AssumeRolePolicyDocument: substitute(distributionRoleTrust("${AWS::Partition}", distributionRole.mainAccountId)),
                ManagedPolicyArns: [substitute(distributionRoleManagedPolicyArn("${AWS::Partition}"))],
                Policies: [
                    {
                        PolicyName: "copy-golden-amis",
                        PolicyDocument: substitute(
                            distributionRolePermissions(
                                "${AWS::Partition}",
                                "${AWS::AccountId}",
                                distributionRole.keyArns,
                                distributionRole.parameterName,
                            ),
                        ),
                    },
                ],
            },
        };
    }
    return JSON.stringify({
        AWSTemplateFormatVersion: "2010-09-09",
        Description: "Role B of multi-account-ops: lets the golden AMI publisher write the latest AMI ID parameters",
        Resources: resources,
        Outputs: { RoleArn: { Value: { "Fn::GetAtt": ["ParameterWriterRole", "Arn"] } } },
    });
}
