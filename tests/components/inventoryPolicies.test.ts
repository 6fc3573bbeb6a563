import { strict as assert } from "node:assert";
import { anonymousPrincipal } from "@cloud-copilot/iam-simulate";
import { inventoryBucketPolicy, inventoryKeyPolicy } from "../../components/inventory/policies";
import { decide, type Request } from "../helpers/iam";

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
