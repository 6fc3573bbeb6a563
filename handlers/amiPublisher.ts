/**
 * Lambda: on an Image Builder notification of an AVAILABLE image, writes each AMI ID to
 * `<PARAMETER_PREFIX>/<recipe>` in every account and region that received it, assuming
 * `<TARGET_ROLE_NAME>` in each account. Every target is tried; then one error lists the failures,
 * so Lambda's retries and the dead-letter queue keep the event.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context, SNSEvent } from "aws-lambda";
import { describeError } from "./shared/errors";
import { settleAll } from "./shared/pool";
import { parseImageMessage, type ImageMessage } from "./amiPublisher/message";
import { OrganizationTree } from "./amiPublisher/organizations";
import { readSettings, type PublisherSettings } from "./amiPublisher/settings";
import { managementAccountOf, receivingTargets, type Target } from "./amiPublisher/targets";
import { assumeRole, defaultVersionWait, InvocationClients, RoleUnavailableError, TargetError, writeTarget } from "./amiPublisher/writer";
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
    const withRoleB = new Set([...settings.roleBAccountIds, ...stackSetAccounts.filter((id) => id !== management)]);
    return {
        targets,
        skipReason: (target) => {
            if (!target.onlyThroughOrganization || withRoleB.has(target.accountId)) return undefined;
            return target.accountId === management
                ? "the organization's management account received the image only through organization/OU sharing, and role B " +
                      "cannot be deployed there: service-managed StackSets never deploy to the management account"
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

export async function handler(event: SNSEvent, context?: Pick<Context, "getRemainingTimeInMillis">): Promise<PublishSummary> {
    const settings = readSettings();
    // Lambda ends the invocation at its timeout with no chance to log or flush metrics ("getRemainingTimeInMillis():
    // the number of milliseconds left before the execution times out", https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html).
    // Targets x VERSION_WAIT_SECONDS can exceed it (e.g. 150 org-shared targets / 10 at a time x 60 s > 300 s), so every
    // wait ends by this deadline and targets not started by then fail as "not attempted" and are named in the error.
    const deadline = context ? Date.now() + context.getRemainingTimeInMillis() - reportReserveMs : Infinity;
    const wait = { ...defaultVersionWait, timeoutMs: settings.versionWaitSeconds * 1000, deadline };
    const summary: PublishSummary = { written: 0, labelled: 0, unchanged: 0, superseded: 0, skipped: 0, skippedImages: 0 };
    const failures: string[] = [];
    const records = Array.isArray(event?.Records) ? event.Records : [];
    if (records.length === 0) throw new Error("event has no SNS Records");

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
            const { targets, skipReason } = resolved;
            const clients = new InvocationClients(message.ownerAccountId, message.partition, settings.targetRoleName);
            const results = await settleAll(targets, settings.maxConcurrency, (target) => {
                if (Date.now() >= deadline)
                    return Promise.reject(
                        new TargetError(
                            "not attempted: the invocation ran out of time before this target (Lambda timeout); a retry writes it",
                        ),
                    );
                return writeTarget(target, message, settings.parameterPrefix, clients, wait);
            });
            clients.destroy();
            results.forEach((result, i) => {
                const target = targets[i];
                const fields = {
                    account: target.accountId,
                    region: target.region,
                    amiId: target.amiId,
                    image: message.imageArn,
                    parameter: `${settings.parameterPrefix}/${message.recipeName}`,
                };
                if (result.status === "fulfilled") {
                    const { outcome, version, unlabelled, supersededBy } = result.value;
                    summary[outcome]++;
                    const extra = { ...(unlabelled ? { unlabelled } : {}), ...(supersededBy ? { supersededBy } : {}) };
                    if (outcome === "superseded")
                        logger.warn("target superseded: holds a newer image; not rolled back", { ...fields, outcome, version, ...extra });
                    else logger.info(`target ${outcome}`, { ...fields, outcome, version, ...extra });
                    return;
                }
                const reason = result.reason instanceof RoleUnavailableError ? skipReason(target) : undefined;
                if (reason !== undefined) {
                    summary.skipped++;
                    logger.warn("target skipped", { ...fields, outcome: "skipped", reason, error: describeError(result.reason) });
                } else {
                    failures.push(`${target.accountId}/${target.region}: ${describeError(result.reason)}`);
                    logger.error("target failed", { ...fields, outcome: "failed", error: describeError(result.reason) });
                }
            });
        }
    } finally {
        for (const [name, count] of [
            ["TargetsWritten", summary.written + summary.labelled],
            ["TargetsUnchanged", summary.unchanged],
            ["TargetsSuperseded", summary.superseded],
            ["TargetsSkipped", summary.skipped],
            ["TargetsFailed", failures.length],
        ] as const)
            metrics.addMetric(name, MetricUnit.Count, count);
        metrics.publishStoredMetrics();
    }
    if (failures.length > 0) {
        throw new Error(`AMI publish failed for ${failures.length} target(s): ${failures.join("; ")}`);
    }
    return summary;
}
