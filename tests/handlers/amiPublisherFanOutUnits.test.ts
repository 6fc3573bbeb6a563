import { strict as assert } from "node:assert";
import {
    SendMessageBatchCommand,
    SendMessageCommand,
    SQSClient,
    type ServiceInputTypes,
    type ServiceOutputTypes,
    type SQSClientResolvedConfig,
} from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { mockClient, type AwsStub } from "aws-sdk-client-mock";
import { handler } from "../../handlers/amiPublisher";
import {
    enqueueTargets,
    MalformedQueuedTargetError,
    parseQueuedTarget,
    receiveCount,
    type QueuedTarget,
} from "../../handlers/amiPublisher/fanOut";
import { readSettings } from "../../handlers/amiPublisher/settings";
import { captureLogs } from "../helpers/logs";

const image = {
    recipeName: "golden-al2023",
    imageArn: "arn:aws:imagebuilder:us-east-1:123456789012:image/golden-al2023/1.0.0/3",
    imageVersion: "1.0.0/3",
    ownerAccountId: "123456789012",
    partition: "aws",
};
const queued = (accountId: string, region = "us-east-1"): QueuedTarget => ({
    image,
    target: { accountId, region, amiId: "ami-0123456789abcdef0", onlyThroughOrganization: false },
});
const queueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/multi-account-ops-ami-publisher-targets";
const deadLetterUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/multi-account-ops-ami-publisher-targets-dead-letters";

