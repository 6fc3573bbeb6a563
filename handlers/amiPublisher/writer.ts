import {
    GetParameterCommand,
    LabelParameterVersionCommand,
    paginateGetParameterHistory,
    ParameterAlreadyExists,
    ParameterMaxVersionLimitExceeded,
    ParameterNotFound,
    ParameterVersionNotFound,
    PutParameterCommand,
    SSMClient,
    type SSMClientConfig,
    UnlabelParameterVersionCommand,
} from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { describeError, errorName } from "../shared/errors";
import { comparePublisherLabels, isPublisherLabel, parameterLabel, type ImageIdentity } from "./message";
import type { Target } from "./targets";

/** Retries with the SDK's own exponential backoff and jitter; throttling is retried by default. */
const retry = { maxAttempts: 8, retryMode: "standard" } as const;

/**
 * written: a new version was created, became visible and was labelled. labelled: the parameter
 * already held the AMI ID (an earlier invocation's put) and only its label was missing. unchanged:
 * value and label were both in place. superseded: the latest version already carries the label of a
 * newer image (this is a late retry or a dead-letter replay of an older image), so nothing is written.
 */
export type Outcome = "written" | "labelled" | "unchanged" | "superseded";

export interface TargetResult {
    outcome: Outcome;
    version: number;
    /** The publisher's own labels removed from the oldest version to get under the 100-version limit. */
    unlabelled?: { version: number; labels: string[] };
    /** For superseded: the newer image's label on the latest version. */
    supersededBy?: string;
}

/** A target's failure, already phrased for the summary; its name stays "Error" so reports show only the message. */
export class TargetError extends Error {}

/** Role B could not be assumed in the account: it is missing there or does not trust the publisher. */
export class RoleUnavailableError extends TargetError {}

/** How long to wait for Parameter Store's asynchronous aws:ec2:image validation to make a version visible. */
export interface VersionWait {
    firstDelayMs: number;
    maxDelayMs: number;
    timeoutMs: number;
    /** Epoch milliseconds by which every wait ends whatever timeoutMs says: the invocation's own time limit. */
    deadline?: number;
}

export const defaultVersionWait: VersionWait = { firstDelayMs: 250, maxDelayMs: 5000, timeoutMs: 60_000 };

/**
 * SSM client settings that do not depend on the account or region, read once per invocation. Left
 * unset, every new client reads each of them from the environment and the shared config files on
 * its first request (one thrown and caught ProviderError per missing setting): with one client per
 * account and region that was a measurable share of the CPU per target (bench/amiPublisher.ts).
 */
type SharedSsmSettings = Pick<
    SSMClientConfig,
    "useFipsEndpoint" | "useDualstackEndpoint" | "userAgentAppId" | "authSchemePreference" | "endpoint" | "ignoreConfiguredEndpointUrls"
>;

async function readSharedSsmSettings(template: SSMClient): Promise<SharedSsmSettings> {
    const config = template.config;
    // The endpoint configured by AWS_ENDPOINT_URL(_SSM) or a profile's endpoint_url, as the SDK resolves it for a client.
    const configured = (config as { serviceConfiguredEndpoint?: () => Promise<string | undefined> }).serviceConfiguredEndpoint;
    const [useFipsEndpoint, useDualstackEndpoint, userAgentAppId, authSchemePreference, endpoint] = await Promise.all([
        config.useFipsEndpoint(),
        config.useDualstackEndpoint(),
        config.userAgentAppId(),
        config.authSchemePreference(),
        configured ? configured() : Promise.resolve(undefined),
    ]);
    return {
        useFipsEndpoint,
        useDualstackEndpoint,
        userAgentAppId,
        authSchemePreference,
        // Known to be unset: later clients need not look for it again.
        ...(endpoint ? { endpoint } : configured ? { ignoreConfiguredEndpointUrls: true } : {}),
    };
}

/**
 * The SDK clients of one invocation: one HTTP handler (so connections are reused across accounts),
 * one STS client, role B assumed once per account, one SSM client per account and region, built with
 * the settings read once (SharedSsmSettings) and caching its middleware stack per command. The
 * image's own account uses the Lambda's credentials.
 */
export class InvocationClients {
    private readonly http = new NodeHttpHandler();
    private readonly sts = new STSClient({ ...retry, requestHandler: this.http });
    private readonly credentials = new Map<string, Promise<AwsCredentialIdentity | undefined>>();
    private readonly ssmClients = new Map<string, Promise<SSMClient>>();
    private shared?: Promise<SharedSsmSettings>;

    constructor(
        private readonly ownerAccountId: string,
        private readonly partition: string,
        private readonly roleName: string,
    ) {}

    private credentialsFor(accountId: string): Promise<AwsCredentialIdentity | undefined> {
        if (accountId === this.ownerAccountId) return Promise.resolve(undefined);
        let pending = this.credentials.get(accountId);
        if (!pending) {
            pending = assumeRole(this.sts, `arn:${this.partition}:iam::${accountId}:role/${this.roleName}`, "ami-publisher");
            this.credentials.set(accountId, pending);
        }
        return pending;
    }

