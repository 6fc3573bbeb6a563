import { UnknownValueError } from "@pulumi/policy";

/**
 * The preview gate's rules as plain functions over resources (type and input properties), so the
 * tests and the CrossGuard pack (policy/policies.ts) run the same code. Each returns its violations.
 *
 * Unknown values. During a preview, an input computed from a resource that does not exist yet is unknown;
 * @pulumi/policy hands policies a proxy that throws UnknownValueError when such a value is read, and turns
 * the whole policy *advisory* for that run (node_modules/@pulumi/policy/server.js, "can't run policy ...
 * during preview"). A stack policy that reads one unknown bucket name thus stops gating every bucket. So:
 * - single-resource rules are resource policies: one unknown affects only that resource, and the rule runs
 *   again on the resolved inputs right before the resource is created or updated ("Policy rules run during
 *   pulumi preview and pulumi up, asserting that cloud resource definitions comply with the policy
 *   immediately before they are created or updated", https://github.com/pulumi/pulumi-policy);
 * - every read goes through `read`, which turns an unknown into the `unknown` marker, and each rule says
 *   what an unknown means for it (a security switch that is not a literal fails; a key ARN that is not
 *   known yet is still a key);
 * - stack rules link resources by their property dependencies (URNs), which are known in a preview,
 *   instead of by names that may be unknown.
 */

export interface PlannedResource {
    type: string;
    name: string;
    props: Record<string, unknown>;
    urn?: string;
    /** Input property name to the URNs of the resources it depends on (known even when the value is not). */
    propertyDependencies?: Record<string, string[]>;
}

export const unknown: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof unknown;

/** Reads a value, giving `unknown` instead of letting @pulumi/policy's UnknownValueError turn the rule advisory. */
export function read<T>(get: () => T): T | Unknown {
    try {
        return get();
    } catch (error) {
        if (error instanceof UnknownValueError) return unknown;
        throw error;
    }
}

interface RuleBase {
    name: string;
    description: string;
    /** The rule over a set of resources: what the tests and the offline plan run. */
    check(resources: readonly PlannedResource[]): string[];
}

/** A rule about one resource at a time: a CrossGuard resource policy. */
export interface ResourceRule extends RuleBase {
    kind: "resource";
    types: string[];
    validate(resource: PlannedResource): string[];
}

/** A rule that relates resources to each other: a CrossGuard stack policy. */
export interface StackRule extends RuleBase {
    kind: "stack";
}

export type Rule = ResourceRule | StackRule;

interface Statement {
    Effect?: string;
    Principal?: unknown;
    Condition?: unknown;
}

function statements(document: unknown): Statement[] {
    const parsed =
        typeof document === "string"
            ? (JSON.parse(document) as { Statement?: Statement | Statement[] })
            : (document as { Statement?: Statement | Statement[] } | undefined);
    const list = parsed?.Statement;
    return list === undefined ? [] : Array.isArray(list) ? list : [list];
}

function principals(principal: unknown): string[] {
    if (typeof principal === "string") return [principal];
    if (typeof principal === "object" && principal !== null)
        return Object.values(principal).flatMap((value) => (Array.isArray(value) ? value.map(String) : [String(value)]));
    return [];
}

const bareRoot = /^(arn:[\w-]+:iam::\d{12}:root|\d{12})$/;
const ofType = (resources: readonly PlannedResource[], type: string): PlannedResource[] => resources.filter((r) => r.type === type);

function resourceRule(rule: Omit<ResourceRule, "kind" | "check">): ResourceRule {
    return {
        ...rule,
        kind: "resource",
        check: (resources) => resources.filter((r) => rule.types.includes(r.type)).flatMap((r) => rule.validate(r)),
    };
}

/** True when the flag is literally true; an unknown flag is not (a security switch must be a literal the gate can read). */
const isTrue = (value: unknown): boolean => value === true;
const describe = (value: unknown): string => (value === unknown ? "unknown during preview (set a literal)" : JSON.stringify(value));

/**
 * Whether `dependent` points at `target` through `property`: by dependency (the URN, known in a preview)
 * or, where no dependency is recorded, by an equal known value.
 */
function refersTo(dependent: PlannedResource, property: string, target: PlannedResource, targetValue: unknown): boolean {
    const urns = dependent.propertyDependencies?.[property];
    if (target.urn && urns?.includes(target.urn)) return true;
    const value = read(() => dependent.props[property]);
    return value !== unknown && targetValue !== unknown && value !== undefined && value === targetValue;
}

