import { randomUUID } from "node:crypto";
import {
    CreateResourceDataSyncCommand,
    DeleteParameterCommand,
    DeleteResourceDataSyncCommand,
    GetParameterCommand,
    ListResourceDataSyncCommand,
    PutParameterCommand,
    type ResourceDataSyncItem,
    SSMClient,
} from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { errorName } from "../shared/errors";
import {
    claimParameterName,
    type OnExisting,
    type Ownership,
    parseSyncId,
    syncId,
    type SyncInputs,
    type SyncOutputs,
    type SyncTarget,
} from "./inputs";

/**
 * The organization resource data sync's AWS calls. Clients are made per call from the inputs (never
 * captured). They keep the SDK's standard retry mode: throttling, 5xx and transient network errors are
 * retried with exponential backoff and jitter, throttling with a longer base delay ("Retry behavior",
 * AWS SDKs and Tools Reference Guide: https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
 * Organization syncs are created rarely and in bursts (one per account and region), so allow more
 * attempts than the default 3.
 */
export const sdkMaxAttempts = 8;

interface Session {
    ssm: SSMClient;
    /** Account and ARN the credentials belong to, from GetCallerIdentity. */
    account: string;
    arn: string;
}

/** Clients in the target account (assuming roleArn when set), after checking the credentials are `accountId`'s. */
async function sessionFor(target: { region: string; roleArn?: string; accountId: string }, action: string): Promise<Session> {
    let credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
    if (target.roleArn) {
        const base = new STSClient({ region: target.region, maxAttempts: sdkMaxAttempts });
        const { Credentials: c } = await base.send(
            new AssumeRoleCommand({ RoleArn: target.roleArn, RoleSessionName: "multi-account-ops-resource-data-sync" }),
        );
        if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole ${target.roleArn} returned no credentials`);
        credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    }
    const sts = new STSClient({ region: target.region, maxAttempts: sdkMaxAttempts, credentials });
    // Like the aws provider's allowedAccountIds: never act on an account other than the one in the inputs.
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    if (identity.Account !== target.accountId) {
        throw new Error(
            `refusing to ${action}: the credentials belong to account ${identity.Account ?? "(unknown)"} (${identity.Arn ?? "no ARN"}), ` +
                `not account ${target.accountId}${target.roleArn ? ` (after assuming ${target.roleArn})` : " (ambient credentials)"}`,
        );
    }
    return {
        ssm: new SSMClient({ region: target.region, maxAttempts: sdkMaxAttempts, credentials }),
        account: identity.Account,
        arn: identity.Arn ?? "",
    };
}

/** Every SyncToDestination sync in the account and region, page by page. */
export async function listDestinationSyncs(ssm: SSMClient): Promise<ResourceDataSyncItem[]> {
    const items: ResourceDataSyncItem[] = [];
    let nextToken: string | undefined;
    do {
        const page = await ssm.send(new ListResourceDataSyncCommand({ SyncType: "SyncToDestination", NextToken: nextToken }));
        items.push(...(page.ResourceDataSyncItems ?? []));
        nextToken = page.NextToken;
    } while (nextToken);
    return items;
}

async function findSync(ssm: SSMClient, syncName: string): Promise<ResourceDataSyncItem | undefined> {
    return (await listDestinationSyncs(ssm)).find((item) => item.SyncName === syncName);
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

function where(target: { accountId: string; region: string }): string {
    return `account ${target.accountId}, ${target.region}`;
}

/** The exact commands that hand an existing sync to this stack, or let it use the sync without owning it. */
export function importAdvice(target: SyncTarget): string {
    const id = syncId(target.accountId, target.region, target.syncName);
    return (
        `To manage it from this stack (it is then deleted with this resource), import it: ` +
        `pulumi config set --path 'inventory.importSyncs[0]' ${id} (the next free index if inventory.importSyncs already lists syncs), then pulumi up. ` +
        `To use it without this stack ever deleting it: pulumi config set --path inventory.adoptExistingSyncs true. ` +
        `(The pulumi import command cannot load a dynamic provider: https://github.com/pulumi/pulumi/issues/16175.)`
    );
}

function outputsOf(
    inputs: SyncInputs,
    item: ResourceDataSyncItem | undefined,
    ownership: { ownership?: Ownership; claim?: string },
): SyncOutputs {
    return {
        ...inputs,
        ...ownership,
        syncType: item?.SyncType ?? "SyncToDestination",
        lastStatus: item?.LastStatus,
        lastSyncStatusMessage: item?.LastSyncStatusMessage,
        lastSuccessfulSyncTime: item?.LastSuccessfulSyncTime?.toISOString(),
        syncCreatedTime: item?.SyncCreatedTime?.toISOString(),
    };
}

async function readClaim(ssm: SSMClient, syncName: string): Promise<string | undefined> {
    try {
        const { Parameter } = await ssm.send(new GetParameterCommand({ Name: claimParameterName(syncName) }));
        return Parameter?.Value;
    } catch (error) {
        if (errorName(error) === "ParameterNotFound") return undefined;
        throw error;
    }
}

async function writeClaim(ssm: SSMClient, syncName: string): Promise<string> {
    const claim = randomUUID();
    await ssm.send(
        new PutParameterCommand({
            Name: claimParameterName(syncName),
            Value: claim,
            Type: "String",
            Overwrite: true,
            Description: `multi-account-ops: the Pulumi resource holding this claim may delete resource data sync ${syncName}`,
        }),
    );
    return claim;
}

async function removeClaim(ssm: SSMClient, syncName: string): Promise<void> {
    try {
        await ssm.send(new DeleteParameterCommand({ Name: claimParameterName(syncName) }));
    } catch (error) {
        if (errorName(error) !== "ParameterNotFound") throw error;
    }
}

/** An existing sync with this name: imported, adopted or refused, per `onExisting`; never silently. */
async function takeExisting(session: Session, inputs: SyncInputs, item: ResourceDataSyncItem): Promise<SyncOutputs> {
    const current = destinationOf(item);
    const desired = wanted(inputs);
    const target = { accountId: inputs.accountId, region: inputs.region, syncName: inputs.syncName };
    if (!sameDestination(current, desired)) {
        throw new Error(
            `resource data sync "${inputs.syncName}" already exists (${where(inputs)}) and sends to ${describeDestination(current)}, ` +
                `not ${describeDestination(desired)}: delete it or point it at this destination, or choose another syncName`,
        );
    }
    const mode: OnExisting = inputs.onExisting;
    if (mode === "adopt") return outputsOf(inputs, item, { ownership: "adopted" });
    if (mode === "import") return outputsOf(inputs, item, { ownership: "imported", claim: await writeClaim(session.ssm, inputs.syncName) });
    throw new Error(
        `resource data sync "${inputs.syncName}" already exists (${where(inputs)}, sending to ${describeDestination(current)}) ` +
            `and this resource did not create it; it is not taken over silently. ${importAdvice(target)}`,
    );
}

/**
 * Creates the sync, or takes an existing one as `onExisting` says. CreateResourceDataSync returns at
 * once and syncs asynchronously (API reference: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateResourceDataSync.html),
 * so the status recorded here is whatever ListResourceDataSync reports right after; refresh shows later ones.
 */
export async function createSync(inputs: SyncInputs): Promise<{ id: string; outs: SyncOutputs }> {
    const id = syncId(inputs.accountId, inputs.region, inputs.syncName);
    const session = await sessionFor(inputs, `create resource data sync ${id}`);
    const existing = await listDestinationSyncs(session.ssm);
    const sameName = existing.find((item) => item.SyncName === inputs.syncName);
    if (sameName) return { id, outs: await takeExisting(session, inputs, sameName) };
    if (inputs.onExisting === "import") {
        throw new Error(
            `cannot import resource data sync ${id}: there is no sync "${inputs.syncName}" in ${where(inputs)}; remove it from inventory.importSyncs`,
        );
    }
    const otherOrganizationSync = existing.find((item) => destinationOf(item).organization);
    if (otherOrganizationSync) {
        throw new Error(
            `only one organization-based resource data sync is allowed per account and region, and "${otherOrganizationSync.SyncName}" already exists ` +
                `(${where(inputs)}), sending to ${describeDestination(destinationOf(otherOrganizationSync))}: delete it, or set inventory.syncName to ` +
                `"${otherOrganizationSync.SyncName}" and point the destination at it, then import or adopt it`,
        );
    }
    const others = existing.map((item) => item.SyncName ?? "").filter((name) => name !== "");
    try {
        await session.ssm.send(
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
        );
    } catch (error) {
        // Each account may hold only a few syncs per Region (CreateResourceDataSync, Errors:
        // ResourceDataSyncCountExceededException, https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateResourceDataSync.html):
        // name the ones that use up the quota instead of the bare "exceeded the allowed maximum".
        if (errorName(error) === "ResourceDataSyncCountExceededException") {
            throw new Error(
                `cannot create resource data sync ${id}: ${where(inputs)} already has the most resource data syncs it may hold ` +
                    `(${others.length} SyncToDestination: ${others.join(", ") || "none listed"}; SyncFromSource syncs count too): ` +
                    `delete one it no longer needs, then retry`,
                { cause: error },
            );
        }
        // Created by someone else since the list: treat it like any existing sync (never as ours).
        if (errorName(error) !== "ResourceDataSyncAlreadyExistsException") throw error;
        const raced = await findSync(session.ssm, inputs.syncName);
        if (!raced) throw error;
        return { id, outs: await takeExisting(session, inputs, raced) };
    }
    // Claimed only after the create succeeded, so a failed or raced create never overwrites another's claim.
    const claim = await claimOrRollBack(session.ssm, inputs, id);
    const created = await findSync(session.ssm, inputs.syncName);
    return { id, outs: outputsOf(inputs, created, { ownership: "created", claim }) };
}

/**
 * Claims a sync this call just created. A failed create leaves nothing in Pulumi's state, so a sync
 * created without its claim would be orphaned: the next run would find it and refuse it as someone
 * else's. So when the claim cannot be written (no ssm:PutParameter on the claim parameter, an SCP, a
 * throttle past the retries), the sync is deleted again before the error is reported.
 */
async function claimOrRollBack(ssm: SSMClient, inputs: SyncInputs, id: string): Promise<string> {
    try {
        return await writeClaim(ssm, inputs.syncName);
    } catch (claimError) {
        const reason = `could not write its claim parameter ${claimParameterName(inputs.syncName)} (${errorName(claimError)}: ${(claimError as Error).message})`;
        try {
            await ssm.send(new DeleteResourceDataSyncCommand({ SyncName: inputs.syncName, SyncType: "SyncToDestination" }));
        } catch (deleteError) {
            throw new Error(
                `created resource data sync ${id} but ${reason}, and deleting it again failed too (${errorName(deleteError)}): ` +
                    `it is not in this stack's state. Allow ssm:PutParameter, ssm:GetParameter and ssm:DeleteParameter on that parameter, then ` +
                    `import it: pulumi config set --path 'inventory.importSyncs[0]' ${id} (the next free index if the list has entries), then pulumi up`,
                { cause: claimError },
            );
        }
        throw new Error(
            `created resource data sync ${id} but ${reason}, so it was deleted again: ` +
                `allow ssm:PutParameter, ssm:GetParameter and ssm:DeleteParameter on that parameter, then retry`,
            { cause: claimError },
        );
    }
}

/** The account, region and name of a resource, from its ID (`<account>/<region>/<name>`) or, for older state, its properties. */
function targetOf(id: string, props: Partial<SyncOutputs>): SyncTarget {
    const parsed = parseSyncId(id);
    if (parsed) return parsed;
    // State from before the ID carried the account: the role's account is the expected one.
    const accountId = props.accountId || /^arn:[\w-]+:iam::(\d{12}):role\//.exec(props.roleArn ?? "")?.[1];
    if (!accountId || !props.region) {
        throw new Error(
            `resource data sync "${id}": the state records no account to check the credentials against; ` +
                `run pulumi up once (it records the account and who owns the sync), then retry`,
        );
    }
    return { accountId, region: props.region, syncName: props.syncName || id };
}

/**
 * The sync as it is now, or undefined when it was deleted outside Pulumi. The ID alone is enough: with
 * no other properties (an import by ID) it reads with the ambient credentials, after checking they are
 * the ID's account.
 */
export async function readSync(id: string, props: Partial<SyncOutputs>): Promise<SyncOutputs | undefined> {
    const target = targetOf(id, props);
    const session = await sessionFor(
        { ...target, roleArn: props.roleArn },
        `read resource data sync ${syncId(target.accountId, target.region, target.syncName)}`,
    );
    const item = await findSync(session.ssm, target.syncName);
    if (!item) return undefined;
    const current = destinationOf(item);
    const inputs: SyncInputs = {
        syncName: target.syncName,
        region: target.region,
        accountId: target.accountId,
        roleArn: props.roleArn ?? "",
        onExisting: props.onExisting ?? "fail",
        bucketName: current.bucketName ?? "",
        bucketRegion: current.bucketRegion ?? "",
        prefix: current.prefix ?? "",
        kmsKeyArn: current.kmsKeyArn,
    };
    return outputsOf(inputs, item, { ownership: props.ownership, claim: props.claim });
}

/** What `deleteSync` did, for tests and messages. */
export type DeleteOutcome = "deleted" | "already-gone" | "left-adopted" | "left-claimed-elsewhere";

/**
 * Deletes the sync only when this resource owns it: it created or imported it, and the claim parameter
 * still holds this resource's claim. Adopted syncs, and syncs another resource (a renamed one, another
 * stack) has since imported, are left alone. State from before ownership was recorded deletes only
 * while no one has claimed the sync.
 */
export async function deleteSync(id: string, props: Partial<SyncOutputs>): Promise<DeleteOutcome> {
    if (props.ownership === "adopted") return "left-adopted";
    const target = targetOf(id, props);
    const session = await sessionFor(
        { ...target, roleArn: props.roleArn },
        `delete resource data sync ${syncId(target.accountId, target.region, target.syncName)}`,
    );
    const claim = await readClaim(session.ssm, target.syncName);
    const ours = props.ownership === undefined ? claim === undefined : claim !== undefined && claim === props.claim;
    if (!ours) return "left-claimed-elsewhere";
    let outcome: DeleteOutcome = "deleted";
    try {
        await session.ssm.send(new DeleteResourceDataSyncCommand({ SyncName: target.syncName, SyncType: "SyncToDestination" }));
    } catch (error) {
        if (errorName(error) !== "ResourceDataSyncNotFoundException") throw error;
        outcome = "already-gone";
    }
    if (claim !== undefined) await removeClaim(session.ssm, target.syncName);
    return outcome;
}

/**
 * A change that keeps the sync: a new route into the account (roleArn), or state from before ownership
 * was recorded, which claims the sync now unless someone else already has.
 */
export async function updateSync(id: string, olds: Partial<SyncOutputs>, news: SyncInputs): Promise<SyncOutputs> {
    const base = { ...olds, ...news } as SyncOutputs;
    if (olds.ownership !== undefined) return { ...base, ownership: olds.ownership, claim: olds.claim };
    const target = targetOf(id, { ...olds, accountId: olds.accountId ?? news.accountId });
    const session = await sessionFor(
        { ...target, roleArn: news.roleArn },
        `record ownership of resource data sync ${syncId(target.accountId, target.region, target.syncName)}`,
    );
    const existingClaim = await readClaim(session.ssm, target.syncName);
    if (existingClaim !== undefined) return { ...base, ownership: "adopted", claim: undefined };
    return { ...base, ownership: "created", claim: await writeClaim(session.ssm, target.syncName) };
}
