import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { role } from "../iam";
import { forwardFailures } from "./forwarding";
import {
    administrationPermissions,
    administrationTrust,
    busPermission,
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
    /** Fleet mode: `aws:ResourceOrgPaths` patterns of the fleet OUs, whose accounts' own stacks create the execution role. */
    fleetOrganizationPaths?: string[];
    notificationEmails: string[];
    emailsAreSecret: boolean;
    logRetentionDays: number;
}

/**
 * The main account's side of cross-account Automation: the administration role, the default bus
 * accepting the organization's forwarded failures (one statement of ours), a rule for failed,
 * timed-out and cancelled executions and steps with the main account's other regions forwarding to
 * it, an encrypted topic with email subscriptions, and script logs.
 */
export class AutomationHub extends pulumi.ComponentResource {
    readonly administrationRole: aws.iam.Role;
    readonly busArn: string;

    constructor(name: string, args: AutomationHubArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:automation:AutomationHub", name, {}, opts);
        const { partition, accountId, region } = args;
        const child = { parent: this };
        const executionRoleArns = args.memberAccountIds.map((id) => `arn:${partition}:iam::${id}:role/${args.executionRoleName}`);
        const orgWide = args.memberAccountIds.length > args.exactArnsUpTo ? { executionRoleName: args.executionRoleName } : undefined;
        this.administrationRole = role(
            `${name}-administration-role`,
            {
                name: args.administrationRoleName,
                description: "Systems Manager Automation administration: assumes the execution role in member accounts",
                trust: JSON.stringify(administrationTrust(accountId)),
                inlinePolicies: {
                    "assume-execution-roles": JSON.stringify(
                        administrationPermissions(partition, args.organizationId, executionRoleArns, orgWide, {
                            executionRoleName: args.executionRoleName,
                            organizationPaths: args.fleetOrganizationPaths ?? [],
                        }),
                    ),
                },
            },
            child,
        );

        this.busArn = `arn:${partition}:events:${region}:${accountId}:event-bus/default`;
        // Only our statement (PutPermission): an EventBusPolicy would replace the whole default bus policy
        // ("EventBusPolicy ... will overwrite permissions", Pulumi aws.cloudwatch.EventPermission docs).
        new aws.cloudwatch.EventPermission(
            `${name}-bus-permission`,
            { region, eventBusName: "default", ...busPermission(args.namePrefix, args.organizationId) },
            child,
        );
        // The main account's own failures in its other regions reach the same bus and topic.
        forwardFailures(
            name,
            { accountId, regions: args.regions.filter((r) => r !== region), namePrefix: args.namePrefix, mainBusArn: this.busArn },
            this,
        );

        const topicName = `${args.namePrefix}-automation-failures`;
        const topicArn = `arn:${partition}:sns:${region}:${accountId}:${topicName}`;
        const key = new aws.kms.Key(
            `${name}-key`,
            {
                region,
                description: "Encrypts Automation failure notifications",
                enableKeyRotation: true,
                policy: JSON.stringify(failureKeyPolicy(partition, accountId, topicArn)),
            },
            child,
        );
        const topic = new aws.sns.Topic(`${name}-failures`, { region, name: topicName, kmsMasterKeyId: key.arn }, child);
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
