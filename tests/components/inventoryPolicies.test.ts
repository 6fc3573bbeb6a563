import { strict as assert } from "node:assert";
import { anonymousPrincipal } from "@cloud-copilot/iam-simulate";
import { inventoryBucketPolicy, inventoryKeyPolicy, inventoryObjectsArn } from "../../components/inventory/policies";
import { decide, type Request } from "../helpers/iam";
import { exampleConfig } from "../helpers/program";

const org = "o-exampleorg1";
const bucketArn = "arn:aws:s3:::multi-account-ops-inventory-111111111111-ap-northeast-1";
const policy = inventoryBucketPolicy(bucketArn, "inventory", org);
const object = `${bucketArn}/inventory/AWS:Application/accountid=222222222222/region=us-east-1/resourcetype=ManagedInstanceInventory/i-0123456789abcdef0.json`;
const delivery = {
    "aws:SourceOrgID": org,
    "s3:x-amz-acl": "bucket-owner-full-control",
    "aws:SecureTransport": "true",
    "aws:SourceAccount": "222222222222",
};

function put(overrides: { principal?: Request["principal"]; resource?: string; context?: Record<string, string> } = {}): Promise<string> {
    return decide({
        principal: overrides.principal ?? "ssm.amazonaws.com",
        action: "s3:PutObject",
        resource: overrides.resource ?? object,
        resourceAccount: "111111111111",
        resourcePolicy: policy,
        context: overrides.context ?? delivery,
    });
}

describe("inventory bucket policy (iam-simulate)", () => {
    it("allows Systems Manager to deliver an organization account's inventory under the prefix", async () => {
        assert.equal(await put(), "Allowed");
    });
    it("allows the ACL check and object tagging", async () => {
        const acl = await decide({
            principal: "ssm.amazonaws.com",
            action: "s3:GetBucketAcl",
            resource: bucketArn,
            resourceAccount: "111111111111",
            resourcePolicy: policy,
            context: { "aws:SecureTransport": "true" },
        });
        assert.equal(acl, "Allowed");
        // PutObjectTagging carries no ACL header: only the org condition applies.
        const taggingContext: Record<string, string> = { ...delivery };
        delete taggingContext["s3:x-amz-acl"];
        const tagging = await decide({
            principal: "ssm.amazonaws.com",
            action: "s3:PutObjectTagging",
            resource: object,
            resourceAccount: "111111111111",
            resourcePolicy: policy,
            context: taggingContext,
        });
        assert.equal(tagging, "Allowed");
    });
    it("denies another organization's accounts", async () => {
        assert.equal(await put({ context: { ...delivery, "aws:SourceOrgID": "o-otherorg999" } }), "ImplicitlyDenied");
    });
    it("denies a delivery without the bucket-owner-full-control ACL", async () => {
        const withoutAcl: Record<string, string> = { ...delivery };
        delete withoutAcl["s3:x-amz-acl"];
        assert.equal(await put({ context: withoutAcl }), "ImplicitlyDenied");
    });
    it("denies a key outside <prefix>/*/accountid=*/", async () => {
        assert.equal(await put({ resource: `${bucketArn}/other/AWS:Application/accountid=222222222222/x.json` }), "ImplicitlyDenied");
        assert.equal(await put({ resource: `${bucketArn}/inventory/AWS:Application/x.json` }), "ImplicitlyDenied");
    });
    it("denies an anonymous principal", async () => {
        assert.equal(await put({ principal: anonymousPrincipal }), "ImplicitlyDenied");
    });
    it("denies an insecure transport, even for Systems Manager", async () => {
        assert.equal(await put({ context: { ...delivery, "aws:SecureTransport": "false" } }), "ExplicitlyDenied");
    });
});

describe("inventory key policy (iam-simulate)", () => {
    const key = "arn:aws:kms:ap-northeast-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const keyPolicy = inventoryKeyPolicy("aws", "111111111111", org);
    const generate = (context: Record<string, string>): Promise<string> =>
        decide({
            principal: "ssm.amazonaws.com",
            action: "kms:GenerateDataKey",
            resource: key,
            resourceAccount: "111111111111",
            resourcePolicy: keyPolicy,
            context,
        });
    it("lets Systems Manager encrypt for the organization's accounts only", async () => {
        assert.equal(await generate({ "aws:SourceOrgID": org }), "Allowed");
        assert.equal(await generate({ "aws:SourceOrgID": "o-otherorg999" }), "ImplicitlyDenied");
    });
    it("does not let Systems Manager decrypt", async () => {
        const decision = await decide({
            principal: "ssm.amazonaws.com",
            action: "kms:Decrypt",
            resource: key,
            resourceAccount: "111111111111",
            resourcePolicy: keyPolicy,
            context: { "aws:SourceOrgID": org },
        });
        assert.equal(decision, "ImplicitlyDenied");
    });
});

describe("inventory documents (exact, from the example config)", () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const config = exampleConfig("main") as Record<string, any>;
    const org: string = config.organizationId;
    const main: string = config.mainAccountId;
    const prefix: string = config.inventory.prefix;
    const bucket = `arn:aws:s3:::${config.namePrefix}-inventory-${main}-${config.homeRegion}`;
    const objects = `${bucket}/${prefix}/*/accountid=*/*`;

    it("the bucket: Systems Manager checks the ACL and delivers this organization's inventory under the prefix; no plain HTTP", () => {
        assert.equal(inventoryObjectsArn(bucket, prefix), objects);
        // "Creating a resource data sync for Inventory" / "Before you begin" (Systems Manager User Guide): the bucket policy
        // for an organization sync: GetBucketAcl; PutObject on <prefix>/*/accountid=*/* with s3:x-amz-acl
        // bucket-owner-full-control and aws:SourceOrgID; PutObjectTagging. aws:SecureTransport:
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-securetransport
        assert.deepEqual(inventoryBucketPolicy(bucket, prefix, org), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "SSMBucketPermissionsCheck",
                    Effect: "Allow",
                    Principal: { Service: "ssm.amazonaws.com" },
                    Action: "s3:GetBucketAcl",
                    Resource: bucket,
                },
                {
                    Sid: "SSMBucketDelivery",
                    Effect: "Allow",
                    Principal: { Service: "ssm.amazonaws.com" },
                    Action: "s3:PutObject",
                    Resource: objects,
                    Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceOrgID": org } },
                },
                {
                    Sid: "SSMBucketDeliveryTagging",
                    Effect: "Allow",
                    Principal: { Service: "ssm.amazonaws.com" },
                    Action: "s3:PutObjectTagging",
                    Resource: objects,
                    Condition: { StringEquals: { "aws:SourceOrgID": org } },
                },
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: [bucket, `${bucket}/*`],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        });
    });

    it("the key: administered by the account; Systems Manager generates data keys for this organization only", () => {
        assert.deepEqual(inventoryKeyPolicy("aws", main, org), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AccountAdministersKeyThroughIam",
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${main}:root` },
                    Action: "kms:*",
                    Resource: "*",
                },
                {
                    Sid: "SystemsManagerEncryptsInventory",
                    Effect: "Allow",
                    Principal: { Service: "ssm.amazonaws.com" },
                    Action: "kms:GenerateDataKey",
                    Resource: "*",
                    Condition: { StringEquals: { "aws:SourceOrgID": org } },
                },
            ],
        });
    });
});
