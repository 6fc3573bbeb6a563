/** ARN helpers shared by components and handlers. Plain TypeScript: no Pulumi imports, so handlers may use it. */

export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    return "aws";
}

export function roleArn(partition: string, accountId: string, roleName: string, path = "/"): string {
    return `arn:${partition}:iam::${accountId}:role${path}${roleName}`;
}

export function managedPolicyArn(partition: string, name: string): string {
    return `arn:${partition}:iam::aws:policy/${name}`;
}

/**
 * A log group's ARN in both forms IAM matches CloudWatch Logs actions against: the bare group (as the
 * provider's `arn` output gives it) and the group with `:*`, which also covers its log streams
 * (`...:log-group:<name>:log-stream:<stream>`).
 */
export function logGroupResources(logGroupArn: string): string[] {
    const bare = logGroupArn.replace(/:\*$/, "");
    return [bare, `${bare}:*`];
}
