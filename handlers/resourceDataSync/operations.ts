import {
    CreateResourceDataSyncCommand,
    DeleteResourceDataSyncCommand,
    ListResourceDataSyncCommand,
    type ResourceDataSyncItem,
    SSMClient,
} from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { errorName } from "../shared/errors";
import { withThrottlingRetry } from "../shared/retry";
import type { SyncInputs, SyncOutputs } from "./inputs";

/**
 * The organization resource data sync's AWS calls. Clients are made per call from the inputs (never
 * captured), in the target account when `roleArn` is set, and every call retries on throttling.
 */

export async function ssmClientFor(inputs: Pick<SyncInputs, "region" | "roleArn">): Promise<SSMClient> {
    if (!inputs.roleArn) return new SSMClient({ region: inputs.region, maxAttempts: 1 });
    const sts = new STSClient({ region: inputs.region, maxAttempts: 1 });
    const { Credentials: c } = await withThrottlingRetry(() =>
        sts.send(new AssumeRoleCommand({ RoleArn: inputs.roleArn, RoleSessionName: "multi-account-ops-resource-data-sync" })),
    );
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole ${inputs.roleArn} returned no credentials`);
    return new SSMClient({
        region: inputs.region,
        maxAttempts: 1,
        credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
    });
}

/** Every SyncToDestination sync in the account and region, page by page, each page retried on throttling. */
export async function listDestinationSyncs(ssm: SSMClient): Promise<ResourceDataSyncItem[]> {
    const items: ResourceDataSyncItem[] = [];
    let nextToken: string | undefined;
    do {
        const page = await withThrottlingRetry(() =>
            ssm.send(new ListResourceDataSyncCommand({ SyncType: "SyncToDestination", NextToken: nextToken })),
        );
        items.push(...(page.ResourceDataSyncItems ?? []));
        nextToken = page.NextToken;
    } while (nextToken);
    return items;
}

interface Destination {
    bucketName?: string;
    bucketRegion?: string;
    prefix?: string;
    kmsKeyArn?: string;
    organization: boolean;
}

function destinationOf(item: ResourceDataSyncItem): Destination {
    const s3 = item.S3Destination;
    return {
        bucketName: s3?.BucketName,
        bucketRegion: s3?.Region,
        prefix: s3?.Prefix || undefined,
        kmsKeyArn: s3?.AWSKMSKeyARN || undefined,
        organization: s3?.DestinationDataSharing?.DestinationDataSharingType === "Organization",
    };
}

function wanted(inputs: SyncInputs): Destination {
    return {
        bucketName: inputs.bucketName,
        bucketRegion: inputs.bucketRegion,
        prefix: inputs.prefix || undefined,
        kmsKeyArn: inputs.kmsKeyArn || undefined,
        organization: true,
    };
}

export function describeDestination(d: Destination): string {
    const key = d.kmsKeyArn ? `, KMS key ${d.kmsKeyArn}` : "";
    return `s3://${d.bucketName}/${d.prefix ?? ""} in ${d.bucketRegion}${key}${d.organization ? ", organization sharing" : ", no organization sharing"}`;
}

function sameDestination(a: Destination, b: Destination): boolean {
    return (
        a.bucketName === b.bucketName &&
        a.bucketRegion === b.bucketRegion &&
        a.prefix === b.prefix &&
        a.kmsKeyArn === b.kmsKeyArn &&
        a.organization === b.organization
    );
}

function where(inputs: Pick<SyncInputs, "region" | "roleArn">): string {
    const account = /:iam::(\d{12}):/.exec(inputs.roleArn)?.[1];
    return `${account ? `account ${account}` : "this account"}, ${inputs.region}`;
}

export function outputsOf(inputs: SyncInputs, item: ResourceDataSyncItem | undefined): SyncOutputs {
    return {
        ...inputs,
        syncType: item?.SyncType ?? "SyncToDestination",
        lastStatus: item?.LastStatus,
        lastSuccessfulSyncTime: item?.LastSuccessfulSyncTime?.toISOString(),
        syncCreatedTime: item?.SyncCreatedTime?.toISOString(),
    };
}

/** Creates the sync, or adopts an identical one; fails naming any conflicting sync and its destination. */
export async function createSync(inputs: SyncInputs): Promise<SyncOutputs> {
    const ssm = await ssmClientFor(inputs);
    const existing = await listDestinationSyncs(ssm);
    const desired = wanted(inputs);
    const sameName = existing.find((item) => item.SyncName === inputs.syncName);
    if (sameName) {
        const current = destinationOf(sameName);
        if (sameDestination(current, desired)) return outputsOf(inputs, sameName);
        throw new Error(
            `resource data sync "${inputs.syncName}" already exists (${where(inputs)}) and sends to ${describeDestination(current)}, ` +
                `not ${describeDestination(desired)}: delete it, or choose another syncName`,
        );
    }
    const otherOrganizationSync = existing.find((item) => destinationOf(item).organization);
    if (otherOrganizationSync) {
        throw new Error(
            `only one organization-based resource data sync is allowed per account and region, and "${otherOrganizationSync.SyncName}" already exists ` +
                `(${where(inputs)}), sending to ${describeDestination(destinationOf(otherOrganizationSync))}: delete it, or set syncName to "${otherOrganizationSync.SyncName}" and point the destination at it to adopt it`,
        );
    }
    await withThrottlingRetry(() =>
        ssm.send(
            new CreateResourceDataSyncCommand({
                SyncName: inputs.syncName,
                SyncType: "SyncToDestination",
                S3Destination: {
                    BucketName: inputs.bucketName,
                    Prefix: inputs.prefix || undefined,
                    SyncFormat: "JsonSerDe",
                    Region: inputs.bucketRegion,
                    AWSKMSKeyARN: inputs.kmsKeyArn || undefined,
                    DestinationDataSharing: { DestinationDataSharingType: "Organization" },
                },
            }),
        ),
    );
    return outputsOf(inputs, undefined);
}

/** The sync as it is now, or undefined when it was deleted outside Pulumi. */
export async function readSync(inputs: SyncInputs): Promise<SyncOutputs | undefined> {
    const ssm = await ssmClientFor(inputs);
    const item = (await listDestinationSyncs(ssm)).find((candidate) => candidate.SyncName === inputs.syncName);
    if (!item) return undefined;
    const current = destinationOf(item);
    return outputsOf(
        {
            ...inputs,
            bucketName: current.bucketName ?? "",
            bucketRegion: current.bucketRegion ?? "",
            prefix: current.prefix ?? "",
            kmsKeyArn: current.kmsKeyArn,
        },
        item,
    );
}

/** Deletes the sync; one already gone counts as deleted. */
export async function deleteSync(inputs: SyncInputs): Promise<void> {
    const ssm = await ssmClientFor(inputs);
    try {
        await withThrottlingRetry(() =>
            ssm.send(new DeleteResourceDataSyncCommand({ SyncName: inputs.syncName, SyncType: "SyncToDestination" })),
        );
    } catch (error) {
        if (errorName(error) !== "ResourceDataSyncNotFoundException") throw error;
    }
}
