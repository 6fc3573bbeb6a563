import { accountAdministersKey, policy, type PolicyDocument } from "../iam";

/** The inventory bucket's and key's documents, built from plain strings so tests evaluate exactly these. */

export function inventoryObjectsArn(bucketArn: string, prefix: string): string {
    return `${bucketArn}/${prefix}/*/accountid=*/*`;
}

/**
 * AWS's guidance for organization-based resource data sync: Systems Manager may check the bucket's
 * ACL and write objects under `<prefix>/*\/accountid=*\/`, only for this organization's accounts
 * (`aws:SourceOrgID`) and only with the bucket owner in full control; nothing over plain HTTP.
 */
export function inventoryBucketPolicy(bucketArn: string, prefix: string, organizationId: string): PolicyDocument {
    const objects = inventoryObjectsArn(bucketArn, prefix);
    return policy(
        {
            Sid: "SSMBucketPermissionsCheck",
            Effect: "Allow",
            Principal: { Service: "ssm.amazonaws.com" },
            Action: "s3:GetBucketAcl",
            Resource: bucketArn,
        },
        {
            Sid: "SSMBucketDelivery",
            Effect: "Allow",
            Principal: { Service: "ssm.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: objects,
            Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceOrgID": organizationId } },
        },
        {
            Sid: "SSMBucketDeliveryTagging",
            Effect: "Allow",
            Principal: { Service: "ssm.amazonaws.com" },
            Action: "s3:PutObjectTagging",
            Resource: objects,
            Condition: { StringEquals: { "aws:SourceOrgID": organizationId } },
        },
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [bucketArn, `${bucketArn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
    );
}

/** The optional customer-managed key: administered through IAM here; Systems Manager encrypts with it for the organization's accounts only. */
export function inventoryKeyPolicy(partition: string, accountId: string, organizationId: string): PolicyDocument {
    return policy(accountAdministersKey(partition, accountId), {
        Sid: "SystemsManagerEncryptsInventory",
        Effect: "Allow",
        Principal: { Service: "ssm.amazonaws.com" },
        Action: "kms:GenerateDataKey",
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceOrgID": organizationId } },
    });
}
