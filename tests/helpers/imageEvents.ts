import type { SNSEvent } from "aws-lambda";

export const ownerAccount = "123456789012";

export interface ImageEventOptions {
    status?: string;
    recipe?: string;
    version?: string;
    amis?: { region: string; image: string; accountId?: string }[];
    distributions?: Record<string, unknown>[];
}

/** An Image Builder notification shaped like the real one (see the seed write-up), wrapped in an SNS event. */
export function imageMessage(options: ImageEventOptions = {}): Record<string, unknown> {
    const recipe = options.recipe ?? "golden-al2023";
    const version = options.version ?? "1.0.0/3";
    return {
        versionlessArn: `arn:aws:imagebuilder:us-east-1:${ownerAccount}:image/${recipe}`,
        semver: 1073741827,
        arn: `arn:aws:imagebuilder:us-east-1:${ownerAccount}:image/${recipe}/${version}`,
        name: recipe,
        version,
        type: "AMI",
        state: { status: options.status ?? "AVAILABLE" },
        distributionConfiguration: {
            arn: `arn:aws:imagebuilder:us-east-1:${ownerAccount}:distribution-configuration/golden`,
            name: "golden",
            distributions: options.distributions ?? [],
            accountId: ownerAccount,
        },
        outputResources: { amis: (options.amis ?? []).map((ami) => ({ name: `${recipe} 2026-11-22`, accountId: ownerAccount, ...ami })) },
    };
}

export function snsEvent(...messages: (Record<string, unknown> | string)[]): SNSEvent {
    return {
        Records: messages.map((message, i) => ({
            EventSource: "aws:sns",
            EventVersion: "1.0",
            EventSubscriptionArn: `arn:aws:sns:us-east-1:${ownerAccount}:imagebuilder-topic:sub-${i}`,
            Sns: {
                Type: "Notification",
                MessageId: `message-${i}`,
                TopicArn: `arn:aws:sns:us-east-1:${ownerAccount}:imagebuilder-topic`,
                Subject: null as unknown as string,
                Message: typeof message === "string" ? message : JSON.stringify(message),
                Timestamp: "2026-11-22T00:00:00.000Z",
                SignatureVersion: "1",
                Signature: "",
                SigningCertUrl: "",
                UnsubscribeUrl: "",
                MessageAttributes: {},
            },
        })),
    };
}