describe("AMI publisher fan-out: messages, batches and settings", () => {
    // Installed only while this block runs: a mock made at load time would stub SQSClient for every other test file too.
    let sqsMock: AwsStub<ServiceInputTypes, ServiceOutputTypes, SQSClientResolvedConfig>;
    before(() => (sqsMock = mockClient(SQSClient)));
    after(() => sqsMock.restore());
    afterEach(() => sqsMock.reset());

    it("sends targets 10 to a SendMessageBatch call and resends only the entries SQS refused", async () => {
        let first = true;
        sqsMock.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => {
            if (first && input.Entries.length === 10) {
                first = false;
                return { Successful: [], Failed: [{ Id: "3", Code: "InternalError", SenderFault: false, Message: "try again" }] };
            }
            return { Successful: input.Entries.map((entry) => ({ Id: entry.Id })), Failed: [] };
        });
        const items = Array.from({ length: 23 }, (_, i) => queued(String(100000000000 + i)));
        await enqueueTargets(new SQSClient({ region: "us-east-1" }), queueUrl, items, 2);
        const calls = sqsMock.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input);
        assert.deepEqual(calls.map((input) => input.Entries?.length).sort(), [1, 10, 10, 3].sort());
        const resent = calls.find((input) => input.Entries?.length === 1);
        assert.deepEqual(JSON.parse(resent?.Entries?.[0].MessageBody ?? "{}"), items[3], "the refused entry is the one sent again");
        assert.ok(calls.every((input) => input.QueueUrl === queueUrl));
        const bodies = calls.flatMap((input) => (input.Entries ?? []).map((entry) => JSON.parse(entry.MessageBody ?? "") as QueuedTarget));
        assert.equal(new Set(bodies.map((body) => body.target.accountId)).size, 23, "every target sent");
    });

    it("fails, naming the refusal, when SQS keeps refusing an entry", async () => {
        sqsMock.on(SendMessageBatchCommand).resolves({
            Successful: [],
            Failed: [{ Id: "0", Code: "KMS.AccessDeniedException", SenderFault: true, Message: "no key" }],
        });
        await assert.rejects(
            enqueueTargets(new SQSClient({ region: "us-east-1" }), queueUrl, [queued("100000000000")], 1),
            /enqueueing 1 target\(s\) to .*: SQS refused 1 target message\(s\) after 3 attempts: KMS\.AccessDeniedException: no key/,
        );
        assert.equal(sqsMock.commandCalls(SendMessageBatchCommand).length, 3);
    });

    it("parses a queued target and names what a malformed one lacks", () => {
        assert.deepEqual(parseQueuedTarget(JSON.stringify({ ...queued("111111111111"), skipReasonIfNoRole: "why" })), {
            ...queued("111111111111"),
            skipReasonIfNoRole: "why",
        });
        const withoutFlag = { accountId: "111111111111", region: "us-east-1", amiId: "ami-0123456789abcdef0" };
        assert.equal(parseQueuedTarget(JSON.stringify({ image, target: withoutFlag })).target.onlyThroughOrganization, false);
        assert.throws(() => parseQueuedTarget("not json"), /message body is not JSON: "not json"/);
        assert.throws(() => parseQueuedTarget(JSON.stringify({ target: queued("1").target })), /no valid image/);
        assert.throws(() => parseQueuedTarget(JSON.stringify({ image: { ...image, ownerAccountId: "12" }, target: {} })), /no valid image/);
        for (const target of [
            { accountId: "12345", region: "us-east-1", amiId: "ami-0123" },
            { accountId: "111111111111", region: "", amiId: "ami-0123" },
            { accountId: "111111111111", region: "us-east-1", amiId: "i-0123" },
        ])
            assert.throws(() => parseQueuedTarget(JSON.stringify({ image, target })), MalformedQueuedTargetError);
        assert.equal(receiveCount({ attributes: { ApproximateReceiveCount: "3" } as never }), 3);
        assert.equal(receiveCount({ attributes: {} as never }), 1);
    });

    it("reads the fan-out settings together, or not at all, and names each bad one", () => {
        assert.equal(readSettings({}).fanOut, undefined);
        assert.deepEqual(readSettings({ QUEUE_URL: queueUrl, TARGETS_DEAD_LETTER_QUEUE_URL: deadLetterUrl }).fanOut, {
            queueUrl,
            deadLetterQueueUrl: deadLetterUrl,
            threshold: 1000,
            maxReceiveCount: 3,
        });
        assert.throws(
            () =>
                readSettings({
                    QUEUE_URL: "http://example.com/queue",
                    FAN_OUT_THRESHOLD: "0",
                    MAX_RECEIVE_COUNT: "2.5",
                }),
            (error: Error) => {
                assert.match(error.message, /QUEUE_URL "http:\/\/example.com\/queue" is not an SQS queue URL/);
                assert.match(
                    error.message,
                    /TARGETS_DEAD_LETTER_QUEUE_URL is missing: QUEUE_URL and TARGETS_DEAD_LETTER_QUEUE_URL go together/,
                );
                assert.match(error.message, /FAN_OUT_THRESHOLD "0" is not a whole number from 1 to 1000000/);
                assert.match(error.message, /MAX_RECEIVE_COUNT "2.5" is not a whole number from 1 to 1000/);
                return true;
            },
        );
    });

    describe("the SQS path of the handler", () => {
        const saved = { ...process.env };
        beforeEach(() => {
            process.env.QUEUE_URL = queueUrl;
            process.env.TARGETS_DEAD_LETTER_QUEUE_URL = deadLetterUrl;
            process.env.MAX_RECEIVE_COUNT = "3";
        });
        afterEach(() => {
            // Assigning undefined would set the string "undefined": delete what was not set before.
            for (const variable of ["QUEUE_URL", "TARGETS_DEAD_LETTER_QUEUE_URL", "MAX_RECEIVE_COUNT"]) {
                if (saved[variable] === undefined) delete process.env[variable];
                else process.env[variable] = saved[variable];
            }
        });
        const record = (messageId: string, body: string, receives: number): SQSEvent["Records"][number] => ({
            messageId,
            receiptHandle: `handle-${messageId}`,
            body,
            attributes: { ApproximateReceiveCount: String(receives) } as never,
            messageAttributes: {},
            md5OfBody: "",
            eventSource: "aws:sqs",
            eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:multi-account-ops-ami-publisher-targets",
            awsRegion: "us-east-1",
        });

        it("forwards a malformed body to the dead-letter queue at once, with the reason, and does not report it for retry", async () => {
            sqsMock.on(SendMessageCommand).resolves({ MessageId: "dead-1" });
            const { result, error } = await captureLogs(() => handler({ Records: [record("m-1", "{oops", 1)] }));
            assert.equal(error, undefined);
            assert.deepEqual(result, { batchItemFailures: [] });
            const [sent] = sqsMock.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
            assert.equal(sent.QueueUrl, deadLetterUrl);
            assert.equal(sent.MessageBody, "{oops");
            assert.match(sent.MessageAttributes?.failureReason?.StringValue ?? "", /^MalformedQueuedTargetError: message body is not JSON/);
            assert.deepEqual(sent.MessageAttributes?.attempts, { DataType: "Number", StringValue: "1" });
            assert.deepEqual(sent.MessageAttributes?.sourceMessageId, { DataType: "String", StringValue: "m-1" });
        });

        it("reports the message for retry when it cannot be forwarded, so SQS's redrive keeps it", async () => {
            sqsMock.on(SendMessageCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDenied" }));
            const { result, error } = await captureLogs(() => handler({ Records: [record("m-2", "[]", 3)] }));
            assert.equal(error, undefined);
            assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: "m-2" }] });
        });

        it("refuses an SQS event when the queue is not configured", async () => {
            delete process.env.QUEUE_URL;
            delete process.env.TARGETS_DEAD_LETTER_QUEUE_URL;
            await assert.rejects(handler({ Records: [record("m-3", "[]", 1)] }), /an SQS event arrived but QUEUE_URL/);
        });
    });
});
