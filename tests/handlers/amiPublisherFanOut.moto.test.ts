import { strict as assert } from "node:assert";
import {
    ChangeMessageVisibilityBatchCommand,
    CreateQueueCommand,
    DeleteMessageBatchCommand,
    GetQueueAttributesCommand,
    ReceiveMessageCommand,
    SQSClient,
    type Message,
} from "@aws-sdk/client-sqs";
import { GetParameterHistoryCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { handler as rawHandler } from "../../handlers/amiPublisher";
import { credentialsFor } from "../helpers/aws";
import { imageMessage, ownerAccount, snsEvent } from "../helpers/imageEvents";
import { captureLogs } from "../helpers/logs";
import { motoEndpoint } from "../helpers/moto";
import { startParameterStoreProxy, type ParameterStoreProxy } from "../helpers/parameterStoreProxy";

/**
 * The fan-out path against moto with real queues: the SNS-triggered invocation only resolves and
 * enqueues; the test then plays Lambda's SQS event source mapping (ReceiveMessage batches of up to
 * 10, the handler's `batchItemFailures` made visible again, the rest deleted), as documented in
 * "Handling errors for an SQS event source in Lambda" (partial batch responses:
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html). The target queue
 * has a redrive policy to its dead-letter queue, as deployed ("Using dead-letter queues in Amazon SQS").
 */

const parameter = "/ec2-imagebuilder/latest/golden-al2023";
const regions = ["us-east-1", "eu-west-1", "ap-northeast-1"];
const memberCount = 300;
const members = Array.from({ length: memberCount }, (_, i) => String(400000000000 + i));
const failingAccount = members[137];
const maxReceiveCount = 3;
const roleB = (accountId: string): string => `arn:aws:iam::${accountId}:role/LambdaExecutionRoleForSSMParam`;

const image = imageMessage({
    amis: regions.map((region, i) => ({ region, image: `ami-0fa${String(i).repeat(14)}` })),
    distributions: regions.map((region) => ({ region, amiDistributionConfiguration: { launchPermission: { userIds: members } } })),
});
const amiOf = (region: string): string => `ami-0fa${String(regions.indexOf(region)).repeat(14)}`;

function sqsRecord(message: Message, queueArn: string): SQSRecord {
    return {
        messageId: message.MessageId ?? "",
        receiptHandle: message.ReceiptHandle ?? "",
        body: message.Body ?? "",
        attributes: {
            ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? "1",
            SentTimestamp: message.Attributes?.SentTimestamp ?? "0",
            SenderId: message.Attributes?.SenderId ?? "",
            ApproximateFirstReceiveTimestamp: message.Attributes?.ApproximateFirstReceiveTimestamp ?? "0",
        },
        messageAttributes: {},
        md5OfBody: message.MD5OfBody ?? "",
        eventSource: "aws:sqs",
        eventSourceARN: queueArn,
        awsRegion: "us-east-1",
    };
}

interface Delivery {
    accountId: string;
    region: string;
    receiveCount: number;
    failed: boolean;
}

/**
 * Lambda's event source mapping, played by the test: batches of up to 10 until the queue is empty.
 * Failed items are made visible at once (instead of after the visibility timeout) to keep the test short.
 */
async function drain(sqs: SQSClient, queueUrl: string, queueArn: string): Promise<Delivery[]> {
    const deliveries: Delivery[] = [];
    for (let empty = 0; empty < 2;) {
        const { Messages: messages = [] } = await sqs.send(
            new ReceiveMessageCommand({
                QueueUrl: queueUrl,
                MaxNumberOfMessages: 10,
                AttributeNames: ["All"],
                MessageSystemAttributeNames: ["All"],
            }),
        );
        if (messages.length === 0) {
            empty++;
            continue;
        }
        empty = 0;
        const event: SQSEvent = { Records: messages.map((message) => sqsRecord(message, queueArn)) };
        const { result, error } = await captureLogs(() => rawHandler(event));
        if (error !== undefined) throw error;
        const failedIds = new Set((result as SQSBatchResponse).batchItemFailures.map((failure) => failure.itemIdentifier));
        for (const record of event.Records) {
            const body = JSON.parse(record.body) as { target: { accountId: string; region: string } };
            deliveries.push({
                accountId: body.target.accountId,
                region: body.target.region,
                receiveCount: Number(record.attributes.ApproximateReceiveCount),
                failed: failedIds.has(record.messageId),
            });
        }
        const done = messages.filter((message) => !failedIds.has(message.MessageId ?? ""));
        const retry = messages.filter((message) => failedIds.has(message.MessageId ?? ""));
        if (done.length > 0)
            await sqs.send(
                new DeleteMessageBatchCommand({
                    QueueUrl: queueUrl,
                    Entries: done.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle })),
                }),
            );
        if (retry.length > 0)
            await sqs.send(
                new ChangeMessageVisibilityBatchCommand({
                    QueueUrl: queueUrl,
                    Entries: retry.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 })),
                }),
            );
    }
    return deliveries;
}