    ssm(accountId: string, region: string): Promise<SSMClient> {
        const key = `${accountId}/${region}`;
        let pending = this.ssmClients.get(key);
        if (!pending) {
            const base = { region, requestHandler: this.http, cacheMiddleware: true, ...retry };
            this.shared ??= readSharedSsmSettings(new SSMClient(base));
            const shared = this.shared;
            pending = Promise.all([this.credentialsFor(accountId), shared]).then(
                ([credentials, settings]) => new SSMClient({ ...base, ...settings, credentials }),
            );
            this.ssmClients.set(key, pending);
        }
        return pending;
    }

    destroy(): void {
        this.http.destroy();
    }
}

export async function assumeRole(sts: STSClient, roleArn: string, sessionName: string): Promise<AwsCredentialIdentity> {
    try {
        const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }));
        if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error("AssumeRole returned no credentials");
        return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
    } catch (error) {
        if (errorName(error) === "AccessDenied") {
            throw new RoleUnavailableError(
                `cannot assume ${roleArn}: the role is missing or does not trust the publisher (${describeError(error)})`,
            );
        }
        throw new TargetError(`cannot assume ${roleArn}: ${describeError(error)}`);
    }
}

const tags = (message: ImageIdentity): { Key: string; Value: string }[] => [
    { Key: "managed-by", Value: "multi-account-ops" },
    { Key: "image-recipe", Value: message.recipeName },
];

/** Publishes with these attempts at most when each put meets the version limit (each heal frees one version). */
const versionLimitAttempts = 3;

/**
 * Writes the AMI ID to `<prefix>/<recipe>` in one account and region and labels that version with
 * the image version. A target is done only when the parameter holds the AMI ID and that version
 * carries the label, so an SNS redelivery after a half-done write (put, then the label failed)
 * labels the version already written, and adds no version.
 */
export async function writeTarget(
    target: Target,
    message: ImageIdentity,
    prefix: string,
    clients: InvocationClients,
    wait: VersionWait = defaultVersionWait,
): Promise<TargetResult> {
    const name = `${prefix}/${message.recipeName}`;
    const label = parameterLabel(message.imageVersion);
    const ssm = await clients.ssm(target.accountId, target.region);
    try {
        const current = await readParameter(ssm, name);
        if (current !== undefined) {
            const labels = (await versionHistory(ssm, name)).find((entry) => entry.version === current.version)?.labels ?? [];
            if (current.value === target.amiId) {
                if (labels.includes(label)) return { outcome: "unchanged", version: current.version };
                await labelVersion(ssm, name, current.version, label);
                return { outcome: "labelled", version: current.version };
            }
            // Lambda retries a failed event for up to 6 hours and the dead-letter queue is replayed by hand, so an
            // older image can arrive after a newer one was published: overwriting would roll "latest" back.
            const newer = labels.find((other) => isPublisherLabel(other) && comparePublisherLabels(other, label) > 0);
            if (newer !== undefined) return { outcome: "superseded", version: current.version, supersededBy: newer };
        }
        const { version, unlabelled } = await putParameter(ssm, name, target, message, current !== undefined);
        await waitUntilVisible(ssm, name, version, target, wait);
        await labelVersion(ssm, name, version, label);
        return { outcome: "written", version, unlabelled };
    } catch (error) {
        if (error instanceof TargetError) throw error;
        throw new TargetError(`cannot write ${name}: ${describeError(error)}`);
    }
}

/** The value and version at a selector (`name`, `name:version` or `name:label`), or undefined if there is none. */
async function readParameter(ssm: SSMClient, selector: string): Promise<{ value?: string; version: number } | undefined> {
    try {
        const { Parameter: parameter } = await ssm.send(new GetParameterCommand({ Name: selector }));
        return parameter?.Version === undefined ? undefined : { value: parameter.Value, version: parameter.Version };
    } catch (error) {
        if (error instanceof ParameterNotFound || error instanceof ParameterVersionNotFound) return undefined;
        throw new TargetError(`cannot read ${selector}: ${describeError(error)}`);
    }
}

/**
 * PutParameter. A new parameter is created with its tags (Tags can only be given at creation, not
 * with Overwrite: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html);
 * an existing one gets a new version with Overwrite. Parameter Store keeps 100 versions and refuses
 * a new one while the oldest carries a label (ParameterMaxVersionLimitExceeded,
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-versions.html):
 * then the publisher's own label is removed from the oldest version and the put is retried.
 */
