/**
 * Fan-out past one invocation: the SNS-triggered invocation resolves an image's targets and, when
 * they are more than one invocation finishes safely, enqueues one SQS message per target (10 per
 * SendMessageBatch call). The same Lambda consumes the queue through an event source mapping with
 * ReportBatchItemFailures, so a failed target is retried alone, and after its last attempt it is
 * forwarded to the targets' dead-letter queue with its reason.
 */
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { describeError } from "../shared/errors";
import { settleAll } from "../shared/pool";
import type { ImageIdentity, ImageMessage } from "./message";
import type { Target } from "./targets";

/** One queued target: the image, the account and region, and why a missing role B skips rather than fails it. */
export interface QueuedTarget {
    image: ImageIdentity;
    target: Target;
    /** Set when the target is skipped (not failed) if role B cannot be assumed (see the SNS path's skip rules). */
    skipReasonIfNoRole?: string;
}

/** SendMessageBatch takes at most 10 entries (SQS API reference, SendMessageBatch). */
export const sendBatchSize = 10;
/** Entries SQS refused in a batch (`Failed` in the answer) are sent again this many times before the invocation fails. */
const sendAttempts = 3;

export class MalformedQueuedTargetError extends Error {
    override name = "MalformedQueuedTargetError";
}

export function queuedImage(message: ImageMessage): ImageIdentity {
    const { recipeName, imageArn, imageVersion, ownerAccountId, partition } = message;
    return { recipeName, imageArn, imageVersion, ownerAccountId, partition };
}

/**
 * Sends every target, `sendBatchSize` a call, `concurrency` calls at a time. A batch entry SQS
 * refuses is sent again (the SDK already retries whole calls that are throttled); entries still
 * refused after `sendAttempts` fail the invocation, so SNS's retry resolves and enqueues again (a
 * duplicate target only finds its parameter in place: the write is idempotent).
 */
export async function enqueueTargets(sqs: SQSClient, queueUrl: string, items: QueuedTarget[], concurrency: number): Promise<void> {
    const batches: QueuedTarget[][] = [];
    for (let i = 0; i < items.length; i += sendBatchSize) batches.push(items.slice(i, i + sendBatchSize));
    const results = await settleAll(batches, concurrency, async (batch) => {
        let pending = batch.map((item, index) => ({ Id: String(index), MessageBody: JSON.stringify(item) }));
        let lastFailures: string[] = [];
        for (let attempt = 0; attempt < sendAttempts && pending.length > 0; attempt++) {
            const answer = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }));
            const failed = new Set((answer.Failed ?? []).map((entry) => entry.Id));
            lastFailures = (answer.Failed ?? []).map((entry) => `${entry.Code ?? "?"}: ${entry.Message ?? ""}`);
            pending = pending.filter((entry) => failed.has(entry.Id));
        }
        if (pending.length > 0)
            throw new Error(`SQS refused ${pending.length} target message(s) after ${sendAttempts} attempts: ${lastFailures.join("; ")}`);
    });
    const failures = results.flatMap((result) => (result.status === "rejected" ? [describeError(result.reason)] : []));
    if (failures.length > 0) throw new Error(`enqueueing ${items.length} target(s) to ${queueUrl} failed: ${failures.join("; ")}`);
}

const isString = (value: unknown): value is string => typeof value === "string" && value !== "";

/** Parses and checks one queued target; a body that cannot be a target is an error naming what is wrong. */
export function parseQueuedTarget(body: string): QueuedTarget {
    let parsed: unknown;
    try {
        parsed = JSON.parse(body);
    } catch {
        throw new MalformedQueuedTargetError(`message body is not JSON: ${JSON.stringify(body.slice(0, 120))}`);
    }
    const item = parsed as Partial<QueuedTarget> | null;
    const image = item?.image;
    const target = item?.target;
    if (
        !image ||
        !isString(image.recipeName) ||
        !isString(image.imageArn) ||
        !isString(image.imageVersion) ||
        !/^\d{12}$/.test(String(image.ownerAccountId)) ||
        !isString(image.partition)
    )
        throw new MalformedQueuedTargetError(`message body has no valid image: ${body.slice(0, 300)}`);
    if (!target || !/^\d{12}$/.test(String(target.accountId)) || !isString(target.region) || !/^ami-[0-9a-f]+$/.test(String(target.amiId)))
        throw new MalformedQueuedTargetError(`message body has no valid target (accountId, region, amiId): ${body.slice(0, 300)}`);
    const skip = item.skipReasonIfNoRole;
    return {
        image,
        target: { ...target, onlyThroughOrganization: target.onlyThroughOrganization === true },
        ...(isString(skip) ? { skipReasonIfNoRole: skip } : {}),
    };
}

/** How many times SQS has delivered the record, this delivery included (the `ApproximateReceiveCount` attribute). */
export function receiveCount(record: Pick<SQSRecord, "attributes">): number {
    const count = Number(record.attributes?.ApproximateReceiveCount);
    return Number.isInteger(count) && count > 0 ? count : 1;
}

/**
 * Puts a target that failed its last attempt into the dead-letter queue itself, with its reason as a
 * message attribute (SQS's own redrive, the backstop for invocations that end without answering,
 * moves the body without one). The body is unchanged, so a redrive back to the target queue replays it.
 */
export async function forwardToDeadLetterQueue(
    sqs: SQSClient,
    deadLetterQueueUrl: string,
    record: Pick<SQSRecord, "body" | "messageId">,
    reason: string,
    attempts: number,
): Promise<void> {
    await sqs.send(
        new SendMessageCommand({
            QueueUrl: deadLetterQueueUrl,
            MessageBody: record.body,
            MessageAttributes: {
                // A message attribute value is at most the message size; reasons are far shorter, this is a guard.
                failureReason: { DataType: "String", StringValue: reason.slice(0, 8000) },
                attempts: { DataType: "Number", StringValue: String(attempts) },
                sourceMessageId: { DataType: "String", StringValue: record.messageId },
            },
        }),
    );
}
