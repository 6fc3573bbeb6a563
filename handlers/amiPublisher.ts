/**
 * Lambda: on an Image Builder notification of an AVAILABLE image, writes each AMI ID to
 * `<PARAMETER_PREFIX>/<recipe>` in every account and region that received it, assuming
 * `<TARGET_ROLE_NAME>` in each account. Every target is tried; then one error lists the failures,
 * so Lambda's retries and the dead-letter queue keep the event.
 *
 * An image with more targets than one invocation finishes safely (FAN_OUT_THRESHOLD) is only
 * resolved here: its targets are enqueued to QUEUE_URL, and the same function consumes that queue
 * (an SQS event), reporting each failed target alone (ReportBatchItemFailures).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context, SNSEvent, SNSEventRecord, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { SQSClient } from "@aws-sdk/client-sqs";
import { describeError } from "./shared/errors";
import { settleAll } from "./shared/pool";
import { parseImageMessage, type ImageIdentity, type ImageMessage } from "./amiPublisher/message";
import {
    enqueueTargets,
    forwardToDeadLetterQueue,
    parseQueuedTarget,
    queuedImage,
    receiveCount,
    type QueuedTarget,
} from "./amiPublisher/fanOut";
import { OrganizationTree } from "./amiPublisher/organizations";
import { readSettings, type PublisherSettings } from "./amiPublisher/settings";
import { managementAccountOf, receivingTargets, type Target } from "./amiPublisher/targets";
import {
    assumeRole,
    defaultVersionWait,
    InvocationClients,
    RoleUnavailableError,
    TargetError,
    writeTarget,
    type VersionWait,
} from "./amiPublisher/writer";
import { STSClient } from "@aws-sdk/client-sts";

const logger = new Logger({ serviceName: "ami-publisher" });
/** Target counts per invocation as CloudWatch metrics, through the embedded metric format in the log. */
const metrics = new Metrics({ namespace: "MultiAccountOps/GoldenAmi", serviceName: "ami-publisher" });

export interface PublishSummary {
    written: number;
    labelled: number;
    unchanged: number;
    /** Targets whose parameter already holds a newer image (a late retry or replay of an older one): not written. */
    superseded: number;
    /** Targets without role B that received the image only through organization or OU sharing. */
    skipped: number;
    skippedImages: number;
    /** Targets enqueued to the fan-out queue (written later by the queue's invocations). */
    queued: number;
}

interface ResolvedTargets {
    targets: Target[];
    /** Why a target that fails for lack of role B is skipped rather than failed; undefined when it must have role B. */
    skipReason: (target: Target) => string | undefined;
}

function sharesWithOrganizations(message: ImageMessage): boolean {
    return message.distributions.some(
        (d) =>
            (d.amiDistributionConfiguration?.launchPermission?.organizationArns ?? []).length +
                (d.amiDistributionConfiguration?.launchPermission?.organizationalUnitArns ?? []).length >
            0,
    );
}

async function resolveTargets(message: ImageMessage, settings: PublisherSettings): Promise<ResolvedTargets> {
    const needsOrganizations = sharesWithOrganizations(message);
    const credentials =
        needsOrganizations && settings.orgReaderRoleArn
            ? await assumeRole(new STSClient({ maxAttempts: 8 }), settings.orgReaderRoleArn, "ami-publisher-org-reader")
            : undefined;
    const organizations = new OrganizationTree(message.partition, credentials);
    const targets = await receivingTargets(message, organizations);
    if (!targets.some((target) => target.onlyThroughOrganization)) return { targets, skipReason: () => undefined };

    // Which organization-shared accounts have role B: configured ones, and the role-B StackSet's OUs. Service-managed
    // StackSets never deploy to the management account, even inside a target OU (CloudFormation API reference,
    // DeploymentTargets: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html).
    const management = managementAccountOf(message);
    const stackSetAccounts = (await Promise.all(settings.roleBOrganizationalUnitIds.map((ou) => organizations.accountsInOu(ou)))).flat();
    // A fleet account whose own stack has no golden AMIs sits in a role-B OU without role B (ROLE_B_EXCLUDED_ACCOUNT_IDS).
    const excluded = new Set(settings.roleBExcludedAccountIds);
    const withRoleB = new Set([...settings.roleBAccountIds, ...stackSetAccounts.filter((id) => id !== management && !excluded.has(id))]);
    return {
        targets,
        skipReason: (target) => {
            if (!target.onlyThroughOrganization || withRoleB.has(target.accountId)) return undefined;
            if (target.accountId === management)
                return (
                    "the organization's management account received the image only through organization/OU sharing, and role B " +
                    "cannot be deployed there: service-managed StackSets never deploy to the management account"
                );
            return excluded.has(target.accountId)
                ? "the account received the image only through organization/OU sharing and is excluded from role B: a fleet " +
                      "account excluded from the fleet or with golden AMIs switched off has no role B"
                : "the account received the image only through organization/OU sharing and gets no role B: it is not a configured " +
                      "member, distribution account or copy target, and is in no role-B StackSet OU";
        },
    };
}

