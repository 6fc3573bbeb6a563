/** The publisher's environment, validated: a bad value names the variable and the value. */
export interface PublisherSettings {
    parameterPrefix: string;
    targetRoleName: string;
    orgReaderRoleArn: string | undefined;
    maxConcurrency: number;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): PublisherSettings {
    const problems: string[] = [];
    const parameterPrefix = env.PARAMETER_PREFIX || "/ec2-imagebuilder/latest";
    if (!/^(\/[A-Za-z0-9_.-]+)+$/.test(parameterPrefix))
        problems.push(`PARAMETER_PREFIX ${JSON.stringify(parameterPrefix)} is not a parameter path such as /ec2-imagebuilder/latest`);
    const targetRoleName = env.TARGET_ROLE_NAME || "LambdaExecutionRoleForSSMParam";
    if (!/^[\w+=,.@-]{1,64}$/.test(targetRoleName))
        problems.push(`TARGET_ROLE_NAME ${JSON.stringify(targetRoleName)} is not an IAM role name`);
    const orgReaderRoleArn = env.ORG_READER_ROLE_ARN || undefined;
    if (orgReaderRoleArn !== undefined && !/^arn:[\w-]+:iam::\d{12}:role\/.+$/.test(orgReaderRoleArn)) {
        problems.push(`ORG_READER_ROLE_ARN ${JSON.stringify(orgReaderRoleArn)} is not an IAM role ARN`);
    }
    const rawConcurrency = env.MAX_CONCURRENCY || "10";
    const maxConcurrency = Number(rawConcurrency);
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > 100) {
        problems.push(`MAX_CONCURRENCY ${JSON.stringify(rawConcurrency)} is not a whole number from 1 to 100`);
    }
    if (problems.length > 0) throw new Error(`invalid publisher environment: ${problems.join("; ")}`);
    return { parameterPrefix, targetRoleName, orgReaderRoleArn, maxConcurrency };
}