describe("AMI publisher fan-out through SQS against moto: 300 accounts in 3 regions", function () {
    this.timeout(900_000);
    let proxy: ParameterStoreProxy;
    const sqs = new SQSClient({});

    before(async () => {
        proxy = await startParameterStoreProxy(motoEndpoint());
        process.env.AWS_ENDPOINT_URL_SSM = proxy.url;
        process.env.AWS_ENDPOINT_URL_STS = proxy.url;
    });
    after(async () => {
        for (const variable of [
            "AWS_ENDPOINT_URL_SSM",
            "AWS_ENDPOINT_URL_STS",
            "QUEUE_URL",
            "TARGETS_DEAD_LETTER_QUEUE_URL",
            "FAN_OUT_THRESHOLD",
            "MAX_RECEIVE_COUNT",
        ])
            delete process.env[variable];
        await proxy.close();
    });

    it("enqueues every target from the SNS invocation, writes each parameter exactly once, and gives up on one account alone", async () => {
        proxy.reset();
        const deadLetters = await sqs.send(new CreateQueueCommand({ QueueName: "publisher-targets-dead-letters" }));
        const deadLetterArn = (
            await sqs.send(new GetQueueAttributesCommand({ QueueUrl: deadLetters.QueueUrl, AttributeNames: ["QueueArn"] }))
        ).Attributes?.QueueArn;
        const queue = await sqs.send(
            new CreateQueueCommand({
                QueueName: "publisher-targets",
                Attributes: {
                    VisibilityTimeout: "1800",
                    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount }),
                },
            }),
        );
        const queueArn =
            (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes
                ?.QueueArn ?? "";
        Object.assign(process.env, {
            PARAMETER_PREFIX: "/ec2-imagebuilder/latest",
            TARGET_ROLE_NAME: "LambdaExecutionRoleForSSMParam",
            MAX_CONCURRENCY: "10",
            QUEUE_URL: queue.QueueUrl,
            TARGETS_DEAD_LETTER_QUEUE_URL: deadLetters.QueueUrl,
            FAN_OUT_THRESHOLD: "50",
            MAX_RECEIVE_COUNT: String(maxReceiveCount),
        });
        delete process.env.ORG_READER_ROLE_ARN;
        delete process.env.ROLE_B_ACCOUNT_IDS;
        delete process.env.ROLE_B_OU_IDS;
        proxy.missingRoles.add(roleB(failingAccount));

        // The SNS invocation: resolves 301 accounts x 3 regions, writes nothing, enqueues all.
        const { result: summary, error } = await captureLogs(() => rawHandler(snsEvent(image)));
        if (error !== undefined) throw error;
        const targetCount = (memberCount + 1) * regions.length;
        assert.deepEqual(summary, {
            written: 0,
            labelled: 0,
            unchanged: 0,
            superseded: 0,
            skipped: 0,
            skippedImages: 0,
            queued: targetCount,
        });
        assert.deepEqual(
            proxy.calls.filter((call) => !call.startsWith("GetCallerIdentity")),
            [],
            "the SNS invocation made no STS or SSM call: it only enqueued",
        );
        const visible = await sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
        );
        assert.equal(Number(visible.Attributes?.ApproximateNumberOfMessages), targetCount, "one message per target");

        const deliveries = await drain(sqs, queue.QueueUrl ?? "", queueArn);

        // Only the failing account's targets were delivered again, each alone, maxReceiveCount times.
        const redelivered = deliveries.filter((delivery) => delivery.receiveCount > 1);
        assert.deepEqual([...new Set(redelivered.map((delivery) => delivery.accountId))], [failingAccount]);
        for (const region of regions) {
            const attempts = deliveries.filter((delivery) => delivery.accountId === failingAccount && delivery.region === region);
            assert.deepEqual(
                attempts.map((delivery) => [delivery.receiveCount, delivery.failed]),
                [
                    [1, true],
                    [2, true],
                    [3, false],
                ],
                `${failingAccount}/${region}: reported failed twice, then given up (forwarded) on the last receive`,
            );
        }
        assert.equal(deliveries.filter((delivery) => delivery.receiveCount === 1).length, targetCount, "every target delivered");

        // The dead-letter queue holds exactly the failing account's three targets, each with its reason.
        const { Messages: dead = [] } = await sqs.send(
            new ReceiveMessageCommand({ QueueUrl: deadLetters.QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"] }),
        );
        assert.deepEqual(
            dead
                .map((message) => (JSON.parse(message.Body ?? "{}") as { target: { accountId: string; region: string } }).target)
                .sort((a, b) => a.region.localeCompare(b.region)),
            [...regions]
                .sort()
                .map((region) => ({ accountId: failingAccount, region, amiId: amiOf(region), onlyThroughOrganization: false })),
        );
        for (const message of dead) {
            assert.match(
                message.MessageAttributes?.failureReason?.StringValue ?? "",
                new RegExp(`^${failingAccount}/[a-z0-9-]+: cannot assume`),
            );
            assert.equal(message.MessageAttributes?.attempts?.StringValue, String(maxReceiveCount));
        }

        // Every other target holds its region's AMI in exactly one version: written once, never twice.
        const histories = await Promise.all(
            [ownerAccount, ...members]
                .filter((account) => account !== failingAccount)
                .map(async (account) => {
                    const credentials = account === ownerAccount ? undefined : await credentialsFor(account);
                    return Promise.all(
                        regions.map(async (region) => {
                            const ssm = new SSMClient({ region, credentials, endpoint: motoEndpoint() });
                            const { Parameters: versions = [] } = await ssm.send(new GetParameterHistoryCommand({ Name: parameter }));
                            return { account, region, values: versions.map((version) => version.Value) };
                        }),
                    );
                }),
        );
        const wrong = histories.flat().filter((history) => history.values.length !== 1 || history.values[0] !== amiOf(history.region));
        assert.deepEqual(wrong, [], "each parameter written exactly once with its region's AMI");
        assert.equal(histories.flat().length, memberCount * regions.length);
    });
});