/**
 * Time kept back from the Lambda timeout to report: the summary, the failure list and the metrics are
 * written only if the handler returns before Lambda ends the invocation.
 */
export const reportReserveMs = 15_000;

/** SendMessageBatch calls in flight at once when enqueueing an image's targets. */
const enqueueConcurrency = 10;

/** The SQS client of the container, reused across invocations (its connections too). */
let sqsClient: SQSClient | undefined;
function sqs(): SQSClient {
    sqsClient ??= new SQSClient({ maxAttempts: 8, retryMode: "standard" });
    return sqsClient;
}

/** One parameter write: the image, the target, and why a missing role B skips rather than fails it (undefined: it fails). */
interface WorkItem {
    image: ImageIdentity;
    target: Target;
    skipReason?: string;
}

type ItemResult = { outcome: "done" | "skipped" } | { outcome: "failed"; error: string };

function emptySummary(): PublishSummary {
    return { written: 0, labelled: 0, unchanged: 0, superseded: 0, skipped: 0, skippedImages: 0, queued: 0 };
}

/**
 * Writes every item, `maxConcurrency` at a time, with one set of SDK clients per image owner, and logs
 * and counts each outcome. Items not started by the deadline fail as "not attempted".
 */
async function writeItems(
    items: WorkItem[],
    settings: PublisherSettings,
    wait: VersionWait,
    deadline: number,
    summary: PublishSummary,
): Promise<ItemResult[]> {
    const clients = new Map<string, InvocationClients>();
    const clientsFor = (image: ImageIdentity): InvocationClients => {
        const key = `${image.partition}/${image.ownerAccountId}`;
        let found = clients.get(key);
        if (!found) {
            found = new InvocationClients(image.ownerAccountId, image.partition, settings.targetRoleName);
            clients.set(key, found);
        }
        return found;
    };
    let results: PromiseSettledResult<Awaited<ReturnType<typeof writeTarget>>>[];
    try {
        results = await settleAll(items, settings.maxConcurrency, (item) => {
            if (Date.now() >= deadline)
                return Promise.reject(
                    new TargetError("not attempted: the invocation ran out of time before this target (Lambda timeout); a retry writes it"),
                );
            return writeTarget(item.target, item.image, settings.parameterPrefix, clientsFor(item.image), wait);
        });
    } finally {
        for (const client of clients.values()) client.destroy();
    }
    return results.map((result, i): ItemResult => {
        const { target, image, skipReason } = items[i];
        const fields = {
            account: target.accountId,
            region: target.region,
            amiId: target.amiId,
            image: image.imageArn,
            parameter: `${settings.parameterPrefix}/${image.recipeName}`,
        };
        if (result.status === "fulfilled") {
            const { outcome, version, unlabelled, supersededBy } = result.value;
            summary[outcome]++;
            const extra = { ...(unlabelled ? { unlabelled } : {}), ...(supersededBy ? { supersededBy } : {}) };
            if (outcome === "superseded")
                logger.warn("target superseded: holds a newer image; not rolled back", { ...fields, outcome, version, ...extra });
            else logger.info(`target ${outcome}`, { ...fields, outcome, version, ...extra });
            return { outcome: "done" };
        }
        const error = describeError(result.reason);
        if (result.reason instanceof RoleUnavailableError && skipReason !== undefined) {
            summary.skipped++;
            logger.warn("target skipped", { ...fields, outcome: "skipped", reason: skipReason, error });
            return { outcome: "skipped" };
        }
        logger.error("target failed", { ...fields, outcome: "failed", error });
        return { outcome: "failed", error };
    });
}

