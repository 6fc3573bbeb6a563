import { logGroupResources } from "../arns";
import { accountAdministersKey, policy, serviceTrust, type PolicyDocument, type PolicyStatement } from "../iam";

/** Cross-account Automation's documents and event patterns, from plain values so tests evaluate exactly these. */

export const failedStatuses = ["Failed", "TimedOut", "Cancelled"];
export const executionDetailType = "EC2 Automation Execution Status-change Notification";
export const stepDetailType = "EC2 Automation Step Status-change Notification";

/** Failed, timed-out or cancelled executions and steps (Success and the rest never match). */
export function failurePattern(detailTypes: string[]): Record<string, unknown> {
    return { source: ["aws.ssm"], "detail-type": detailTypes, detail: { Status: failedStatuses } };
}

/** The administration role: Automation assumes it in the main account. */
export function administrationTrust(mainAccountId: string): PolicyDocument {
    return serviceTrust("ssm.amazonaws.com", mainAccountId);
}

/**
 * It may assume only the execution role: exact ARNs, or (a large organization) that role name in the
 * organization's accounts. Like AWS's AWS-SystemsManager-AutomationAdministrationRole template
 * ("Running automations in multiple AWS Regions and accounts", Systems Manager User Guide), it may list
 * the accounts of an OU or root, so runs can target OUs: only this organization's OUs and roots (their ARNs
 * carry the organization ID; the account in them is the management account, which a delegated
 * administrator setup does not name, hence `*`).
 */
export function administrationPermissions(
    partition: string,
    organizationId: string,
    executionRoleArns: string[],
    orgWide?: { executionRoleName: string },
    fleet?: { executionRoleName: string; organizationPaths: string[] },
): PolicyDocument {
    const statements: PolicyStatement[] = [];
    const assume: PolicyStatement | undefined = orgWide
        ? {
              Sid: "AssumeExecutionRolesInOrganization",
              Effect: "Allow",
              Action: "sts:AssumeRole",
              Resource: `arn:${partition}:iam::*:role/${orgWide.executionRoleName}`,
              Condition: { StringEquals: { "aws:ResourceOrgID": organizationId } },
          }
        : executionRoleArns.length > 0
          ? { Sid: "AssumeExecutionRoles", Effect: "Allow", Action: "sts:AssumeRole", Resource: [...executionRoleArns].sort() }
          : undefined;
    if (assume) statements.push(assume);
    // A fleet: the execution role in any account below the fleet OUs, by organization path, so the document
    // does not grow as accounts join (aws:ResourceOrgPaths, multivalued: ForAnyValue:StringLike;
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgpaths).
    if (fleet && fleet.organizationPaths.length > 0)
        statements.push({
            Sid: "AssumeExecutionRolesInFleetOUs",
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Resource: `arn:${partition}:iam::*:role/${fleet.executionRoleName}`,
            Condition: { "ForAnyValue:StringLike": { "aws:ResourceOrgPaths": fleet.organizationPaths } },
        });
    return policy(...statements, {
        Sid: "ListAccountsOfTargetOus",
        Effect: "Allow",
        Action: "organizations:ListAccountsForParent",
        Resource: [
            `arn:${partition}:organizations::*:ou/${organizationId}/ou-*`,
            `arn:${partition}:organizations::*:root/${organizationId}/r-*`,
        ],
    });
}

