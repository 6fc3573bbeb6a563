/**
 * What the offline mocks answer for a resource's computed outputs: deterministic IDs and ARNs built
 * from the inputs, the resource's account and its region, so policies that reference them read true.
 */

const globalServices = new Set(["iam", "organizations", "cloudfront", "route53"]);

export function isGlobalType(type: string): boolean {
    return globalServices.has(type.split(":")[1]?.split("/")[0] ?? "");
}

function physicalName(inputs: Record<string, unknown>, logicalName: string): string {
    for (const key of ["name", "bucket", "functionName", "roleName", "topicName", "queueName"]) {
        const value = inputs[key];
        if (typeof value === "string" && value.length > 0) return value;
    }
    return logicalName;
}

export interface MockContext {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    partition: string;
    account: string | undefined;
    region: string | undefined;
}

export function mockState(ctx: MockContext): { id: string; state: Record<string, unknown> } {
    const { type, inputs, partition } = ctx;
    const account = ctx.account ?? "000000000000";
    const region = ctx.region ?? "us-east-1";
    const name = physicalName(inputs, ctx.name);
    const [, mod = "", kind = ""] = type.split(/[:/]/);
    const resourceKind = kind.charAt(0).toLowerCase() + kind.slice(1);
    const extra: Record<string, unknown> = {};
    let id = `${name}-id`;
    let arn: string;
    switch (type) {
        case "aws:iam/role:Role":
            arn = `arn:${partition}:iam::${account}:role${(inputs.path as string | undefined) ?? "/"}${name}`;
            extra.uniqueId = `AROA${name
                .toUpperCase()
                .replace(/[^A-Z0-9]/g, "")
                .slice(0, 17)}`;
            id = name;
            break;
        case "aws:iam/instanceProfile:InstanceProfile":
            arn = `arn:${partition}:iam::${account}:instance-profile/${name}`;
            id = name;
            break;
        case "aws:iam/policy:Policy":
            arn = `arn:${partition}:iam::${account}:policy/${name}`;
            break;
        case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            arn = `arn:${partition}:iam::${account}:oidc-provider/${String(inputs.url ?? name).replace(/^https:\/\//, "")}`;
            break;
        case "aws:s3/bucket:Bucket":
        case "aws:s3/bucketV2:BucketV2":
            arn = `arn:${partition}:s3:::${name}`;
            extra.bucket = name;
            id = name;
            break;
        case "aws:sns/topic:Topic":
            arn = `arn:${partition}:sns:${region}:${account}:${name}`;
            id = arn;
            break;
        case "aws:sqs/queue:Queue":
            arn = `arn:${partition}:sqs:${region}:${account}:${name}`;
            extra.url = `https://sqs.${region}.amazonaws.com/${account}/${name}`;
            id = extra.url as string;
            break;
        case "aws:kms/key:Key":
            id = `mock-key-${name}`;
            arn = `arn:${partition}:kms:${region}:${account}:key/${id}`;
            extra.keyId = id;
            break;
        // Image Builder ARNs carry the version (a component's also its build number), as AWS returns them.
        case "aws:imagebuilder/component:Component":
            arn = `arn:${partition}:imagebuilder:${region}:${account}:component/${name.toLowerCase()}/${String(inputs.version)}/1`;
            break;
        case "aws:imagebuilder/imageRecipe:ImageRecipe":
            arn = `arn:${partition}:imagebuilder:${region}:${account}:image-recipe/${name.toLowerCase()}/${String(inputs.version)}`;
            break;
        case "aws:lambda/function:Function":
            arn = `arn:${partition}:lambda:${region}:${account}:function:${name}`;
            extra.invokeArn = `arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`;
            id = name;
            break;
        case "aws:cloudwatch/logGroup:LogGroup":
            arn = `arn:${partition}:logs:${region}:${account}:log-group:${name}`;
            id = name;
            break;
        case "aws:cloudwatch/eventRule:EventRule": {
            // arn:...:rule/<name> on the default bus, arn:...:rule/<bus>/<name> on another (EventBridge's ARN format).
            const bus = typeof inputs.eventBusName === "string" && inputs.eventBusName !== "default" ? `${inputs.eventBusName}/` : "";
            arn = `arn:${partition}:events:${region}:${account}:rule/${bus}${name}`;
            break;
        }
        case "aws:cloudwatch/eventBus:EventBus":
            arn = `arn:${partition}:events:${region}:${account}:event-bus/${name}`;
            id = name;
            break;
        default:
            arn = isGlobalType(type)
                ? `arn:${partition}:${mod}::${account}:${resourceKind}/${name}`
                : `arn:${partition}:${mod}:${region}:${account}:${resourceKind}/${name}`;
    }
    return { id, state: { ...inputs, ...extra, name: inputs.name ?? name, arn: inputs.arn ?? arn } };
}