function publishMetrics(summary: PublishSummary, failed: number): void {
    for (const [name, count] of [
        ["TargetsWritten", summary.written + summary.labelled],
        ["TargetsUnchanged", summary.unchanged],
        ["TargetsSuperseded", summary.superseded],
        ["TargetsSkipped", summary.skipped],
        ["TargetsQueued", summary.queued],
        ["TargetsFailed", failed],
    ] as const)
        metrics.addMetric(name, MetricUnit.Count, count);
    metrics.publishStoredMetrics();
}

/** The SNS path: each image's targets are written here, or enqueued when there are more than the fan-out threshold. */
async function publishImages(
    records: SNSEventRecord[],
    settings: PublisherSettings,
    wait: VersionWait,
    deadline: number,
): Promise<PublishSummary> {
    const summary = emptySummary();
    const failures: string[] = [];
    try {
        for (const [index, record] of records.entries()) {
            const message = parseImageMessage(String(record?.Sns?.Message ?? ""), `SNS record ${index}`);
            if (!("amis" in message)) {
                logger.info("image is not AVAILABLE; nothing written", { status: message.status, image: message.name });
                summary.skippedImages++;
                continue;
            }
            let resolved: ResolvedTargets;
            try {
                resolved = await resolveTargets(message, settings);
            } catch (error) {
                failures.push(`resolving the receiving accounts of ${message.imageArn}: ${describeError(error)}`);
                logger.error("cannot resolve receiving accounts", { image: message.imageArn, error: describeError(error) });
                continue;
            }
            const image = queuedImage(message);
            const items: WorkItem[] = resolved.targets.map((target) => ({ image, target, skipReason: resolved.skipReason(target) }));
            const fanOut = settings.fanOut;
            if (fanOut && items.length > fanOut.threshold) {
                const queued: QueuedTarget[] = items.map(({ target, skipReason }) => ({
                    image,
                    target,
                    ...(skipReason !== undefined ? { skipReasonIfNoRole: skipReason } : {}),
                }));
                try {
                    await enqueueTargets(sqs(), fanOut.queueUrl, queued, enqueueConcurrency);
                    summary.queued += items.length;
                    logger.info("targets enqueued for the fan-out queue", {
                        image: message.imageArn,
                        targets: items.length,
                        threshold: fanOut.threshold,
                    });
                } catch (error) {
                    failures.push(`enqueueing the targets of ${message.imageArn}: ${describeError(error)}`);
                    logger.error("cannot enqueue targets", { image: message.imageArn, error: describeError(error) });
                }
                continue;
            }
            const results = await writeItems(items, settings, wait, deadline, summary);
            results.forEach((result, i) => {
                if (result.outcome === "failed") failures.push(`${items[i].target.accountId}/${items[i].target.region}: ${result.error}`);
            });
        }
    } finally {
        publishMetrics(summary, failures.length);
    }
    if (failures.length > 0) {
        throw new Error(`AMI publish failed for ${failures.length} target(s): ${failures.join("; ")}`);
    }
    return summary;
}

/**
 * The SQS path: one queued target per record. A failed target is reported alone in
 * `batchItemFailures`, so only it becomes visible again ("Handling errors for an SQS event source in
 * Lambda", partial batch responses: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html).
 * On its last attempt (the queue's maxReceiveCount) it is forwarded to the dead-letter queue with its
 * reason instead. Malformed bodies go there at once: no retry can fix them.
 */
