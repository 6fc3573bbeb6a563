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

/** It may assume only the execution role: exact ARNs, or (a large organization) that role name in the organization's accounts. */
export function administrationPermissions(
    executionRoleArns: string[],
    orgWide?: { partition: string; executionRoleName: string; organizationId: string },
): PolicyDocument {
    const statement: PolicyStatement = orgWide
        ? {
              Sid: "AssumeExecutionRolesInOrganization",
              Effect: "Allow",
              Action: "sts:AssumeRole",
              Resource: `arn:${orgWide.partition}:iam::*:role/${orgWide.executionRoleName}`,
              Condition: { StringEquals: { "aws:ResourceOrgID": orgWide.organizationId } },
          }
        : { Sid: "AssumeExecutionRoles", Effect: "Allow", Action: "sts:AssumeRole", Resource: [...executionRoleArns].sort() };
    return policy(statement);
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

export function inlineGrant(actions: string[], resources: string[]): PolicyDocument {
    return policy({ Effect: "Allow", Action: actions, Resource: resources });
}

/** The main account's default bus accepts events only from the organization's accounts. */
export function busPolicy(busArn: string, organizationId: string): PolicyDocument {
    return policy({
        Sid: "OrganizationForwardsAutomationFailures",
        Effect: "Allow",
        Principal: "*",
        Action: "events:PutEvents",
        Resource: busArn,
        Condition: { StringEquals: { "aws:PrincipalOrgID": organizationId } },
    });
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

export function failureKeyPolicy(partition: string, accountId: string): PolicyDocument {
    return policy(accountAdministersKey(partition, accountId), {
        Sid: "EventBridgeEncryptsNotifications",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    });
}