/** The execution role trusts the administration role's exact ARN, and Automation in its own account. */
export function executionTrust(administrationRoleArn: string, accountId: string): PolicyDocument {
    return policy(
        { Sid: "AutomationAdministration", Effect: "Allow", Principal: { AWS: administrationRoleArn }, Action: "sts:AssumeRole" },
        {
            Sid: "AutomationInThisAccount",
            Effect: "Allow",
            Principal: { Service: "ssm.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
        },
    );
}

/** Runbooks pass the execution role on to the steps they start: that role only. */
export function executionPassRole(executionRoleArn: string): PolicyDocument {
    return policy({
        Sid: "PassOnlyItself",
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: executionRoleArn,
        Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
    });
}

/**
 * Multi-account runs find their targets by tag, by resource group or as all instances in each account.
 * AWS's AWS-SystemsManager-AutomationExecutionRole template ("Running automations in multiple AWS
 * Regions and accounts", Systems Manager User Guide) grants tag:GetResources,
 * resource-groups:ListGroupResources and ec2:DescribeInstances for that; AmazonSSMAutomationRole has
 * none of them (AWS Managed Policy Reference: only ec2:DescribeInstanceStatus). tag:GetResources and
 * ec2:DescribeInstances have no resource-level permissions (Service Authorization Reference, "Resource
 * Groups Tagging API", "Amazon EC2"), so they take "*"; ListGroupResources is limited to this
 * account's groups in the member's regions.
 */
export function executionTargeting(partition: string, accountId: string, regions: string[]): PolicyDocument {
    return policy(
        { Sid: "FindTargetsByTag", Effect: "Allow", Action: "tag:GetResources", Resource: "*" },
        { Sid: "FindTargetInstances", Effect: "Allow", Action: "ec2:DescribeInstances", Resource: "*" },
        {
            Sid: "FindTargetsByResourceGroup",
            Effect: "Allow",
            Action: "resource-groups:ListGroupResources",
            Resource: regions.map((region) => `arn:${partition}:resource-groups:${region}:${accountId}:group/*`),
        },
    );
}

/**
 * The role that runs a runbook writes aws:executeScript output: logs:CreateLogGroup, CreateLogStream,
 * DescribeLogGroups, DescribeLogStreams and PutLogEvents ("Logging Automation action output with
 * CloudWatch Logs", Systems Manager User Guide). All on the script log group, except DescribeLogGroups,
 * which has no resource-level permissions (Service Authorization Reference, "Amazon CloudWatch Logs").
 */
export function executionScriptLogging(logGroupArns: string[]): PolicyDocument {
    return policy(
        {
            Sid: "WriteScriptLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
            Resource: logGroupArns.flatMap(logGroupResources),
        },
        { Sid: "FindScriptLogGroup", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
    );
}

export function inlineGrant(actions: string[], resources: string[]): PolicyDocument {
    return policy({ Effect: "Allow", Action: actions, Resource: resources });
}

/**
 * The one statement added to the main account's default bus: events only from the organization's
 * accounts. Added with PutPermission (aws.cloudwatch.EventPermission), never a whole bus policy, which
 * would replace the statements other tools put on the default bus.
 */
export function busPermission(
    namePrefix: string,
    organizationId: string,
): {
    statementId: string;
    principal: string;
    action: string;
    condition: { type: string; key: string; value: string };
} {
    return {
        // Per installation, so two name prefixes in one main account add two statements (PutPermission StatementId: [a-zA-Z0-9-_]{1,64}).
        statementId: `${namePrefix}-automation-failures`,
        principal: "*",
        action: "events:PutEvents",
        condition: { type: "StringEquals", key: "aws:PrincipalOrgID", value: organizationId },
    };
}

/** A member's forwarder: EventBridge in that account, putting events on the main bus only. */
export function forwarderTrust(accountId: string): PolicyDocument {
    return serviceTrust("events.amazonaws.com", accountId);
}

export function forwarderPermissions(mainBusArn: string): PolicyDocument {
    return policy({ Sid: "PutOnMainBus", Effect: "Allow", Action: "events:PutEvents", Resource: mainBusArn });
}

/** The failure topic: only this account's failure rule publishes. */
export function failureTopicPolicy(topicArn: string, ruleArn: string, accountId: string): PolicyDocument {
    return policy({
        Sid: "FailureRulePublishes",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: { ArnEquals: { "aws:SourceArn": ruleArn }, StringEquals: { "aws:SourceAccount": accountId } },
    });
}

/**
 * The failure topic's key. EventBridge publishes as its service principal and SNS uses the key on its
 * behalf ("Enable compatibility between event sources from AWS services and encrypted topics", SNS
 * Developer Guide). What KMS sees in that call is SNS's encryption context, `aws:sns:topicArn`: the key
 * is usable for this topic only (`kms:EncryptionContext:aws:sns:topicArn`, as AWS's own examples for
 * service publishers condition it). `aws:SourceAccount` is not promised in that KMS request, and a
 * condition on a missing key denies: notifications would stop silently.
 */
export function failureKeyPolicy(partition: string, accountId: string, topicArn: string): PolicyDocument {
    return policy(accountAdministersKey(partition, accountId), {
        Sid: "EventBridgeEncryptsNotifications",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
        Condition: { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": topicArn } },
    });
}
