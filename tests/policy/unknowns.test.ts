import { strict as assert } from "node:assert";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import type { Policy, StackValidationPolicy } from "@pulumi/policy";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { policies } from "../../policy/policies";

/**
 * The pack run the way the engine runs it in a preview: the real @pulumi/policy gRPC handlers
 * (node_modules/@pulumi/policy/server.js) receive protobuf requests whose properties carry the engine's
 * unknown sentinel (`unknownValue` of @pulumi/pulumi/runtime/rpc, the value an input that depends on a
 * resource not yet created has during `pulumi preview`). The handlers wrap the properties in
 * unknownCheckingProxy and turn any policy that reads an unknown into an *advisory* diagnostic
 * ("can't run policy ... during preview"): these tests fail if any rule lets that happen.
 */

type Handler = (call: { request: unknown }, callback: (error: unknown, response?: analyzer.AnalyzeResponse) => void) => Promise<void>;
type MakeHandler = (pack: string, version: string, level: string, policies: Policy[]) => Handler;

// The gRPC handlers PolicyPack serves; marked @internal, so not in the package's type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const server = require("@pulumi/policy/server") as { makeAnalyzeRpcFun: MakeHandler; makeAnalyzeStackRpcFun: MakeHandler };
const { makeAnalyzeRpcFun, makeAnalyzeStackRpcFun } = server;

const U = unknownValue;
const EnforcementLevel = analyzer.EnforcementLevel;

interface Diagnostic {
    policy: string;
    message: string;
    mandatory: boolean;
}

interface TestResource {
    type: string;
    name: string;
    props: Record<string, unknown>;
    /** Input property to the URNs it depends on. */
    dependencies?: Record<string, string[]>;
}

const urnOf = (r: TestResource): string => `urn:pulumi:pr::multi-account-ops::${r.type}::${r.name}`;

function options(): analyzer.AnalyzerResourceOptions {
    return new analyzer.AnalyzerResourceOptions();
}

function diagnostics(response: analyzer.AnalyzeResponse): Diagnostic[] {
    return response.getDiagnosticsList().map((d) => ({
        policy: d.getPolicyname(),
        // The SDK prefixes the policy's description on its own line.
        message: d.getMessage().split("\n").slice(1).join("\n") || d.getMessage(),
        mandatory: d.getEnforcementlevel() === EnforcementLevel.MANDATORY,
    }));
}

function invoke(handler: Handler, request: unknown): Promise<Diagnostic[]> {
    return new Promise((resolve, reject) => {
        void handler({ request }, (error, response) => (error || !response ? reject(error as Error) : resolve(diagnostics(response))));
    });
}

/** Every resource through `analyze` (resource policies), then all of them through `analyzeStack` (stack policies). */
async function analyze(resources: TestResource[]): Promise<Diagnostic[]> {
    const analyzeOne = makeAnalyzeRpcFun("multi-account-ops", "0.1.0", "mandatory", policies);
    const analyzeStack = makeAnalyzeStackRpcFun("multi-account-ops", "0.1.0", "mandatory", policies);
    const found: Diagnostic[] = [];
    for (const r of resources) {
        const request = new analyzer.AnalyzeRequest();
        request.setType(r.type);
        request.setName(r.name);
        request.setUrn(urnOf(r));
        request.setProperties(Struct.fromJavaScript(r.props as Record<string, never>));
        request.setOptions(options());
        found.push(...(await invoke(analyzeOne, request)));
    }
    const stackRequest = new analyzer.AnalyzeStackRequest();
    stackRequest.setResourcesList(
        resources.map((r) => {
            const resource = new analyzer.AnalyzerResource();
            resource.setType(r.type);
            resource.setName(r.name);
            resource.setUrn(urnOf(r));
            resource.setProperties(Struct.fromJavaScript(r.props as Record<string, never>));
            resource.setOptions(options());
            for (const [property, urns] of Object.entries(r.dependencies ?? {})) {
                const dependencies = new analyzer.AnalyzerPropertyDependencies();
                dependencies.setUrnsList(urns);
                resource.getPropertydependenciesMap().set(property, dependencies);
            }
            return resource;
        }),
    );
    found.push(...(await invoke(analyzeStack, stackRequest)));
    return found;
}

const advisory = (found: Diagnostic[]): Diagnostic[] => found.filter((d) => !d.mandatory);
const violations = (found: Diagnostic[], policy: string): Diagnostic[] => found.filter((d) => d.mandatory && d.policy === policy);

const bucket: TestResource = { type: "aws:s3/bucket:Bucket", name: "inventory", props: { bucket: U, forceDestroy: false } };
const block = (flags: Record<string, unknown>): TestResource => ({
    type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    name: "inventory-block",
    props: { bucket: U, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true, ...flags },
    dependencies: { bucket: [urnOf(bucket)] },
});
const encryption: TestResource = {
    type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    name: "inventory-encryption",
    props: { bucket: U, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: U } }] },
    dependencies: { bucket: [urnOf(bucket)] },
};

