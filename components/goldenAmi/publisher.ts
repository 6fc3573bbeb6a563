import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { roleArn } from "../arns";
import { role } from "../iam";
import { handlerArchive } from "../lambdaBundle";
import { lambdaTrust, publisherPermissions, publisherQueuePermissions, type PublisherPermissionArgs } from "./policies";

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
    /** Accounts in those OUs without role B (fleet accounts excluded, or with golden AMIs off). */
    roleBExcludedAccountIds: string[];
    sharedOrganizationIds: string[];
    sharedOrganizationalUnits: { organizationId: string; ouId: string }[];
    orgReaderRoleArn?: pulumi.Input<string>;
    listOrganizationDirectly: boolean;
    maxConcurrency: number;
    /** The Lambda's memory (MB), and so its CPU. */
    memorySize: number;
    timeoutSeconds: number;
    fanOut: PublisherFanOutSettings;
    logRetentionDays: number;
    imageTopic: aws.sns.Topic;
    opsTopic: aws.sns.Topic;
    key: aws.kms.Key;
}

/** The fan-out queue's settings (docs/golden-ami.md, "Fan-out"). */
export interface PublisherFanOutSettings {
    /** More targets than this in one image are enqueued instead of written by the SNS-triggered invocation. */
    threshold: number;
    batchSize: number;
    maximumConcurrency: number;
    maxReceiveCount: number;
}

/**
 * The Lambda that writes the latest AMI ID into every receiving account (handlers/amiPublisher.ts),
 * its role A, log group, dead-letter queue and alarms, and the fan-out queue (with its own dead-letter
 * queue) through which the same function writes the targets of images too large for one invocation.
 */
export class AmiPublisher extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly function: aws.lambda.Function;
    readonly deadLetterQueue: aws.sqs.Queue;
    readonly targetQueue: aws.sqs.Queue;
    readonly targetsDeadLetterQueue: aws.sqs.Queue;

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

        // The fan-out queue. Its visibility timeout is six times the function timeout ("Configuring an Amazon SQS queue
        // to trigger an AWS Lambda function": "at least six times the function timeout", so Lambda can retry a throttled
        // batch: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-lambda-function-trigger.html).
        // After maxReceiveCount receives SQS moves a message to the dead-letter queue ("Using dead-letter queues in Amazon
        // SQS", https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html);
        // the handler forwards a target it gives up on there itself on that last receive, with the reason.
        // Both are encrypted with the notification key (SQS SSE with a customer managed key).
        const targetQueueName = `${functionName}-targets`;
        const targetQueueArn = `arn:${partition}:sqs:${region}:${accountId}:${targetQueueName}`;
        this.targetsDeadLetterQueue = new aws.sqs.Queue(
            `${name}-targets-dead-letters`,
            {
                region,
                name: `${functionName}-targets-dead-letters`,
                kmsMasterKeyId: args.key.arn,
                messageRetentionSeconds: 14 * 24 * 3600,
                // Only the target queue may redrive into it.
                redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [targetQueueArn] }),
            },
            child,
        );
        this.targetQueue = new aws.sqs.Queue(
            `${name}-targets`,
            {
                region,
                name: targetQueueName,
                kmsMasterKeyId: args.key.arn,
                visibilityTimeoutSeconds: 6 * args.timeoutSeconds,
                messageRetentionSeconds: 4 * 24 * 3600,
                redrivePolicy: this.targetsDeadLetterQueue.arn.apply((deadLetterTargetArn) =>
                    JSON.stringify({ deadLetterTargetArn, maxReceiveCount: args.fanOut.maxReceiveCount }),
                ),
            },
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

        const queuePermissions = new aws.iam.RolePolicy(
            `${name}-role-fan-out-queue`,
            {
                role: this.role.name,
                name: "fan-out-queue",
                policy: pulumi
                    .all([this.targetQueue.arn, this.targetsDeadLetterQueue.arn, args.key.arn])
                    .apply(([targetQueueArn, targetsDeadLetterQueueArn, keyArn]) =>
                        JSON.stringify(publisherQueuePermissions({ targetQueueArn, targetsDeadLetterQueueArn, keyArn })),
                    ),
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
                timeout: args.timeoutSeconds,
                memorySize: args.memorySize,
                loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
                environment: {
                    variables: pulumi
                        .all([args.orgReaderRoleArn, this.targetQueue.url, this.targetsDeadLetterQueue.url])
                        .apply(([orgReaderRoleArn, queueUrl, deadLetterQueueUrl]) => ({
                            PARAMETER_PREFIX: args.parameterPrefix,
                            TARGET_ROLE_NAME: args.targetRoleName,
                            MAX_CONCURRENCY: String(args.maxConcurrency),
                            QUEUE_URL: queueUrl,
                            TARGETS_DEAD_LETTER_QUEUE_URL: deadLetterQueueUrl,
                            FAN_OUT_THRESHOLD: String(args.fanOut.threshold),
                            MAX_RECEIVE_COUNT: String(args.fanOut.maxReceiveCount),
                            POWERTOOLS_SERVICE_NAME: "ami-publisher",
                            ...(orgReaderRoleArn ? { ORG_READER_ROLE_ARN: orgReaderRoleArn } : {}),
                            ...(args.roleBAccountIds.length > 0 ? { ROLE_B_ACCOUNT_IDS: args.roleBAccountIds.join(",") } : {}),
                            ...(args.roleBExcludedAccountIds.length > 0
                                ? { ROLE_B_EXCLUDED_ACCOUNT_IDS: args.roleBExcludedAccountIds.join(",") }
                                : {}),
                            ...(args.roleBOrganizationalUnitIds.length > 0
                                ? { ROLE_B_OU_IDS: args.roleBOrganizationalUnitIds.join(",") }
                                : {}),
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

        // The same function consumes the fan-out queue. ReportBatchItemFailures: only the failed targets become visible
        // again; MaximumConcurrency (2 to 1,000) caps the queue's concurrent invocations ("Configuring scaling behavior
        // for SQS event source mappings", https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html).
        new aws.lambda.EventSourceMapping(
            `${name}-targets-source`,
            {
                region,
                functionName: this.function.arn,
                eventSourceArn: this.targetQueue.arn,
                batchSize: args.fanOut.batchSize,
                // A batch above 10 needs a batching window of at least 1 s (Lambda API reference, CreateEventSourceMapping,
                // MaximumBatchingWindowInSeconds); 1 s is also a harmless wait for smaller batches.
                maximumBatchingWindowInSeconds: 1,
                functionResponseTypes: ["ReportBatchItemFailures"],
                scalingConfig: { maximumConcurrency: args.fanOut.maximumConcurrency },
            },
            { parent: this, dependsOn: [queuePermissions] },
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
        new aws.cloudwatch.MetricAlarm(
            `${name}-targets-dead-letters-alarm`,
            {
                region,
                name: `${functionName}-targets-dead-letters`,
                alarmDescription:
                    "Fanned-out targets the AMI publisher gave up on (reason in the failureReason attribute); redrive them after fixing the account",
                namespace: "AWS/SQS",
                metricName: "ApproximateNumberOfMessagesVisible",
                dimensions: { QueueName: this.targetsDeadLetterQueue.name },
                statistic: "Maximum",
                ...alarmOnAnyInFiveMinutes,
            },
            child,
        );
        this.registerOutputs({
            roleArn: this.role.arn,
            functionArn: this.function.arn,
            deadLetterQueueArn: this.deadLetterQueue.arn,
            targetQueueArn: this.targetQueue.arn,
            targetsDeadLetterQueueArn: this.targetsDeadLetterQueue.arn,
        });
    }
}
