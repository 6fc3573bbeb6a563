import {
    AddTagsToResourceCommand,
    GetParameterCommand,
    LabelParameterVersionCommand,
    ParameterNotFound,
    PutParameterCommand,
    SSMClient,
} from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { describeError, errorName } from "../shared/errors";
import { parameterLabel, type ImageMessage } from "./message";
import type { Target } from "./targets";

/** Retries with the SDK's own exponential backoff and jitter; throttling is retried by default. */
const retry = { maxAttempts: 8, retryMode: "standard" } as const;

export type Outcome = "written" | "unchanged";

/** A target's failure, already phrased for the summary; its name stays "Error" so reports show only the message. */
export class TargetError extends Error {}

/**
 * The SDK clients of one invocation: one HTTP handler (so connections are reused across accounts),
 * one STS client, role B assumed once per account, one SSM client per account and region. The
 * image's own account uses the Lambda's credentials.
 */
export class InvocationClients {
    private readonly http = new NodeHttpHandler();
    private readonly sts = new STSClient({ ...retry, requestHandler: this.http });
    private readonly credentials = new Map<string, Promise<AwsCredentialIdentity | undefined>>();
    private readonly ssmClients = new Map<string, Promise<SSMClient>>();

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
            pending = this.credentialsFor(accountId).then(
                (credentials) => new SSMClient({ region, credentials, requestHandler: this.http, ...retry }),
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
    clients: InvocationClients,
): Promise<{ outcome: Outcome; version?: number }> {
    const name = `${prefix}/${message.recipeName}`;
    const ssm = await clients.ssm(target.accountId, target.region);
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
