import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface SecureBucketArgs {
    region: string;
    bucketName: string;
    /** A customer-managed key; SSE-S3 when absent. */
    kmsKeyArn?: pulumi.Input<string>;
    noncurrentVersionExpirationDays: number;
    /** Also expire current objects after this many days (for scratch data such as query results). */
    expirationDays?: number;
    /** The bucket policy, built by the caller from its bucket ARN. */
    policy?: (bucketArn: string) => string;
}

/** An S3 bucket with versioning, encryption, all public access blocked, ACLs disabled and a lifecycle. */
export class SecureBucket extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;

    constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:storage:SecureBucket", name, {}, opts);
        const { region } = args;
        const child = { parent: this };
        this.bucket = new aws.s3.Bucket(name, { region, bucket: args.bucketName }, child);
        const bucket = this.bucket.id;
        new aws.s3.BucketVersioning(`${name}-versioning`, { region, bucket, versioningConfiguration: { status: "Enabled" } }, child);
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            {
                region,
                bucket,
                rules: [
                    {
                        applyServerSideEncryptionByDefault: args.kmsKeyArn
                            ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }
                            : { sseAlgorithm: "AES256" },
                        bucketKeyEnabled: args.kmsKeyArn ? true : undefined,
                    },
                ],
            },
            child,
        );
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            { region, bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            child,
        );
        new aws.s3.BucketOwnershipControls(
            `${name}-ownership`,
            { region, bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
            child,
        );
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                region,
                bucket,
                rules: [
                    {
                        id: "expire-old-versions",
                        status: "Enabled",
                        filter: {},
                        noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionExpirationDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                        expiration: args.expirationDays ? { days: args.expirationDays } : undefined,
                    },
                ],
            },
            child,
        );
        if (args.policy) {
            const build = args.policy;
            // After the public access block, so a policy is never evaluated without it.
            new aws.s3.BucketPolicy(
                `${name}-policy`,
                { region, bucket, policy: this.bucket.arn.apply(build) },
                { parent: this, dependsOn: [publicAccess] },
            );
        }
        this.registerOutputs({ bucketName: this.bucket.bucket, bucketArn: this.bucket.arn });
    }
}
