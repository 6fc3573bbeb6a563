import { accountAdministersKey, policy, serviceTrust, type PolicyDocument } from "../iam";

/** The managed-instances documents, from plain strings so tests evaluate exactly these. */

/** The instance role: only EC2 may assume it. */
export function instanceRoleTrust(): PolicyDocument {
    return serviceTrust("ec2.amazonaws.com");
}

/** The Default Host Management role: only Systems Manager may assume it. */
export function defaultHostManagementTrust(): PolicyDocument {
    return serviceTrust("ssm.amazonaws.com");
}

/** What the instance role needs beyond AmazonSSMManagedInstanceCore for encrypted sessions logged to CloudWatch. */
export function sessionLoggingPermissions(logGroupArns: string[], keyArns: string[]): PolicyDocument {
    return policy(
        {
            Sid: "WriteSessionLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: logGroupArns.map((arn) => `${arn}:*`),
        },
        // The agent checks the log group exists; DescribeLogGroups takes no resource-level permissions.
        { Sid: "FindSessionLogGroup", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
        { Sid: "UseSessionKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: keyArns },
    );
}

/** The session key: administered through IAM in the account; CloudWatch Logs may use it for this account's log groups only. */
export function sessionKeyPolicy(partition: string, accountId: string, region: string): PolicyDocument {
    return policy(accountAdministersKey(partition, accountId), {
        Sid: "CloudWatchLogsEncrypts",
        Effect: "Allow",
        Principal: { Service: `logs.${region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${accountId}:log-group:*` } },
    });
}