export const rules: Rule[] = [
    resourceRule({
        name: "role-trust-names-a-principal",
        description: 'A role trust policy must not allow "*" or a bare account root without a condition.',
        types: ["aws:iam/role:Role"],
        validate: (role) => {
            const document = read(() => role.props.assumeRolePolicy);
            // A whole document computed from new resources is unknown in a preview; this resource rule runs
            // again on the resolved document before the role is created only where the pack runs on `up` too
            // (a Pulumi Cloud policy group; a Deployments `up` runs no local pack: docs/delivery.md, "Policy pack").
            if (document === unknown) return [];
            return statements(document)
                .filter((s) => s.Effect === "Allow" && !s.Condition && principals(s.Principal).some((p) => p === "*" || bareRoot.test(p)))
                .map(() => `${role.name}: trust policy allows "*" or a bare account root with no condition`);
        },
    }),
    {
        kind: "stack",
        name: "s3-bucket-private-and-encrypted",
        description: "An S3 bucket needs all four public access blocks and default encryption.",
        check: (resources) => {
            const blocks = ofType(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
            const encryptions = ofType(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
            return ofType(resources, "aws:s3/bucket:Bucket").flatMap((bucket) => {
                const bucketName = read(() => bucket.props.bucket);
                const label = `${bucket.name}: bucket ${bucketName === unknown ? "(name unknown during preview)" : String(bucketName)}`;
                const linked = blocks.filter((b) => refersTo(b, "bucket", bucket, bucketName));
                const full = linked.some((b) =>
                    ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every((flag) =>
                        isTrue(read(() => b.props[flag])),
                    ),
                );
                const problems: string[] = [];
                if (!full) {
                    const shown = linked.map((b) =>
                        ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]
                            .map((flag) => `${flag}=${describe(read(() => b.props[flag]))}`)
                            .join(" "),
                    );
                    problems.push(`${label} lacks a full public access block${shown.length ? ` (${shown.join("; ")})` : ""}`);
                }
                if (!encryptions.some((e) => refersTo(e, "bucket", bucket, bucketName)))
                    problems.push(`${label} has no default encryption`);
                return problems;
            });
        },
    },
    resourceRule({
        name: "topics-and-queues-use-kms",
        description: "An SNS topic or SQS queue must be encrypted with a KMS key.",
        types: ["aws:sns/topic:Topic", "aws:sqs/queue:Queue"],
        // A key ARN from a key created in the same update is unknown in a preview, but it is a key.
        validate: (r) =>
            read(() => r.props.kmsMasterKeyId) ? [] : [`${r.name}: ${r.type.split(":")[1]} without a KMS key (kmsMasterKeyId)`],
    }),
    {
        kind: "stack",
        name: "lambda-keeps-failed-events",
        description: "A Lambda function needs an on-failure destination or a dead-letter queue.",
        check: (resources) => {
            const configs = ofType(resources, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").filter((c) =>
                // An unknown destination ARN (a queue created in the same update) is still a destination.
                read(() => (c.props.destinationConfig as { onFailure?: { destination?: string } } | undefined)?.onFailure?.destination),
            );
            return ofType(resources, "aws:lambda/function:Function")
                .filter((f) => {
                    const functionName = read(() => f.props.name);
                    if (configs.some((c) => refersTo(c, "functionName", f, functionName))) return false;
                    return !read(() => (f.props.deadLetterConfig as { targetArn?: string } | undefined)?.targetArn);
                })
                .map((f) => `${f.name}: Lambda function without an on-failure destination or dead-letter queue`);
        },
    },
    resourceRule({
        name: "ec2-imdsv2-and-private",
        description: "An EC2 instance must require IMDSv2 and have no public IP.",
        types: ["aws:ec2/instance:Instance"],
        validate: (instance) => {
            const httpTokens = read(() => (instance.props.metadataOptions as { httpTokens?: string } | undefined)?.httpTokens);
            const publicIp = read(() => instance.props.associatePublicIpAddress);
            return [
                ...(httpTokens === "required"
                    ? []
                    : [`${instance.name}: IMDSv2 is not required (metadataOptions.httpTokens ${describe(httpTokens)})`]),
                ...(publicIp === false
                    ? []
                    : [`${instance.name}: may get a public IP (associatePublicIpAddress ${describe(publicIp)}; set it to false)`]),
            ];
        },
    }),
    resourceRule({
        name: "interface-endpoints-private-dns",
        description: "An interface VPC endpoint must have private DNS on.",
        types: ["aws:ec2/vpcEndpoint:VpcEndpoint"],
        validate: (endpoint) => {
            const type = read(() => endpoint.props.vpcEndpointType);
            // An unknown type may be Interface: then private DNS must be literally on.
            if (type !== "Interface" && type !== unknown) return [];
            const privateDns = read(() => endpoint.props.privateDnsEnabled);
            return isTrue(privateDns)
                ? []
                : [`${endpoint.name}: interface endpoint without private DNS (privateDnsEnabled ${describe(privateDns)})`];
        },
    }),
];
