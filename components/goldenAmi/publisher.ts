import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { roleArn } from "../arns";
import { role } from "../iam";
import { handlerArchive } from "../lambdaBundle";
import { lambdaTrust, publisherPermissions, type PublisherPermissionArgs } from "./policies";

export interface AmiPublisherArgs {
    partition: string;
    accountId: string;
    region: string;
    namePrefix: string;
    parameterPrefix: string;
    targetRoleName: string;
    /** Accounts with role B that the publisher may reach by exact ARN. */
    targetAccountIds: string[];
    /** Accounts that have role B by configuration; the publisher fails loudly when it cannot write there. */
    roleBAccountIds: string[];
    /** OUs whose accounts get role B from the StackSet (the management account never does). */
    roleBOrganizationalUnitIds: string[];
    sharedOrganizationIds: string[];
    sharedOrganizationalUnits: { organizationId: string; ouId: string }[];
    orgReaderRoleArn?: pulumi.Input<string>;
    listOrganizationDirectly: boolean;
    maxConcurrency: number;
    logRetentionDays: number;
    imageTopic: aws.sns.Topic;
    opsTopic: aws.sns.Topic;
    key: aws.kms.Key;
}

/**
 * The Lambda that writes the latest AMI ID into every receiving account (handlers/amiPublisher.ts),
 * its role A, log group, dead-letter queue and alarms.
 */
export class AmiPublisher extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly function: aws.lambda.Function;
    readonly deadLetterQueue: aws.sqs.Queue;

    constructor(name: string, args: AmiPublisherArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:goldenAmi:AmiPublisher", name, {}, opts);
        const { partition, accountId, region } = args;
        const child = { parent: this };
        const functionName = `${args.namePrefix}-ami-publisher`;

        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { region, name: `/aws/lambda/${functionName}`, retentionInDays: args.logRetentionDays },
            child,
        );
        this.deadLetterQueue = new aws.sqs.Queue(
            `${name}-dead-letters`,
            { region, name: `${functionName}-dead-letters`, kmsMasterKeyId: args.key.arn, messageRetentionSeconds: 14 * 24 * 3600 },
            child,
        );

        const permissions = pulumi
            .all([logGroup.arn, this.deadLetterQueue.arn, args.key.arn, args.orgReaderRoleArn])
            .apply(([logGroupArn, deadLetterQueueArn, keyArn, orgReaderRoleArn]) => {
                const documentArgs: PublisherPermissionArgs = {
                    partition,
                    mainAccountId: accountId,
                    parameterPrefix: args.parameterPrefix,
                    targetRoleName: args.targetRoleName,
                    targetRoleArns: args.targetAccountIds
                        .filter((id) => id !== accountId)
                        .map((id) => roleArn(partition, id, args.targetRoleName)),
                    sharedOrganizationIds: args.sharedOrganizationIds,
                    sharedOrganizationalUnits: args.sharedOrganizationalUnits,
                    orgReaderRoleArn,
                    listOrganizationDirectly: args.listOrganizationDirectly,
                    logGroupArn,
                    deadLetterQueueArn,
                    keyArn,
                };
                return JSON.stringify(publisherPermissions(documentArgs));
            });
        this.role = role(
            `${name}-role`,
            {
                name: functionName,
                description: "Role A: the AMI publisher Lambda; assumes role B in receiving accounts",
                trust: JSON.stringify(lambdaTrust(accountId)),
                inlinePolicies: { "publish-latest-ami": permissions },
            },
            child,
        );

        this.function = new aws.lambda.Function(
            `${name}-function`,
            {
                region,
                name: functionName,
                description: "Writes the latest golden AMI ID to Parameter Store in every receiving account and region",
                runtime: "nodejs22.x",
                architectures: ["arm64"],
                handler: "index.handler",
                code: handlerArchive("handlers/amiPublisher.ts"),
                role: this.role.arn,
                timeout: 300,
                memorySize: 256,
                loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
                environment: {
                    variables: pulumi.all([args.orgReaderRoleArn]).apply(([orgReaderRoleArn]) => ({
                        PARAMETER_PREFIX: args.parameterPrefix,
                        TARGET_ROLE_NAME: args.targetRoleName,
                        MAX_CONCURRENCY: String(args.maxConcurrency),
                        POWERTOOLS_SERVICE_NAME: "ami-publisher",
                        ...(orgReaderRoleArn ? { ORG_READER_ROLE_ARN: orgReaderRoleArn } : {}),
                        ...(args.roleBAccountIds.length > 0 ? { ROLE_B_ACCOUNT_IDS: args.roleBAccountIds.join(",") } : {}),
                        ...(args.roleBOrganizationalUnitIds.length > 0 ? { ROLE_B_OU_IDS: args.roleBOrganizationalUnitIds.join(",") } : {}),
                    })),
                },
            },
            { parent: this, dependsOn: [logGroup] },
        );
        new aws.lambda.FunctionEventInvokeConfig(
            `${name}-on-failure`,
            {
                region,
                functionName: this.function.name,
                maximumRetryAttempts: 2,
                maximumEventAgeInSeconds: 6 * 3600,
                destinationConfig: { onFailure: { destination: this.deadLetterQueue.arn } },
            },
            child,
        );

        new aws.lambda.Permission(
            `${name}-invoked-by-topic`,
            {
                region,
                action: "lambda:InvokeFunction",
                function: this.function.name,
                principal: "sns.amazonaws.com",
                sourceArn: args.imageTopic.arn,
                sourceAccount: accountId,
            },
            child,
        );
        new aws.sns.TopicSubscription(
            `${name}-subscription`,
            { region, topic: args.imageTopic.arn, protocol: "lambda", endpoint: this.function.arn },
            child,
        );

        // Both alarms fire on a single occurrence and notify the ops topic.
        const alarmOnAnyInFiveMinutes = {
            period: 300,
            evaluationPeriods: 1,
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
            alarmActions: [args.opsTopic.arn],
        };
        new aws.cloudwatch.MetricAlarm(
            `${name}-errors-alarm`,
            {
                region,
                name: `${functionName}-errors`,
                alarmDescription:
                    "The AMI publisher failed for at least one target; Lambda retries, then the event goes to the dead-letter queue",
                namespace: "AWS/Lambda",
                metricName: "Errors",
                dimensions: { FunctionName: this.function.name },
                statistic: "Sum",
                ...alarmOnAnyInFiveMinutes,
            },
            child,
        );
        new aws.cloudwatch.MetricAlarm(
            `${name}-dead-letters-alarm`,
            {
                region,
                name: `${functionName}-dead-letters`,
                alarmDescription: "Image notifications the AMI publisher gave up on; replay them after fixing the failed targets",
                namespace: "AWS/SQS",
                metricName: "ApproximateNumberOfMessagesVisible",
                dimensions: { QueueName: this.deadLetterQueue.name },
                statistic: "Maximum",
                ...alarmOnAnyInFiveMinutes,
            },
            child,
        );
        this.registerOutputs({ roleArn: this.role.arn, functionArn: this.function.arn, deadLetterQueueArn: this.deadLetterQueue.arn });
    }
}
