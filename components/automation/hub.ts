import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { role } from "../iam";
import {
    administrationPermissions,
    administrationTrust,
    busPolicy,
    executionDetailType,
    failureKeyPolicy,
    failurePattern,
    failureTopicPolicy,
    stepDetailType,
} from "./policies";
import { AutomationScriptLogs } from "./scriptLogs";

export interface AutomationHubArgs {
    partition: string;
    accountId: string;
    region: string;
    regions: string[];
    namePrefix: string;
    organizationId: string;
    administrationRoleName: string;
    executionRoleName: string;
    /** Members with an execution role; above `exactArnsUpTo` the role is named organization-wide instead. */
    memberAccountIds: string[];
    exactArnsUpTo: number;
    notificationEmails: string[];
    emailsAreSecret: boolean;
    logRetentionDays: number;
}

/**
 * The main account's side of cross-account Automation: the administration role, the default bus
 * accepting the organization's forwarded failures, a rule for failed, timed-out and cancelled
 * executions and steps, an encrypted topic with email subscriptions, and script logs.
 */
export class AutomationHub extends pulumi.ComponentResource {
    readonly administrationRole: aws.iam.Role;
    readonly busArn: string;

    constructor(name: string, args: AutomationHubArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:automation:AutomationHub", name, {}, opts);
        const { partition, accountId, region } = args;
        const child = { parent: this };
        const orgWide =
            args.memberAccountIds.length > args.exactArnsUpTo
                ? { partition, executionRoleName: args.executionRoleName, organizationId: args.organizationId }
                : undefined;
        const executionRoleArns = args.memberAccountIds.map((id) => `arn:${partition}:iam::${id}:role/${args.executionRoleName}`);
        this.administrationRole = role(
            `${name}-administration-role`,
            {
                name: args.administrationRoleName,
                description: "Systems Manager Automation administration: assumes the execution role in member accounts",
                trust: JSON.stringify(administrationTrust(accountId)),
                inlinePolicies: { "assume-execution-roles": JSON.stringify(administrationPermissions(executionRoleArns, orgWide)) },
            },
            child,
        );

        this.busArn = `arn:${partition}:events:${region}:${accountId}:event-bus/default`;
        new aws.cloudwatch.EventBusPolicy(
            `${name}-bus-policy`,
            { region, eventBusName: "default", policy: JSON.stringify(busPolicy(this.busArn, args.organizationId)) },
            child,
        );

        const key = new aws.kms.Key(
            `${name}-key`,
            {
                region,
                description: "Encrypts Automation failure notifications",
                enableKeyRotation: true,
                policy: JSON.stringify(failureKeyPolicy(partition, accountId)),
            },
            child,
        );
        const topic = new aws.sns.Topic(
            `${name}-failures`,
            { region, name: `${args.namePrefix}-automation-failures`, kmsMasterKeyId: key.arn },
            child,
        );
        const rule = new aws.cloudwatch.EventRule(
            `${name}-failures`,
            {
                region,
                name: `${args.namePrefix}-automation-failures`,
                description: "Failed, timed-out or cancelled Automation executions and steps, here and forwarded from members",
                eventPattern: JSON.stringify(failurePattern([executionDetailType, stepDetailType])),
            },
            child,
        );
        new aws.sns.TopicPolicy(
            `${name}-failures-policy`,
            {
                region,
                arn: topic.arn,
                policy: pulumi
                    .all([topic.arn, rule.arn])
                    .apply(([topicArn, ruleArn]) => JSON.stringify(failureTopicPolicy(topicArn, ruleArn, accountId))),
            },
            child,
        );
        new aws.cloudwatch.EventTarget(`${name}-failures`, { region, rule: rule.name, arn: topic.arn }, child);
        args.notificationEmails.forEach((email, index) => {
            new aws.sns.TopicSubscription(
                `${name}-email-${index}`,
                { region, topic: topic.arn, protocol: "email", endpoint: args.emailsAreSecret ? pulumi.secret(email) : email },
                child,
            );
        });
        new AutomationScriptLogs(
            `${name}-script-logs`,
            { partition, accountId, regions: args.regions, namePrefix: args.namePrefix, retentionDays: args.logRetentionDays },
            child,
        );
        this.registerOutputs({ administrationRoleArn: this.administrationRole.arn, topicArn: topic.arn });
    }
}
