import { strict as assert } from "node:assert";
import { planResources } from "../../offline/render";
import { rules, type PlannedResource } from "../../policy/rules";
import { exampleConfig, runProgram } from "../helpers/program";

function rule(name: string): (resources: PlannedResource[]) => string[] {
    const found = rules.find((r) => r.name === name);
    if (!found) throw new Error(`no rule ${name}`);
    return (resources) => found.check(resources);
}

const resource = (type: string, props: Record<string, unknown>, name = "r"): PlannedResource => ({ type, name, props });
const trust = (statement: Record<string, unknown>): string =>
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", ...statement }] });

describe("policy pack rules", () => {
    it("role trust: fails on a bare account root or * with no condition, passes on an exact role or a condition", () => {
        const check = rule("role-trust-names-a-principal");
        assert.equal(
            check([resource("aws:iam/role:Role", { assumeRolePolicy: trust({ Principal: { AWS: "arn:aws:iam::111111111111:root" } }) })])
                .length,
            1,
        );
        assert.equal(check([resource("aws:iam/role:Role", { assumeRolePolicy: trust({ Principal: "*" }) })]).length, 1);
        assert.deepEqual(
            check([
                resource("aws:iam/role:Role", {
                    assumeRolePolicy: trust({ Principal: { AWS: "arn:aws:iam::111111111111:role/publisher" } }),
                }),
            ]),
            [],
        );
        assert.deepEqual(
            check([
                resource("aws:iam/role:Role", {
                    assumeRolePolicy: trust({
                        Principal: { AWS: "111111111111" },
                        Condition: { StringEquals: { "aws:PrincipalOrgID": "o-x" } },
                    }),
                }),
            ]),
            [],
        );
    });

    it("S3: fails without a full public access block or encryption, passes with both", () => {
        const check = rule("s3-bucket-private-and-encrypted");
        const bucket = resource("aws:s3/bucket:Bucket", { bucket: "b" });
        const block = resource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", {
            bucket: "b",
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        });
        const encryption = resource("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", {
            bucket: "b",
        });
        assert.equal(check([bucket]).length, 2);
        assert.equal(check([bucket, { ...block, props: { ...block.props, restrictPublicBuckets: false } }, encryption]).length, 1);
        assert.deepEqual(check([bucket, block, encryption]), []);
    });

    it("SNS and SQS: fail without a KMS key, pass with one", () => {
        const check = rule("topics-and-queues-use-kms");
        assert.equal(
            check([resource("aws:sns/topic:Topic", {}), resource("aws:sqs/queue:Queue", { sqsManagedSseEnabled: true })]).length,
            2,
        );
        assert.deepEqual(check([resource("aws:sns/topic:Topic", { kmsMasterKeyId: "arn:aws:kms:us-east-1:1:key/k" })]), []);
    });

    it("Lambda: fails without an on-failure destination or DLQ, passes with either", () => {
        const check = rule("lambda-keeps-failed-events");
        const fn = resource("aws:lambda/function:Function", { name: "f" });
        assert.equal(check([fn]).length, 1);
        assert.deepEqual(
            check([
                fn,
                resource("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", {
                    functionName: "f",
                    destinationConfig: { onFailure: { destination: "arn:aws:sqs:us-east-1:1:q" } },
                }),
            ]),
            [],
        );
        assert.deepEqual(
            check([resource("aws:lambda/function:Function", { name: "g", deadLetterConfig: { targetArn: "arn:aws:sqs:us-east-1:1:q" } })]),
            [],
        );
    });

    it("EC2: fails without IMDSv2 or with a public IP, passes hardened", () => {
        const check = rule("ec2-imdsv2-and-private");
        assert.equal(check([resource("aws:ec2/instance:Instance", { metadataOptions: { httpTokens: "optional" } })]).length, 2);
        assert.deepEqual(
            check([
                resource("aws:ec2/instance:Instance", { metadataOptions: { httpTokens: "required" }, associatePublicIpAddress: false }),
            ]),
            [],
        );
    });

    it("VPC endpoints: fail on an interface endpoint without private DNS, pass with it (and on gateways)", () => {
        const check = rule("interface-endpoints-private-dns");
        assert.equal(
            check([resource("aws:ec2/vpcEndpoint:VpcEndpoint", { vpcEndpointType: "Interface", privateDnsEnabled: false })]).length,
            1,
        );
        assert.deepEqual(
            check([
                resource("aws:ec2/vpcEndpoint:VpcEndpoint", { vpcEndpointType: "Interface", privateDnsEnabled: true }),
                resource("aws:ec2/vpcEndpoint:VpcEndpoint", { vpcEndpointType: "Gateway" }),
            ]),
            [],
        );
    });

    it("the whole program's offline plan passes every rule", async () => {
        const config = exampleConfig("main");
        const managed = config.managedInstances as Record<string, Record<string, unknown>>;
        managed.sampleInstance = { ...managed.sampleInstance, enabled: true };
        (config.inventory as Record<string, unknown>).encryption = "KMS";
        const run = await runProgram("main", config);
        const resources = planResources(run.registrations).map((r) => ({ type: r.type, name: r.name, props: r.inputs }));
        assert.ok(resources.length > 100);
        for (const r of rules) assert.deepEqual(r.check(resources), [], r.name);
    });
});
