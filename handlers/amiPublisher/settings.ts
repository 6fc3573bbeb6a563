/** The publisher's environment, validated: a bad value names the variable and the value. */
export interface PublisherSettings {
    parameterPrefix: string;
    targetRoleName: string;
    orgReaderRoleArn: string | undefined;
    maxConcurrency: number;
    /** Accounts that have role B by configuration (members, distribution accounts, copy targets). */
    roleBAccountIds: string[];
    /** OUs whose accounts get role B from the service-managed StackSet (never the management account). */
    roleBOrganizationalUnitIds: string[];
    /** Accounts inside those OUs that have no role B (fleet accounts without golden AMIs); configured accounts still count. */
    roleBExcludedAccountIds: string[];
    /** The longest wait for a new parameter version to pass Parameter Store's asynchronous AMI validation. */
    versionWaitSeconds: number;
    /** The fan-out queue, when deployed: images with more than `fanOutThreshold` targets go through it. */
    fanOut?: FanOutSettings;
}

export interface FanOutSettings {
    queueUrl: string;
    /** Where a target goes, with its reason, after its last attempt. */
    deadLetterQueueUrl: string;
    /** More targets than this in one image: enqueue them instead of writing them in the SNS-triggered invocation. */
    threshold: number;
    /** The target queue's redrive maxReceiveCount: the attempt at which a failing target is forwarded to the dead-letter queue. */
    maxReceiveCount: number;
}

/** A comma-separated list; every item must match `pattern`, else a problem naming the variable and the item. */
function list(env: NodeJS.ProcessEnv, variable: string, pattern: RegExp, what: string, problems: string[]): string[] {
    const items = (env[variable] ?? "")
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item !== "");
    for (const item of items) if (!pattern.test(item)) problems.push(`${variable} item ${JSON.stringify(item)} is not ${what}`);
    return items;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): PublisherSettings {
    const problems: string[] = [];
    const parameterPrefix = env.PARAMETER_PREFIX || "/ec2-imagebuilder/latest";
    if (!/^(\/[A-Za-z0-9_.-]+)+$/.test(parameterPrefix))
        problems.push(`PARAMETER_PREFIX ${JSON.stringify(parameterPrefix)} is not a parameter path such as /ec2-imagebuilder/latest`);
    const targetRoleName = env.TARGET_ROLE_NAME || "LambdaExecutionRoleForSSMParam";
    if (!/^[\w+=,.@-]{1,64}$/.test(targetRoleName))
        problems.push(`TARGET_ROLE_NAME ${JSON.stringify(targetRoleName)} is not an IAM role name`);
    const orgReaderRoleArn = env.ORG_READER_ROLE_ARN || undefined;
    if (orgReaderRoleArn !== undefined && !/^arn:[\w-]+:iam::\d{12}:role\/.+$/.test(orgReaderRoleArn)) {
        problems.push(`ORG_READER_ROLE_ARN ${JSON.stringify(orgReaderRoleArn)} is not an IAM role ARN`);
    }
    const rawConcurrency = env.MAX_CONCURRENCY || "10";
    const maxConcurrency = Number(rawConcurrency);
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > 100) {
        problems.push(`MAX_CONCURRENCY ${JSON.stringify(rawConcurrency)} is not a whole number from 1 to 100`);
    }
    const roleBAccountIds = list(env, "ROLE_B_ACCOUNT_IDS", /^\d{12}$/, "a 12-digit account ID", problems);
    const roleBOrganizationalUnitIds = list(
        env,
        "ROLE_B_OU_IDS",
        /^ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$/,
        "an OU ID (ou-xxxx-xxxxxxxx)",
        problems,
    );
    const roleBExcludedAccountIds = list(env, "ROLE_B_EXCLUDED_ACCOUNT_IDS", /^\d{12}$/, "a 12-digit account ID", problems);
    const rawWait = env.VERSION_WAIT_SECONDS || "60";
    const versionWaitSeconds = Number(rawWait);
    if (!Number.isFinite(versionWaitSeconds) || versionWaitSeconds < 1 || versionWaitSeconds > 600) {
        problems.push(`VERSION_WAIT_SECONDS ${JSON.stringify(rawWait)} is not a number of seconds from 1 to 600`);
    }
    const fanOut = readFanOut(env, problems);
    if (problems.length > 0) throw new Error(`invalid publisher environment: ${problems.join("; ")}`);
    return {
        parameterPrefix,
        targetRoleName,
        orgReaderRoleArn,
        maxConcurrency,
        roleBAccountIds,
        roleBOrganizationalUnitIds,
        roleBExcludedAccountIds,
        versionWaitSeconds,
        ...(fanOut ? { fanOut } : {}),
    };
}

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` (or the legacy `<region>.queue.amazonaws.com` host). */
const sqsQueueUrl = /^https:\/\/(sqs\.[a-z0-9-]+|[a-z0-9-]+\.queue)\.amazonaws\.com(\.cn)?\/\d{12}\/[\w-]{1,80}$/;
/** An emulator on the loopback interface (moto in the tests) answers with its own host. */
const loopbackQueueUrl = /^http:\/\/(127\.0\.0\.1|localhost):\d+\/\d{12}\/[\w-]{1,80}$/;

function wholeNumber(env: NodeJS.ProcessEnv, variable: string, fallback: string, min: number, max: number, problems: string[]): number {
    const raw = env[variable] || fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max)
        problems.push(`${variable} ${JSON.stringify(raw)} is not a whole number from ${min} to ${max}`);
    return value;
}

/** QUEUE_URL and TARGETS_DEAD_LETTER_QUEUE_URL come together; without them every image is written in the SNS invocation. */
function readFanOut(env: NodeJS.ProcessEnv, problems: string[]): FanOutSettings | undefined {
    const queueUrl = env.QUEUE_URL || undefined;
    const deadLetterQueueUrl = env.TARGETS_DEAD_LETTER_QUEUE_URL || undefined;
    if (queueUrl === undefined && deadLetterQueueUrl === undefined) return undefined;
    for (const [variable, url] of [
        ["QUEUE_URL", queueUrl],
        ["TARGETS_DEAD_LETTER_QUEUE_URL", deadLetterQueueUrl],
    ] as const) {
        if (url === undefined) problems.push(`${variable} is missing: QUEUE_URL and TARGETS_DEAD_LETTER_QUEUE_URL go together`);
        else if (!sqsQueueUrl.test(url) && !loopbackQueueUrl.test(url))
            problems.push(`${variable} ${JSON.stringify(url)} is not an SQS queue URL`);
    }
    const threshold = wholeNumber(env, "FAN_OUT_THRESHOLD", "1000", 1, 1_000_000, problems);
    const maxReceiveCount = wholeNumber(env, "MAX_RECEIVE_COUNT", "3", 1, 1000, problems);
    return { queueUrl: queueUrl ?? "", deadLetterQueueUrl: deadLetterQueueUrl ?? "", threshold, maxReceiveCount };
}
