/**
 * Lambda: on an Image Builder notification of an AVAILABLE image, writes each AMI ID to
 * `<PARAMETER_PREFIX>/<recipe>` in every account and region that received it, assuming
 * `<TARGET_ROLE_NAME>` in each account. Every target is tried; then one error lists the failures,
 * so Lambda's retries and the dead-letter queue keep the event.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import type { SNSEvent } from "aws-lambda";
import { describeError } from "./shared/errors";
import { settleAll } from "./shared/pool";
import { parseImageMessage, type ImageMessage } from "./amiPublisher/message";
import { OrganizationTree } from "./amiPublisher/organizations";
import { readSettings } from "./amiPublisher/settings";
import { receivingTargets, type Target } from "./amiPublisher/targets";
import { assumeRole, InvocationClients, writeTarget } from "./amiPublisher/writer";
import { STSClient } from "@aws-sdk/client-sts";

const logger = new Logger({ serviceName: "ami-publisher" });

export interface PublishSummary {
    written: number;
    unchanged: number;
    skippedImages: number;
}

async function targetsOf(message: ImageMessage, orgReaderRoleArn: string | undefined): Promise<Target[]> {
    const needsOrganizations = message.distributions.some(
        (d) =>
            (d.amiDistributionConfiguration?.launchPermission?.organizationArns ?? []).length +
                (d.amiDistributionConfiguration?.launchPermission?.organizationalUnitArns ?? []).length >
            0,
    );
    const credentials =
        needsOrganizations && orgReaderRoleArn
            ? await assumeRole(new STSClient({ maxAttempts: 8 }), orgReaderRoleArn, "ami-publisher-org-reader")
            : undefined;
    return receivingTargets(message, new OrganizationTree(message.partition, credentials));
}

export async function handler(event: SNSEvent): Promise<PublishSummary> {
    const settings = readSettings();
    const summary: PublishSummary = { written: 0, unchanged: 0, skippedImages: 0 };
    const failures: string[] = [];
    const records = Array.isArray(event?.Records) ? event.Records : [];
    if (records.length === 0) throw new Error("event has no SNS Records");

    for (const [index, record] of records.entries()) {
        const message = parseImageMessage(String(record?.Sns?.Message ?? ""), `SNS record ${index}`);
        if (!("amis" in message)) {
            logger.info("image is not AVAILABLE; nothing written", { status: message.status, image: message.name });
            summary.skippedImages++;
            continue;
        }
        let targets: Target[];
        try {
            targets = await targetsOf(message, settings.orgReaderRoleArn);
        } catch (error) {
            failures.push(`resolving the receiving accounts of ${message.imageArn}: ${describeError(error)}`);
            logger.error("cannot resolve receiving accounts", { image: message.imageArn, error: describeError(error) });
            continue;
        }
        const clients = new InvocationClients(message.ownerAccountId, message.partition, settings.targetRoleName);
        const results = await settleAll(targets, settings.maxConcurrency, (target) =>
            writeTarget(target, message, settings.parameterPrefix, clients),
        );
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
                summary[result.value.outcome]++;
                logger.info(`target ${result.value.outcome}`, { ...fields, outcome: result.value.outcome, version: result.value.version });
            } else {
                failures.push(`${target.accountId}/${target.region}: ${describeError(result.reason)}`);
                logger.error("target failed", { ...fields, outcome: "failed", error: describeError(result.reason) });
            }
        });
    }
    if (failures.length > 0) {
        throw new Error(`AMI publish failed for ${failures.length} target(s): ${failures.join("; ")}`);
    }
    return summary;
}
