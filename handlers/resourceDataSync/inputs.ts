/** The dynamic resource's inputs and outputs, and their checks. Plain TypeScript: it runs inside the provider. */

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
}

export interface SyncOutputs extends SyncInputs {
    syncType: string;
    lastStatus?: string;
    lastSuccessfulSyncTime?: string;
    syncCreatedTime?: string;
}

/** How Pulumi marks a value that is not known yet (during preview) in a dynamic provider's inputs. */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
    return value === unknownValue;
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
    return failures;
}
