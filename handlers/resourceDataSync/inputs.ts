/** The dynamic resource's inputs and outputs, and their checks. Plain TypeScript: it runs inside the provider. */

/**
 * What `create` does when a sync with this name already exists: `fail` (the default) explains how to
 * import it; `import` takes it over (this resource then deletes it on destroy, like `pulumi import`);
 * `adopt` uses it and never deletes it.
 */
export type OnExisting = "fail" | "adopt" | "import";

/**
 * How this resource came to hold the sync. `created` and `imported` syncs are deleted with the resource
 * while the account's claim parameter still holds this resource's claim; `adopted` ones never are.
 * Undefined in state written before ownership was recorded.
 */
export type Ownership = "created" | "imported" | "adopted";

export interface SyncInputs {
    syncName: string;
    bucketName: string;
    bucketRegion: string;
    prefix: string;
    kmsKeyArn?: string;
    /** Region the sync lives in (the inventory it collects). */
    region: string;
    /** Role to assume in the target account; empty: the ambient credentials. */
    roleArn: string;
    /** The account the sync belongs to: every call first checks the credentials are this account's. */
    accountId: string;
    onExisting: OnExisting;
}

export interface SyncOutputs extends SyncInputs {
    ownership?: Ownership;
    /** Random token this resource wrote to the claim parameter when it created or imported the sync. */
    claim?: string;
    syncType: string;
    lastStatus?: string;
    lastSyncStatusMessage?: string;
    lastSuccessfulSyncTime?: string;
    syncCreatedTime?: string;
}

/** How Pulumi marks a value that is not known yet (during preview) in a dynamic provider's inputs. */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
    return value === unknownValue;
}

/** The resource's ID: enough on its own to find the sync (`read` needs nothing else). */
export function syncId(accountId: string, region: string, syncName: string): string {
    return `${accountId}/${region}/${syncName}`;
}

export interface SyncTarget {
    accountId: string;
    region: string;
    syncName: string;
}

const idPattern = /^(\d{12})\/([a-z]{2}(?:-[a-z]+)+-\d)\/([A-Za-z0-9_.-]{1,64})$/;

/** Parses `<account>/<region>/<name>`; undefined for anything else (IDs written before were the bare name). */
export function parseSyncId(id: string): SyncTarget | undefined {
    const match = idPattern.exec(id);
    return match ? { accountId: match[1], region: match[2], syncName: match[3] } : undefined;
}

/**
 * The Parameter Store parameter, in the sync's account and region, naming the one Pulumi resource that
 * may delete the sync. Resource data syncs take no tags, so the claim lives beside them.
 */
export function claimParameterName(syncName: string): string {
    return `/multi-account-ops/resource-data-syncs/${syncName}/claim`;
}

export interface CheckFailure {
    property: string;
    reason: string;
}

const regionPattern = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** Validates what is known; unknown values pass, to be checked once they are known. */
export function checkSyncInputs(inputs: Record<string, unknown>): CheckFailure[] {
    const failures: CheckFailure[] = [];
    const check = (property: keyof SyncInputs, required: boolean, test: (value: string) => boolean, reason: string): void => {
        const value = inputs[property];
        if (isUnknown(value)) return;
        if (value === undefined || value === "") {
            if (required) failures.push({ property, reason: `${property} is required` });
            return;
        }
        if (typeof value !== "string" || !test(value))
            failures.push({ property, reason: `${property} ${JSON.stringify(value)} ${reason}` });
    };
    check("syncName", true, (v) => /^[A-Za-z0-9_.-]{1,64}$/.test(v), "must be 1 to 64 of A-Z a-z 0-9 _ . -");
    check(
        "bucketName",
        true,
        (v) => /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v) && !/\.\.|^\d+\.\d+\.\d+\.\d+$/.test(v),
        "is not a valid S3 bucket name (3 to 63 of a-z 0-9 . -, starting and ending with a letter or digit)",
    );
    check("bucketRegion", true, (v) => regionPattern.test(v), "is not an AWS region");
    check("region", true, (v) => regionPattern.test(v), "is not an AWS region");
    check(
        "prefix",
        false,
        (v) => /^[A-Za-z0-9!_.*'()/-]{1,256}$/.test(v) && !v.startsWith("/") && !v.endsWith("/"),
        "is not an S3 key prefix (no leading or trailing /)",
    );
    check("kmsKeyArn", false, (v) => /^arn:[\w-]+:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/.test(v), "is not a KMS key ARN");
    check("roleArn", false, (v) => /^arn:[\w-]+:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(v), "is not an IAM role ARN");
    check("accountId", true, (v) => /^\d{12}$/.test(v), "is not a 12-digit AWS account ID");
    check("onExisting", true, (v) => ["fail", "adopt", "import"].includes(v), 'must be "fail", "adopt" or "import"');
    const roleAccount = typeof inputs.roleArn === "string" ? /^arn:[\w-]+:iam::(\d{12}):/.exec(inputs.roleArn)?.[1] : undefined;
    if (roleAccount && typeof inputs.accountId === "string" && !isUnknown(inputs.accountId) && roleAccount !== inputs.accountId)
        failures.push({
            property: "roleArn",
            reason: `roleArn ${String(inputs.roleArn)} is in account ${roleAccount}, not accountId ${inputs.accountId}`,
        });
    return failures;
}