async function consumeQueue(
    records: SQSRecord[],
    settings: PublisherSettings,
    wait: VersionWait,
    deadline: number,
): Promise<SQSBatchResponse> {
    const fanOut = settings.fanOut;
    if (!fanOut) throw new Error("an SQS event arrived but QUEUE_URL and TARGETS_DEAD_LETTER_QUEUE_URL are not set");
    const summary = emptySummary();
    const failedIds: string[] = [];
    let failed = 0;
    const giveUp = async (record: SQSRecord, reason: string, attempts: number): Promise<void> => {
        failed++;
        try {
            await forwardToDeadLetterQueue(sqs(), fanOut.deadLetterQueueUrl, record, reason, attempts);
            logger.error("target given up: forwarded to the dead-letter queue", { messageId: record.messageId, attempts, reason });
        } catch (error) {
            // Reported as failed instead: SQS's redrive moves it to the dead-letter queue (without the reason) after maxReceiveCount.
            failedIds.push(record.messageId);
            logger.error("cannot forward to the dead-letter queue", { messageId: record.messageId, reason, error: describeError(error) });
        }
    };
    try {
        const parsed: { record: SQSRecord; item: WorkItem }[] = [];
        for (const record of records) {
            try {
                const queued = parseQueuedTarget(String(record.body ?? ""));
                parsed.push({ record, item: { image: queued.image, target: queued.target, skipReason: queued.skipReasonIfNoRole } });
            } catch (error) {
                await giveUp(record, describeError(error), receiveCount(record));
            }
        }
        const results = await writeItems(
            parsed.map(({ item }) => item),
            settings,
            wait,
            deadline,
            summary,
        );
        for (const [i, result] of results.entries()) {
            if (result.outcome !== "failed") continue;
            const { record, item } = parsed[i];
            const attempts = receiveCount(record);
            const reason = `${item.target.accountId}/${item.target.region}: ${result.error}`;
            if (attempts >= fanOut.maxReceiveCount) await giveUp(record, reason, attempts);
            else {
                failed++;
                failedIds.push(record.messageId);
            }
        }
    } finally {
        publishMetrics(summary, failed);
    }
    logger.info("queued targets processed", { ...summary, retried: failedIds.length, failed });
    return { batchItemFailures: failedIds.map((itemIdentifier) => ({ itemIdentifier })) };
}

export async function handler(event: SQSEvent, context?: Pick<Context, "getRemainingTimeInMillis">): Promise<SQSBatchResponse>;
export async function handler(event: SNSEvent, context?: Pick<Context, "getRemainingTimeInMillis">): Promise<PublishSummary>;
export async function handler(
    event: SNSEvent | SQSEvent,
    context?: Pick<Context, "getRemainingTimeInMillis">,
): Promise<PublishSummary | SQSBatchResponse> {
    const settings = readSettings();
    // Lambda ends the invocation at its timeout with no chance to log or flush metrics ("getRemainingTimeInMillis():
    // the number of milliseconds left before the execution times out", https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html).
    // Targets x VERSION_WAIT_SECONDS can exceed it (e.g. 150 org-shared targets / 10 at a time x 60 s > 300 s), so every
    // wait ends by this deadline and targets not started by then fail as "not attempted" and are named in the error.
    const deadline = context ? Date.now() + context.getRemainingTimeInMillis() - reportReserveMs : Infinity;
    const wait = { ...defaultVersionWait, timeoutMs: settings.versionWaitSeconds * 1000, deadline };
    const records: unknown[] = Array.isArray(event?.Records) ? event.Records : [];
    if (records.length === 0) throw new Error("event has no SNS or SQS Records");
    // An SQS record names its source in `eventSource`, an SNS record in `EventSource`.
    if (records.every((record) => (record as Partial<SQSRecord> | undefined)?.eventSource === "aws:sqs"))
        return consumeQueue(records as SQSRecord[], settings, wait, deadline);
    return publishImages(records as SNSEventRecord[], settings, wait, deadline);
}