describe("policy pack with unknown values (engine's preview protocol)", () => {
    it("the sentinel is the one the policy SDK treats as unknown, so these requests are previews", async () => {
        // A stack policy that reads one unknown is downgraded to advisory by the SDK itself: the failure mode under test.
        const naivePolicy: StackValidationPolicy = {
            name: "naive",
            description: "reads a bucket name",
            enforcementLevel: "mandatory",
            validateStack: (stack) => void stack.resources.map((r) => String(r.props.bucket)),
        };
        const naive = makeAnalyzeStackRpcFun("p", "0.1.0", "mandatory", [naivePolicy]);
        const request = new analyzer.AnalyzeStackRequest();
        const resource = new analyzer.AnalyzerResource();
        resource.setType(bucket.type);
        resource.setName(bucket.name);
        resource.setUrn(urnOf(bucket));
        resource.setProperties(Struct.fromJavaScript({ bucket: U }));
        resource.setOptions(options());
        request.setResourcesList([resource]);
        const found = await invoke(naive, request);
        assert.equal(found.length, 1);
        assert.equal(found[0].mandatory, false);
        assert.match(found[0].message, /can't run policy 'naive'.*during preview/);
    });

    it("S3: a new bucket with an unknown name is linked to its access block and encryption by dependency, and still gated", async () => {
        assert.deepEqual(await analyze([bucket, block({}), encryption]), []);
        const missing = await analyze([bucket, block({})]);
        assert.equal(advisory(missing).length, 0, JSON.stringify(missing));
        assert.deepEqual(
            violations(missing, "s3-bucket-private-and-encrypted").map((d) => d.message),
            ["inventory: bucket (name unknown during preview) has no default encryption"],
        );
        const unknownFlag = await analyze([bucket, block({ restrictPublicBuckets: U }), encryption]);
        assert.equal(advisory(unknownFlag).length, 0);
        assert.match(violations(unknownFlag, "s3-bucket-private-and-encrypted")[0].message, /restrictPublicBuckets=unknown during preview/);
        // Another bucket's block does not count for this one.
        const other = { ...bucket, name: "other" };
        const found = await analyze([bucket, other, block({}), encryption]);
        assert.equal(violations(found, "s3-bucket-private-and-encrypted").length, 2);
    });

    it("role trust: an unknown document defers to the update without turning the rule advisory; a known bad one fails", async () => {
        const role = (assumeRolePolicy: unknown, name = "role"): TestResource => ({
            type: "aws:iam/role:Role",
            name,
            props: { name, assumeRolePolicy },
        });
        const bad = JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" }],
        });
        const found = await analyze([role(U, "new"), role(bad, "bad")]);
        assert.equal(advisory(found).length, 0, JSON.stringify(found));
        assert.deepEqual(
            violations(found, "role-trust-names-a-principal").map((d) => d.message),
            ['bad: trust policy allows "*" or a bare account root with no condition'],
        );
    });

    it("SNS and SQS: an unknown key ARN (a key created in the same update) is a key; no key fails", async () => {
        const found = await analyze([
            { type: "aws:sns/topic:Topic", name: "with-new-key", props: { kmsMasterKeyId: U } },
            { type: "aws:sqs/queue:Queue", name: "no-key", props: { name: U } },
        ]);
        assert.equal(advisory(found).length, 0);
        assert.deepEqual(
            violations(found, "topics-and-queues-use-kms").map((d) => d.message),
            ["no-key: sqs/queue without a KMS key (kmsMasterKeyId)"],
        );
    });

    it("Lambda: the failure destination is linked by dependency when the function name is unknown", async () => {
        const fn: TestResource = { type: "aws:lambda/function:Function", name: "publisher", props: { name: U, role: U } };
        const config: TestResource = {
            type: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
            name: "publisher-invoke",
            props: { functionName: U, destinationConfig: { onFailure: { destination: U } } },
            dependencies: { functionName: [urnOf(fn)] },
        };
        assert.deepEqual(await analyze([fn, config]), []);
        const found = await analyze([fn]);
        assert.equal(advisory(found).length, 0);
        assert.equal(violations(found, "lambda-keeps-failed-events").length, 1);
    });

    it("EC2 and VPC endpoints: a security switch that is unknown fails instead of passing or going advisory", async () => {
        const found = await analyze([
            {
                type: "aws:ec2/instance:Instance",
                name: "sample",
                props: { ami: U, metadataOptions: { httpTokens: U }, associatePublicIpAddress: false },
            },
            {
                type: "aws:ec2/vpcEndpoint:VpcEndpoint",
                name: "ssm",
                props: { vpcId: U, vpcEndpointType: "Interface", privateDnsEnabled: U },
            },
            { type: "aws:ec2/vpcEndpoint:VpcEndpoint", name: "unknown-type", props: { vpcId: U, vpcEndpointType: U } },
            { type: "aws:ec2/vpcEndpoint:VpcEndpoint", name: "s3", props: { vpcId: U, vpcEndpointType: "Gateway" } },
        ]);
        assert.equal(advisory(found).length, 0, JSON.stringify(found));
        assert.deepEqual(
            violations(found, "ec2-imdsv2-and-private").map((d) => d.message),
            ["sample: IMDSv2 is not required (metadataOptions.httpTokens unknown during preview (set a literal))"],
        );
        assert.deepEqual(
            violations(found, "interface-endpoints-private-dns")
                .map((d) => d.message.split(":")[0])
                .sort(),
            ["ssm", "unknown-type"],
        );
        const hardened = await analyze([
            {
                type: "aws:ec2/instance:Instance",
                name: "sample",
                props: { ami: U, subnetId: U, metadataOptions: { httpTokens: "required" }, associatePublicIpAddress: false },
            },
            {
                type: "aws:ec2/vpcEndpoint:VpcEndpoint",
                name: "ssm",
                props: { vpcId: U, vpcEndpointType: "Interface", privateDnsEnabled: true },
            },
        ]);
        assert.deepEqual(hardened, []);
    });

    it("every rule of the pack is exercised here with unknown inputs", () => {
        const covered = [
            "s3-bucket-private-and-encrypted",
            "role-trust-names-a-principal",
            "topics-and-queues-use-kms",
            "lambda-keeps-failed-events",
            "ec2-imdsv2-and-private",
            "interface-endpoints-private-dns",
        ];
        assert.deepEqual(policies.map((p) => p.name).sort(), [...covered].sort());
        for (const p of policies) assert.equal(p.enforcementLevel, "mandatory", p.name);
    });
});
