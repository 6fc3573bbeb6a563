import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SecureBucket } from "../secureBucket";
import { inventoryBucketPolicy, inventoryKeyPolicy } from "./policies";

export interface InventoryBucketArgs {
    partition: string;
    accountId: string;
    region: string;
    namePrefix: string;
    bucketName: string;
    prefix: string;
    organizationId: string;
    useKms: boolean;
    noncurrentVersionExpirationDays: number;
}

/** The central bucket every account's resource data sync writes to, with AWS's organization sync bucket policy. */
export class InventoryBucket extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    readonly key?: aws.kms.Key;

    constructor(name: string, args: InventoryBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:inventory:InventoryBucket", name, {}, opts);
        const { region } = args;
        if (args.useKms) {
            this.key = new aws.kms.Key(
                `${name}-key`,
                {
                    region,
                    description: "Encrypts the organization's SSM Inventory",
                    enableKeyRotation: true,
                    policy: JSON.stringify(inventoryKeyPolicy(args.partition, args.accountId, args.organizationId)),
                },
                { parent: this },
            );
            new aws.kms.Alias(
                `${name}-key-alias`,
                { region, name: `alias/${args.namePrefix}-inventory`, targetKeyId: this.key.keyId },
                { parent: this },
            );
        }
        const secure = new SecureBucket(
            name,
            {
                region,
                bucketName: args.bucketName,
                kmsKeyArn: this.key?.arn,
                noncurrentVersionExpirationDays: args.noncurrentVersionExpirationDays,
                policy: (bucketArn) => JSON.stringify(inventoryBucketPolicy(bucketArn, args.prefix, args.organizationId)),
            },
            { parent: this },
        );
        this.bucket = secure.bucket;
        this.registerOutputs({ bucketName: this.bucket.bucket, kmsKeyArn: this.key?.arn });
    }
}
