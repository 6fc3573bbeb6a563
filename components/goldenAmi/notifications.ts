import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { imageTopicPolicy, notificationKeyPolicy, opsTopicPolicy } from "./policies";

export interface ImageNotificationsArgs {
    partition: string;
    accountId: string;
    region: string;
    namePrefix: string;
    /** Email addresses subscribed to the ops topic (alarms). */
    alarmEmails: string[];
    /** Whether the emails are Pulumi secrets. */
    emailsAreSecret: boolean;
}

/** The image topic Image Builder notifies, the ops topic alarms notify, and the customer-managed key encrypting both. */
export class ImageNotifications extends pulumi.ComponentResource {
    readonly key: aws.kms.Key;
    readonly imageTopic: aws.sns.Topic;
    readonly opsTopic: aws.sns.Topic;

    constructor(name: string, args: ImageNotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:goldenAmi:ImageNotifications", name, {}, opts);
        const { partition, accountId, region } = args;
        const child = { parent: this };
        const opsTopicName = `${args.namePrefix}-ami-ops`;
        const opsTopicArn = `arn:${partition}:sns:${region}:${accountId}:${opsTopicName}`;

        this.key = new aws.kms.Key(
            `${name}-key`,
            {
                region,
                description: "Encrypts golden AMI notifications and the publisher's dead-letter queue",
                enableKeyRotation: true,
                policy: JSON.stringify(notificationKeyPolicy(partition, accountId, region, opsTopicArn)),
            },
            child,
        );
        new aws.kms.Alias(
            `${name}-key-alias`,
            { region, name: `alias/${args.namePrefix}-ami-notifications`, targetKeyId: this.key.keyId },
            child,
        );

        const imageTopicName = `${args.namePrefix}-image-builder`;
        this.imageTopic = new aws.sns.Topic(`${name}-image-topic`, { region, name: imageTopicName, kmsMasterKeyId: this.key.arn }, child);
        new aws.sns.TopicPolicy(
            `${name}-image-topic-policy`,
            {
                region,
                arn: this.imageTopic.arn,
                policy: this.imageTopic.arn.apply((arn) => JSON.stringify(imageTopicPolicy(partition, accountId, arn))),
            },
            child,
        );

        this.opsTopic = new aws.sns.Topic(`${name}-ops-topic`, { region, name: opsTopicName, kmsMasterKeyId: this.key.arn }, child);
        new aws.sns.TopicPolicy(
            `${name}-ops-topic-policy`,
            {
                region,
                arn: this.opsTopic.arn,
                policy: this.opsTopic.arn.apply((arn) => JSON.stringify(opsTopicPolicy(partition, accountId, region, arn))),
            },
            child,
        );
        args.alarmEmails.forEach((email, index) => {
            new aws.sns.TopicSubscription(
                `${name}-ops-email-${index}`,
                { region, topic: this.opsTopic.arn, protocol: "email", endpoint: args.emailsAreSecret ? pulumi.secret(email) : email },
                child,
            );
        });
        this.registerOutputs({ imageTopicArn: this.imageTopic.arn, opsTopicArn: this.opsTopic.arn, keyArn: this.key.arn });
    }
}
