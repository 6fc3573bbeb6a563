import { SSMClient } from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@aws-sdk/types";

/** Credentials that land later moto requests in `accountId` (moto honours assumed-role sessions). */
export async function credentialsFor(accountId: string): Promise<AwsCredentialIdentity> {
    const { Credentials: c } = await new STSClient({}).send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/test-inspector`, RoleSessionName: "test" }),
    );
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`moto returned no credentials for ${accountId}`);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

export async function ssmIn(accountId: string, region: string): Promise<SSMClient> {
    return new SSMClient({ region, credentials: await credentialsFor(accountId) });
}
