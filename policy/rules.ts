/**
 * The preview gate's rules as plain functions over resources (type and input properties), so the
 * tests and the CrossGuard pack (policy/index.ts) run the same code. Each returns its violations.
 */

export interface PlannedResource {
    type: string;
    name: string;
    props: Record<string, unknown>;
}

/** A value not known until deploy (policy/preview.ts). A rule never fails on it; the advisory policy names it. */
export const unknownDuringPreview = "[unknown during preview]";

/** Whether a set of references (bucket names, function names) covers `value`; an unknown reference may be any of them. */
const covers = (references: ReadonlySet<unknown>, value: unknown): boolean =>
    references.has(value) || references.has(unknownDuringPreview) || value === unknownDuringPreview;

export interface Rule {
    name: string;
    description: string;
    check(resources: readonly PlannedResource[]): string[];
}

interface Statement {
    Effect?: string;
    Principal?: unknown;
    Condition?: unknown;
}

function statements(document: unknown): Statement[] {
    if (document === unknownDuringPreview) return [];
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
const bucketOf = (resource: PlannedResource): unknown => resource.props.bucket;

export const rules: Rule[] = [
    {
        name: "role-trust-names-a-principal",
        description: 'A role trust policy must not allow "*" or a bare account root without a condition.',
        check: (resources) =>
            ofType(resources, "aws:iam/role:Role").flatMap((role) =>
                statements(role.props.assumeRolePolicy)
                    .filter(
                        (s) => s.Effect === "Allow" && !s.Condition && principals(s.Principal).some((p) => p === "*" || bareRoot.test(p)),
                    )
                    .map(() => `${role.name}: trust policy allows "*" or a bare account root with no condition`),
            ),
    },
    {
        name: "s3-bucket-private-and-encrypted",
        description: "An S3 bucket needs all four public access blocks and default encryption.",
        check: (resources) => {
            const blocked = new Set(
                ofType(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
                    .filter(
                        (b) =>
                            b.props.blockPublicAcls &&
                            b.props.blockPublicPolicy &&
                            b.props.ignorePublicAcls &&
                            b.props.restrictPublicBuckets,
                    )
                    .map(bucketOf),
            );
            const encrypted = new Set(
                ofType(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").map(bucketOf),
            );
            return ofType(resources, "aws:s3/bucket:Bucket").flatMap((bucket) => [
                ...(covers(blocked, bucket.props.bucket)
                    ? []
                    : [`${bucket.name}: bucket ${String(bucket.props.bucket)} lacks a full public access block`]),
                ...(covers(encrypted, bucket.props.bucket)
                    ? []
                    : [`${bucket.name}: bucket ${String(bucket.props.bucket)} has no default encryption`]),
            ]);
        },
    },
    {
        name: "topics-and-queues-use-kms",
        description: "An SNS topic or SQS queue must be encrypted with a KMS key.",
        check: (resources) =>
            [...ofType(resources, "aws:sns/topic:Topic"), ...ofType(resources, "aws:sqs/queue:Queue")]
                .filter((r) => !r.props.kmsMasterKeyId)
                .map((r) => `${r.name}: ${r.type.split(":")[1]} without a KMS key (kmsMasterKeyId)`),
    },
    {
        name: "lambda-keeps-failed-events",
        description: "A Lambda function needs an on-failure destination or a dead-letter queue.",
        check: (resources) => {
            const withDestination = new Set(
                ofType(resources, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")
                    .filter(
                        (c) => (c.props.destinationConfig as { onFailure?: { destination?: string } } | undefined)?.onFailure?.destination,
                    )
                    .map((c) => c.props.functionName),
            );
            return ofType(resources, "aws:lambda/function:Function")
                .filter(
                    (f) =>
                        !covers(withDestination, f.props.name) &&
                        !(f.props.deadLetterConfig as { targetArn?: string } | undefined)?.targetArn,
                )
                .map((f) => `${f.name}: Lambda function without an on-failure destination or dead-letter queue`);
        },
    },
    {
        name: "ec2-imdsv2-and-private",
        description: "An EC2 instance must require IMDSv2 and have no public IP.",
        check: (resources) =>
            ofType(resources, "aws:ec2/instance:Instance").flatMap((instance) => [
                ...((instance.props.metadataOptions as { httpTokens?: string } | undefined)?.httpTokens === "required"
                    ? []
                    : [`${instance.name}: IMDSv2 is not required (metadataOptions.httpTokens)`]),
                ...(instance.props.associatePublicIpAddress === false
                    ? []
                    : [`${instance.name}: may get a public IP (set associatePublicIpAddress: false)`]),
            ]),
    },
    {
        name: "interface-endpoints-private-dns",
        description: "An interface VPC endpoint must have private DNS on.",
        check: (resources) =>
            ofType(resources, "aws:ec2/vpcEndpoint:VpcEndpoint")
                .filter((e) => e.props.vpcEndpointType === "Interface" && e.props.privateDnsEnabled !== true)
                .map((e) => `${e.name}: interface endpoint without private DNS`),
    },
];
