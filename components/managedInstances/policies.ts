import { logGroupResources } from "../arns";
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

/**
 * Session permissions, the same for the instance role and the Default Host Management role (one
 * document for both): the preferences encrypt sessions with the key and stream them to the encrypted
 * log group, and the agent does that with whichever role the instance runs under ("Step 2: Verify or
 * add instance permissions for Session Manager" and "Default Host Management Configuration", Systems
 * Manager User Guide).
 */
export function sessionPermissions(logGroupArns: string[], keyArns: string[]): PolicyDocument {
    return policy(
        {
            Sid: "WriteSessionLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: logGroupArns.flatMap(logGroupResources),
        },
        // The agent checks the log group exists; DescribeLogGroups takes no resource-level permissions
        // (Service Authorization Reference, "Amazon CloudWatch Logs").
        { Sid: "FindSessionLogGroup", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
        { Sid: "UseSessionKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: keyArns },
    );
}

/**
 * The session key: administered through IAM in the account; CloudWatch Logs in this region may use it
 * for the session log group only. CloudWatch Logs puts the log group's ARN in the encryption context
 * ("Encrypt log data in CloudWatch Logs using AWS KMS", CloudWatch Logs User Guide), known before the
 * group exists because its name is fixed.
 */
export function sessionKeyPolicy(partition: string, accountId: string, region: string, logGroupName: string): PolicyDocument {
    return policy(accountAdministersKey(partition, accountId), {
        Sid: "CloudWatchLogsEncrypts",
        Effect: "Allow",
        Principal: { Service: `logs.${region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: {
            ArnEquals: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${accountId}:log-group:${logGroupName}` },
        },
    });
}
