import { strict as assert } from "node:assert";
import type { PolicyDocument, PolicyStatement } from "../../components/iam";
import {
    amiKeyPolicy,
    autoScalingGrantOperations,
    distributionRoleKeyActions,
    distributionRoleManagedPolicyArn,
    distributionRoleName,
    distributionRolePermissions,
    distributionRoleTrust,
    lambdaTrust,
    notificationKeyPolicy,
    opsTopicPolicy,
    orgReaderPermissions,
    orgReaderTrust,
    parameterArnPattern,
    parameterWriterPermissions,
    parameterWriterTemplate,
    parameterWriterTrust,
    publisherPermissions,
} from "../../components/goldenAmi/policies";
import { decide, withSimulatableEncryptionContext } from "../helpers/iam";
import { exampleConfig } from "../helpers/program";
import { everythingOnMain } from "../wiring/plans";

/**
 * The golden AMI documents, exactly, for the example main stack with every sharing option on (the wiring
 * tests' generated config, tests/wiring/plans.ts): its organization, accounts, OUs, copy targets, role
 * names and parameter prefix. Fast and direct, for Stryker; tests/wiring/policyDocuments.test.ts checks
 * the plans deploy these documents.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const config = everythingOnMain(exampleConfig("main")) as Record<string, any>;
const org: string = config.organizationId;
const main: string = config.mainAccountId;
const region: string = config.homeRegion;
const prefix: string = config.goldenAmi.parameterPrefix;
const roleBName: string = config.goldenAmi.targetRoleName;
const distribution = config.goldenAmi.distribution as {
    accountIds: string[];
    organizationArns: string[];
    organizationalUnitArns: string[];
    targetAccountIds: string[];
};
const sharedOrg = distribution.organizationArns[0].split("/").pop() as string;
const [ouOrg, ouId] = distribution.organizationalUnitArns[0].split("/").slice(-2);
const members: string[] = (config.members as { accountId: string }[]).map((m) => m.accountId);
const imageBuilder = `arn:aws:iam::${main}:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder`;
const roleA = `arn:aws:iam::${main}:role/${config.namePrefix}-ami-publisher`;
const keyArn = `arn:aws:kms:${region}:${main}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

// "Permissions to use AWS KMS keys" (Amazon EBS User Guide) and "Share an AMI with specific AWS accounts" (EC2):
// launching from or copying an encrypted AMI needs these on the key.
const useImageKeyActions = ["kms:Decrypt", "kms:DescribeKey", "kms:ReEncrypt*", "kms:GenerateDataKeyWithoutPlaintext"];
const forAwsResource = { Bool: { "kms:GrantIsForAWSResource": true } };
const admin: PolicyStatement = {
    Sid: "AccountAdministersKeyThroughIam",
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${main}:root` },
    Action: "kms:*",
    Resource: "*",
};
const parameterWriteActions = [
    "ssm:PutParameter",
    "ssm:GetParameter",
    "ssm:LabelParameterVersion",
    "ssm:AddTagsToResource",
    "ssm:GetParameterHistory",
    "ssm:UnlabelParameterVersion",
];
const describeImages = { Sid: "ValidateAmiParameter", Effect: "Allow", Action: "ec2:DescribeImages", Resource: "*" };

function receiverStatements(sid: string, condition: Record<string, Record<string, string | string[]>>): PolicyStatement[] {
    return [
        { Sid: `${sid}LaunchFromImage`, Effect: "Allow", Principal: "*", Action: useImageKeyActions, Resource: "*", Condition: condition },
        {
            Sid: `${sid}AttachVolumes`,
            Effect: "Allow",
            Principal: "*",
            Action: "kms:CreateGrant",
            Resource: "*",
            Condition: { ...condition, ...forAwsResource },
        },
        {
            Sid: `${sid}GrantTheirAutoScaling`,
            Effect: "Allow",
            Principal: "*",
            Action: "kms:CreateGrant",
            Resource: "*",
            // "Required AWS KMS key policy for use with encrypted volumes" (EC2 Auto Scaling User Guide, example 2): the
            // receiving account creates the grant to its AWSServiceRoleForAutoScaling itself (create-grant), with these operations.
            Condition: {
                ...condition,
                StringEquals: {
                    ...(condition.StringEquals ?? {}),
                    "kms:GranteePrincipal":
                        "arn:aws:iam::${aws:PrincipalAccount}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
                },
                "ForAllValues:StringEquals": {
                    "kms:GrantOperations": [
                        "Decrypt",
                        "GenerateDataKeyWithoutPlaintext",
                        "ReEncryptFrom",
                        "ReEncryptTo",
                        "CreateGrant",
                        "DescribeKey",
                    ],
                },
            },
        },
    ];
}

describe("golden AMI documents (exact, from the every-option config)", () => {
    it("the AMI key: Image Builder through EC2, each kind of receiver, and the copy targets' distribution role", () => {
        const receivers = {
            accountIds: [...distribution.accountIds, ...members].reverse(),
            organizationIds: [sharedOrg],
            organizationalUnits: [{ organizationId: ouOrg, ouId }],
            copyTargetAccountIds: [...distribution.targetAccountIds, ...distribution.targetAccountIds],
        };
        const throughEc2 = { StringEquals: { "aws:PrincipalArn": imageBuilder }, StringLike: { "kms:ViaService": "ec2.*.amazonaws.com" } };
        assert.deepEqual(amiKeyPolicy("aws", main, receivers), {
            Version: "2012-10-17",
            Statement: [
                admin,
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
                    Condition: { ...throughEc2, ...forAwsResource },
                },
                // aws:PrincipalAccount, aws:PrincipalOrgPaths (paths o-xxx/r-xxx/ou-xxx/), aws:PrincipalOrgID:
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
                ...receiverStatements("SharedAccounts", {
                    StringEquals: { "aws:PrincipalAccount": [...distribution.accountIds, ...members].sort() },
                }),
                ...receiverStatements("SharedOUs", { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": [`${ouOrg}/*/${ouId}/*`] } }),
                ...receiverStatements("SharedOrganizations", { StringEquals: { "aws:PrincipalOrgID": [sharedOrg] } }),
                {
                    Sid: "CopyTargetsDistributionRoleCopiesWithKey",
                    Effect: "Allow",
                    Principal: "*",
                    // Image Builder User Guide, "Set up cross-account AMI distribution" (IAM policies, step 4).
                    Action: [
                        "kms:Encrypt",
                        "kms:Decrypt",
                        "kms:ReEncrypt*",
                        "kms:GenerateDataKey*",
                        "kms:DescribeKey",
                        "kms:CreateGrant",
                        "kms:ListGrants",
                        "kms:RevokeGrant",
                    ],
                    Resource: "*",
                    Condition: {
                        StringEquals: { "aws:PrincipalAccount": [...new Set(distribution.targetAccountIds)].sort() },
                        ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/EC2ImageBuilderDistributionCrossAccountRole" },
                    },
                },
            ],
        });
        assert.deepEqual(autoScalingGrantOperations, [
            "Decrypt",
            "GenerateDataKeyWithoutPlaintext",
            "ReEncryptFrom",
            "ReEncryptTo",
            "CreateGrant",
            "DescribeKey",
        ]);
    });

    it("the AMI key without receivers: Image Builder only", () => {
        const policy = amiKeyPolicy("aws", main, { accountIds: [], organizationIds: [], organizationalUnits: [] });
        assert.deepEqual(
            policy.Statement.map((s) => s.Sid),
            ["AccountAdministersKeyThroughIam", "ImageBuilderUsesKeyThroughEc2", "ImageBuilderAttachesVolumes"],
        );
    });

    it("the AMI key lets a shared account launch, and attach volumes only for AWS resources (iam-simulate)", async () => {
        const policy = amiKeyPolicy("aws", main, { accountIds: distribution.accountIds, organizationIds: [], organizationalUnits: [] });
        const shared = distribution.accountIds[0];
        const ask = (action: string, principal: string, context: Record<string, string> = {}): Promise<string> =>
            decide({
                principal,
                action,
                resource: keyArn,
                resourceAccount: main,
                // The receivers' own administrators may use any key their account lets them; Image Builder's
                // service-linked role has no KMS permissions of its own, so only the key policy grants it.
                identityPolicies:
                    principal === imageBuilder
                        ? []
                        : [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kms:*", Resource: "*" }] }],
                resourcePolicy: policy,
                context,
            });
        const sharedRole = `arn:aws:iam::${shared}:role/launcher`;
        assert.equal(await ask("kms:Decrypt", sharedRole), "Allowed");
        assert.equal(await ask("kms:CreateGrant", sharedRole, { "kms:GrantIsForAWSResource": "true" }), "Allowed");
        assert.equal(await ask("kms:CreateGrant", sharedRole, { "kms:GrantIsForAWSResource": "false" }), "ImplicitlyDenied");
        assert.equal(await ask("kms:Decrypt", "arn:aws:iam::888888888888:role/launcher"), "ImplicitlyDenied");
        assert.equal(await ask("kms:Decrypt", imageBuilder, { "kms:ViaService": `ec2.${region}.amazonaws.com` }), "Allowed");
        assert.equal(await ask("kms:Decrypt", imageBuilder, { "kms:ViaService": `s3.${region}.amazonaws.com` }), "ImplicitlyDenied");
    });

    it("the distribution role: trusted by Image Builder of the main account, copies with the AMI keys, writes the native parameter", () => {
        assert.equal(distributionRoleName, "EC2ImageBuilderDistributionCrossAccountRole");
        assert.equal(distributionRoleManagedPolicyArn("aws"), "arn:aws:iam::aws:policy/Ec2ImageBuilderCrossAccountDistributionAccess");
        assert.deepEqual(distributionRoleTrust("aws", main), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "ImageBuilderInTheMainAccount",
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${main}:root` },
                    Action: "sts:AssumeRole",
                    Condition: { StringEquals: { "aws:PrincipalArn": imageBuilder } },
                },
            ],
        });
        const target = distribution.targetAccountIds[0];
        const keys = [keyArn, keyArn.replace(region, "us-east-1"), keyArn];
        assert.deepEqual(distributionRolePermissions("aws", target, keys, "/golden/ami"), {
            Version: "2012-10-17",
            Statement: [
                { Sid: "CopyWithTheAmiKeys", Effect: "Allow", Action: distributionRoleKeyActions, Resource: [...new Set(keys)].sort() },
                // "SSM output parameter prerequisites" (Image Builder User Guide): ssm:PutParameter on the parameter.
                {
                    Sid: "WriteNativeAmiParameter",
                    Effect: "Allow",
                    Action: "ssm:PutParameter",
                    Resource: `arn:aws:ssm:*:${target}:parameter/golden/ami`,
                },
            ],
        });
        assert.deepEqual(distributionRolePermissions("aws", target, [keyArn]).Statement.length, 1);
    });

    const roleBTrust: PolicyDocument = {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "OnlyTheAmiPublisher",
                Effect: "Allow",
                Principal: { AWS: roleA },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:PrincipalOrgID": org } },
            },
        ],
    };

    it("role B and the organization reader: only role A, from the organization", () => {
        assert.deepEqual(parameterWriterTrust(roleA, org), roleBTrust);
        assert.deepEqual(orgReaderTrust(roleA, org), roleBTrust);
        assert.deepEqual(orgReaderPermissions(), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "ListOrganizationAccounts",
                    Effect: "Allow",
                    Action: [
                        "organizations:ListRoots",
                        "organizations:ListAccountsForParent",
                        "organizations:ListOrganizationalUnitsForParent",
                    ],
                    Resource: "*",
                },
            ],
        });
        const member = members[0];
        assert.equal(parameterArnPattern("aws", member, prefix), `arn:aws:ssm:*:${member}:parameter${prefix}/*`);
        assert.deepEqual(parameterWriterPermissions("aws", member, prefix), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "WriteLatestAmiParameters",
                    Effect: "Allow",
                    Action: parameterWriteActions,
                    Resource: `arn:aws:ssm:*:${member}:parameter${prefix}/*`,
                },
                describeImages,
            ],
        });
        // Lambda's execution role trust, with the confused-deputy guard (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
        assert.deepEqual(lambdaTrust(main), {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "lambda.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: { StringEquals: { "aws:SourceAccount": main } },
                },
            ],
        });
    });

    it("role A: every way of reaching role B, the reader, its own parameters, logs, queue and key", () => {
        const logGroupArn = `arn:aws:logs:${region}:${main}:log-group:/aws/lambda/${config.namePrefix}-ami-publisher`;
        const queueArn = `arn:aws:sqs:${region}:${main}:${config.namePrefix}-ami-publisher-dead-letters`;
        const readerArn = `arn:aws:iam::${config.management.accountId}:role/reader`;
        const targets = members.map((m) => `arn:aws:iam::${m}:role/${roleBName}`);
        const args = {
            partition: "aws",
            mainAccountId: main,
            parameterPrefix: prefix,
            targetRoleName: roleBName,
            targetRoleArns: [...targets].reverse(),
            sharedOrganizationIds: [sharedOrg],
            sharedOrganizationalUnits: [{ organizationId: ouOrg, ouId }],
            orgReaderRoleArn: readerArn,
            listOrganizationDirectly: true,
            logGroupArn,
            deadLetterQueueArn: queueArn,
            keyArn,
        };
        const anyRoleB = `arn:aws:iam::*:role/${roleBName}`;
        assert.deepEqual(publisherPermissions(args), {
            Version: "2012-10-17",
            Statement: [
                { Sid: "AssumeParameterWriterRoles", Effect: "Allow", Action: "sts:AssumeRole", Resource: [...targets].sort() },
                {
                    Sid: "AssumeParameterWriterRolesInSharedOrganization",
                    Effect: "Allow",
                    Action: "sts:AssumeRole",
                    Resource: anyRoleB,
                    // aws:ResourceOrgID and aws:ResourceOrgPaths: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
                    Condition: { StringEquals: { "aws:ResourceOrgID": [sharedOrg] } },
                },
                {
                    Sid: "AssumeParameterWriterRolesInSharedOUs",
                    Effect: "Allow",
                    Action: "sts:AssumeRole",
                    Resource: anyRoleB,
                    Condition: { "ForAnyValue:StringLike": { "aws:ResourceOrgPaths": [`${ouOrg}/*/${ouId}/*`] } },
                },
                { Sid: "AssumeOrganizationReader", Effect: "Allow", Action: "sts:AssumeRole", Resource: readerArn },
                {
                    Sid: "ListOrganizationAccounts",
                    Effect: "Allow",
                    Action: [
                        "organizations:ListRoots",
                        "organizations:ListAccountsForParent",
                        "organizations:ListOrganizationalUnitsForParent",
                    ],
                    Resource: "*",
                },
                {
                    Sid: "WriteOwnAccountParameters",
                    Effect: "Allow",
                    Action: parameterWriteActions,
                    Resource: `arn:aws:ssm:*:${main}:parameter${prefix}/*`,
                },
                describeImages,
                { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroupArn}:*` },
                { Sid: "SendFailedEventsToDeadLetterQueue", Effect: "Allow", Action: "sqs:SendMessage", Resource: queueArn },
                { Sid: "UseQueueKey", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: keyArn },
            ],
        });
        const minimal = publisherPermissions({
            ...args,
            targetRoleArns: [],
            sharedOrganizationIds: [],
            sharedOrganizationalUnits: [],
            orgReaderRoleArn: undefined,
            listOrganizationDirectly: false,
        });
        assert.deepEqual(
            minimal.Statement.map((s) => s.Sid),
            ["WriteOwnAccountParameters", "ValidateAmiParameter", "WriteLogs", "SendFailedEventsToDeadLetterQueue", "UseQueueKey"],
        );
    });

    it("the ops topic: only this account's CloudWatch alarms publish", async () => {
        const topicArn = `arn:aws:sns:${region}:${main}:${config.namePrefix}-ops`;
        const topicPolicy = opsTopicPolicy("aws", main, region, topicArn);
        assert.deepEqual(topicPolicy, {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "CloudWatchAlarmsPublish",
                    Effect: "Allow",
                    Principal: { Service: "cloudwatch.amazonaws.com" },
                    Action: "sns:Publish",
                    Resource: topicArn,
                    // aws:SourceArn (the alarms of this region and account) and aws:SourceAccount: "Amazon SNS topic policies for
                    // CloudWatch alarms" / confused-deputy prevention, https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
                    Condition: {
                        ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${region}:${main}:alarm:*` },
                        StringEquals: { "aws:SourceAccount": main },
                    },
                },
            ],
        });
        const publish = (sourceArn: string, sourceAccount: string): Promise<string> =>
            decide({
                principal: "cloudwatch.amazonaws.com",
                action: "sns:Publish",
                resource: topicArn,
                resourceAccount: main,
                resourcePolicy: topicPolicy,
                context: { "aws:SourceArn": sourceArn, "aws:SourceAccount": sourceAccount },
            });
        assert.equal(await publish(`arn:aws:cloudwatch:${region}:${main}:alarm:publisher-errors`, main), "Allowed");
        assert.equal(await publish(`arn:aws:cloudwatch:${region}:888888888888:alarm:x`, main), "ImplicitlyDenied");
        assert.equal(await publish(`arn:aws:cloudwatch:${region}:${main}:alarm:x`, "888888888888"), "ImplicitlyDenied");
    });

    it("the notification key: Image Builder through SNS, CloudWatch for the ops topic only", async () => {
        const opsTopicArn = `arn:aws:sns:${region}:${main}:${config.namePrefix}-ops`;
        const keyPolicy = notificationKeyPolicy("aws", main, region, opsTopicArn);
        assert.deepEqual(keyPolicy, {
            Version: "2012-10-17",
            Statement: [
                admin,
                {
                    Sid: "ImageBuilderEncryptsNotifications",
                    Effect: "Allow",
                    Principal: "*",
                    Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                    Resource: "*",
                    // kms:ViaService: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
                    Condition: { StringEquals: { "aws:PrincipalArn": imageBuilder, "kms:ViaService": `sns.${region}.amazonaws.com` } },
                },
                {
                    Sid: "CloudWatchAlarmsEncryptNotifications",
                    Effect: "Allow",
                    Principal: { Service: "cloudwatch.amazonaws.com" },
                    Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                    Resource: "*",
                    // "Enable compatibility between event sources from AWS services and encrypted topics" (SNS Developer Guide).
                    Condition: { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": opsTopicArn } },
                },
            ],
        });
        const cloudWatch = (topic: string): Promise<string> =>
            decide(
                withSimulatableEncryptionContext({
                    principal: "cloudwatch.amazonaws.com",
                    action: "kms:GenerateDataKey",
                    resource: keyArn,
                    resourceAccount: main,
                    resourcePolicy: keyPolicy,
                    context: { "kms:EncryptionContext:aws:sns:topicArn": topic },
                }),
            );
        assert.equal(await cloudWatch(opsTopicArn), "Allowed");
        assert.equal(await cloudWatch(`${opsTopicArn}-other`), "ImplicitlyDenied");
    });

    it("role B's StackSet template: role B, and the distribution role when copies go to its OUs", () => {
        const withSub = (partition: string, account: string): string => `arn:${partition}:ssm:*:${account}:parameter${prefix}/*`;
        const roleB = {
            Type: "AWS::IAM::Role",
            Properties: {
                RoleName: roleBName,
                AssumeRolePolicyDocument: roleBTrust,
                Policies: [
                    {
                        PolicyName: "write-latest-ami-parameters",
                        PolicyDocument: {
                            Version: "2012-10-17",
                            Statement: [
                                {
                                    Sid: "WriteLatestAmiParameters",
                                    Effect: "Allow",
                                    Action: parameterWriteActions,
                                    // CloudFormation pseudo parameters through Fn::Sub ("Pseudo parameters reference").
                                    Resource: { "Fn::Sub": withSub("${AWS::Partition}", "${AWS::AccountId}") },
                                },
                                describeImages,
                            ],
                        },
                    },
                ],
            },
        };
        const header = {
            AWSTemplateFormatVersion: "2010-09-09",
            Description: "Role B of multi-account-ops: lets the golden AMI publisher write the latest AMI ID parameters",
        };
        const outputs = { RoleArn: { Value: { "Fn::GetAtt": ["ParameterWriterRole", "Arn"] } } };
        assert.deepEqual(JSON.parse(parameterWriterTemplate(roleA, org, roleBName, prefix)), {
            ...header,
            Resources: { ParameterWriterRole: roleB },
            Outputs: outputs,
        });
        assert.deepEqual(
            JSON.parse(
                parameterWriterTemplate(roleA, org, roleBName, prefix, {
                    mainAccountId: main,
                    keyArns: [keyArn],
                    parameterName: "/golden/ami",
                }),
            ),
            {
                ...header,
                Resources: {
                    ParameterWriterRole: roleB,
                    DistributionCrossAccountRole: {
                        Type: "AWS::IAM::Role",
                        Properties: {
                            RoleName: "EC2ImageBuilderDistributionCrossAccountRole",
                            AssumeRolePolicyDocument: {
                                Version: "2012-10-17",
                                Statement: [
                                    {
                                        Sid: "ImageBuilderInTheMainAccount",
                                        Effect: "Allow",
                                        Principal: { AWS: { "Fn::Sub": `arn:\${AWS::Partition}:iam::${main}:root` } },
                                        Action: "sts:AssumeRole",
                                        Condition: {
                                            StringEquals: {
                                                "aws:PrincipalArn": {
                                                    "Fn::Sub": `arn:\${AWS::Partition}:iam::${main}:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder`,
                                                },
                                            },
                                        },
                                    },
                                ],
                            },
                            ManagedPolicyArns: [
                                { "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/Ec2ImageBuilderCrossAccountDistributionAccess" },
                            ],
                            Policies: [
                                {
                                    PolicyName: "copy-golden-amis",
                                    PolicyDocument: {
                                        Version: "2012-10-17",
                                        Statement: [
                                            {
                                                Sid: "CopyWithTheAmiKeys",
                                                Effect: "Allow",
                                                Action: distributionRoleKeyActions,
                                                Resource: [keyArn],
                                            },
                                            {
                                                Sid: "WriteNativeAmiParameter",
                                                Effect: "Allow",
                                                Action: "ssm:PutParameter",
                                                Resource: {
                                                    "Fn::Sub": "arn:${AWS::Partition}:ssm:*:${AWS::AccountId}:parameter/golden/ami",
                                                },
                                            },
                                        ],
                                    },
                                },
                            ],
                        },
                    },
                },
                Outputs: outputs,
            },
        );
    });
});