async function putParameter(
    ssm: SSMClient,
    name: string,
    target: Target,
    message: ImageIdentity,
    exists: boolean,
): Promise<{ version: number; unlabelled?: TargetResult["unlabelled"] }> {
    const input = {
        Name: name,
        Value: target.amiId,
        Type: "String" as const,
        DataType: "aws:ec2:image",
        Description: `Latest AMI of recipe ${message.recipeName}: image ${message.imageArn}, version ${message.imageVersion}`.slice(
            0,
            1024,
        ),
    };
    const versionOf = (version: number | undefined): number => {
        if (version === undefined) throw new TargetError(`PutParameter on ${name} returned no version`);
        return version;
    };
    if (!exists) {
        try {
            return { version: versionOf((await ssm.send(new PutParameterCommand({ ...input, Tags: tags(message) }))).Version) };
        } catch (error) {
            // Created meanwhile (e.g. by Image Builder's own ssmParameterConfigurations): add a version instead.
            if (!(error instanceof ParameterAlreadyExists)) throw error;
        }
    }
    let unlabelled: TargetResult["unlabelled"];
    for (let attempt = 1; ; attempt++) {
        try {
            return { version: versionOf((await ssm.send(new PutParameterCommand({ ...input, Overwrite: true }))).Version), unlabelled };
        } catch (error) {
            if (!(error instanceof ParameterMaxVersionLimitExceeded) || attempt >= versionLimitAttempts) throw error;
            unlabelled = await unlabelOldestVersion(ssm, name);
        }
    }
}

/**
 * Removes the publisher's labels from the parameter's oldest version, so Parameter Store may delete
 * it. Only GetParameterHistory returns a version's labels (ParameterHistory.Labels), and
 * UnlabelParameterVersion needs their names (Labels is required:
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UnlabelParameterVersion.html). A label the publisher did not set (someone pinned that
 * version) is left alone and reported.
 */
async function unlabelOldestVersion(ssm: SSMClient, name: string): Promise<{ version: number; labels: string[] }> {
    const oldest = (await versionHistory(ssm, name)).reduce<{ version: number; labels: string[] } | undefined>(
        (found, entry) => (found === undefined || entry.version < found.version ? entry : found),
        undefined,
    );
    if (!oldest) throw new TargetError(`${name} reported the 100-version limit but has no history`);
    const foreign = oldest.labels.filter((label) => !isPublisherLabel(label));
    if (foreign.length > 0) {
        throw new TargetError(
            `cannot write ${name}: ParameterMaxVersionLimitExceeded: its oldest version ${oldest.version} carries label(s) ` +
                `${foreign.join(", ")} that the publisher did not set; move or remove them (aws ssm unlabel-parameter-version)`,
        );
    }
    const ours = oldest.labels.filter(isPublisherLabel);
    // Unlabelled meanwhile (or another writer's version): the retry may go through as it is.
    if (ours.length === 0) return { version: oldest.version, labels: [] };
    const { RemovedLabels: removed = [] } = await ssm.send(
        new UnlabelParameterVersionCommand({ Name: name, ParameterVersion: oldest.version, Labels: ours }),
    );
    return { version: oldest.version, labels: removed };
}

/**
 * Every kept version with its labels. Only GetParameterHistory returns labels (ParameterHistory.Labels,
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ParameterHistory.html); at most
 * 100 versions, 50 a page.
 */
async function versionHistory(ssm: SSMClient, name: string): Promise<{ version: number; labels: string[] }[]> {
    const versions: { version: number; labels: string[] }[] = [];
    for await (const page of paginateGetParameterHistory({ client: ssm, pageSize: 50 }, { Name: name })) {
        for (const entry of page.Parameters ?? [])
            if (entry.Version !== undefined) versions.push({ version: entry.Version, labels: entry.Labels ?? [] });
    }
    return versions;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * For DataType aws:ec2:image, PutParameter returns before Parameter Store has validated the AMI; the
 * version exists only once validation succeeds, and never if it fails
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-ec2-aliases.html,
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html, DataType).
 * Polls `name:version` with exponential backoff until it holds the AMI ID, for at most `wait.timeoutMs`.
 */
async function waitUntilVisible(ssm: SSMClient, name: string, version: number, target: Target, wait: VersionWait): Promise<void> {
    const started = Date.now();
    const until = Math.min(started + wait.timeoutMs, wait.deadline ?? Infinity);
    for (let delay = wait.firstDelayMs; ; delay = Math.min(delay * 2, wait.maxDelayMs)) {
        const seen = await readParameter(ssm, `${name}:${version}`);
        if (seen?.value === target.amiId) return;
        if (seen !== undefined)
            throw new TargetError(`version ${version} of ${name} holds ${String(seen.value)}, not ${target.amiId}; nothing labelled`);
        if (Date.now() + delay > until) {
            const cut = until < started + wait.timeoutMs ? " (cut short by the Lambda timeout)" : "";
            throw new TargetError(
                `version ${version} of ${name} (${target.amiId}) is not visible after ${Math.round((Date.now() - started) / 1000)} s${cut}: ` +
                    `Parameter Store validates aws:ec2:image values asynchronously and has not accepted it (is the AMI available to ` +
                    `account ${target.accountId} in ${target.region}?); nothing labelled, a retry finishes the write`,
            );
        }
        await sleep(delay);
    }
}

/** Labels exactly `version` (LabelParameterVersion moves a label that another version carried). */
async function labelVersion(ssm: SSMClient, name: string, version: number, label: string): Promise<void> {
    const labelled = await ssm.send(new LabelParameterVersionCommand({ Name: name, ParameterVersion: version, Labels: [label] }));
    if (labelled.InvalidLabels?.length) throw new TargetError(`SSM rejected label(s) ${labelled.InvalidLabels.join(", ")} on ${name}`);
}
