import {
    AddTagsToResourceCommand,
    GetParameterCommand,
    LabelParameterVersionCommand,
    ParameterNotFound,
    PutParameterCommand,
    SSMClient,
} from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { describeError, errorName } from "../shared/errors";
import { parameterLabel, type ImageMessage } from "./message";
import type { Target } from "./targets";

/** Retries with the SDK's own exponential backoff and jitter; throttling is retried by default. */
const retry = { maxAttempts: 8, retryMode: "standard" } as const;

export type Outcome = "written" | "unchanged";

/** A target's failure, already phrased for the summary; its name stays "Error" so reports show only the message. */
export class TargetError extends Error {}

/** Assumes role B once per account per invocation; the image's own account uses the Lambda's credentials. */
export class AccountCredentials {
    private readonly cache = new Map<string, Promise<AwsCredentialIdentity | undefined>>();

    constructor(
        private readonly ownerAccountId: string,
        private readonly partition: string,
        private readonly roleName: string,
    ) {}

    forAccount(accountId: string): Promise<AwsCredentialIdentity | undefined> {
        if (accountId === this.ownerAccountId) return Promise.resolve(undefined);
        let pending = this.cache.get(accountId);
        if (!pending) {
            pending = assumeRole(`arn:${this.partition}:iam::${accountId}:role/${this.roleName}`, "ami-publisher");
            this.cache.set(accountId, pending);
        }
        return pending;
    }
}

export async function assumeRole(roleArn: string, sessionName: string): Promise<AwsCredentialIdentity> {
    try {
        const { Credentials: c } = await new STSClient({ ...retry }).send(
            new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }),
        );
        if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error("AssumeRole returned no credentials");
        return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
    } catch (error) {
        if (errorName(error) === "AccessDenied") {
            throw new TargetError(
                `cannot assume ${roleArn}: the role is missing or does not trust the publisher (${describeError(error)})`,
            );
        }
        throw new TargetError(`cannot assume ${roleArn}: ${describeError(error)}`);
    }
}

/**
 * Writes the AMI ID to `<prefix>/<recipe>` in one account and region. An unchanged value writes
 * nothing, so an SNS redelivery creates no new parameter version.
 */
export async function writeTarget(
    target: Target,
    message: ImageMessage,
    prefix: string,
    credentials: AccountCredentials,
): Promise<{ outcome: Outcome; version?: number }> {
    const name = `${prefix}/${message.recipeName}`;
    const ssm = new SSMClient({ region: target.region, credentials: await credentials.forAccount(target.accountId), ...retry });
    try {
        const current = await ssm.send(new GetParameterCommand({ Name: name }));
        if (current.Parameter?.Value === target.amiId) return { outcome: "unchanged" };
    } catch (error) {
        if (!(error instanceof ParameterNotFound)) throw new TargetError(`cannot read ${name}: ${describeError(error)}`);
    }
    try {
        const put = await ssm.send(
            new PutParameterCommand({
                Name: name,
                Value: target.amiId,
                Type: "String",
                DataType: "aws:ec2:image",
                Overwrite: true,
                Description: `Latest AMI of recipe ${message.recipeName}: image ${message.imageArn}, version ${message.imageVersion}`.slice(
                    0,
                    1024,
                ),
            }),
        );
        const version = put.Version;
        const labelled = await ssm.send(
            new LabelParameterVersionCommand({ Name: name, ParameterVersion: version, Labels: [parameterLabel(message.imageVersion)] }),
        );
        if (labelled.InvalidLabels?.length) throw new TargetError(`SSM rejected label(s) ${labelled.InvalidLabels.join(", ")} on ${name}`);
        await ssm.send(
            new AddTagsToResourceCommand({
                ResourceType: "Parameter",
                ResourceId: name,
                Tags: [
                    { Key: "managed-by", Value: "multi-account-ops" },
                    { Key: "image-recipe", Value: message.recipeName },
                ],
            }),
        );
        return { outcome: "written", version };
    } catch (error) {
        if (error instanceof TargetError) throw error;
        throw new TargetError(`cannot write ${name}: ${describeError(error)}`);
    }
}
