import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicyArn } from "../arns";
import { role } from "../iam";
import {
    executionDetailType,
    executionPassRole,
    executionTrust,
    failurePattern,
    forwarderPermissions,
    forwarderTrust,
    inlineGrant,
    stepDetailType,
} from "./policies";
import { AutomationScriptLogs } from "./scriptLogs";

export interface AutomationMemberArgs {
    partition: string;
    accountId: string;
    regions: string[];
    namePrefix: string;
    administrationRoleArn: pulumi.Input<string>;
    executionRoleName: pulumi.Input<string>;
    mainBusArn: pulumi.Input<string>;
    extraManagedPolicyArns: string[];
    inlinePolicies: Record<string, { actions: string[]; resources: string[] }>;
    logRetentionDays: number;
}

/** A member's side: the execution role, failures forwarded to the main bus from each region, and script logs. */
export class AutomationMember extends pulumi.ComponentResource {
    readonly executionRole: aws.iam.Role;

    constructor(name: string, args: AutomationMemberArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:automation:AutomationMember", name, {}, opts);
        const { partition, accountId } = args;
        const child = { parent: this };
        const executionRoleArn = pulumi.interpolate`arn:${partition}:iam::${accountId}:role/${args.executionRoleName}`;
        this.executionRole = role(
            `${name}-execution-role`,
            {
                name: args.executionRoleName,
                description: "Systems Manager Automation execution role, assumed by the main account's administration role",
                trust: pulumi.output(args.administrationRoleArn).apply((admin) => JSON.stringify(executionTrust(admin, accountId))),
                managedPolicyArns: [managedPolicyArn(partition, "service-role/AmazonSSMAutomationRole"), ...args.extraManagedPolicyArns],
                inlinePolicies: {
                    "pass-only-itself": executionRoleArn.apply((arn) => JSON.stringify(executionPassRole(arn))),
                    ...Object.fromEntries(
                        Object.entries(args.inlinePolicies).map(([policyName, grant]) => [
                            policyName,
                            JSON.stringify(inlineGrant(grant.actions, grant.resources)),
                        ]),
                    ),
                },
            },
            child,
        );

        const forwarder = role(
            `${name}-forwarder-role`,
            {
                name: `${args.namePrefix}-automation-forwarder`,
                description: "EventBridge forwards Automation failures to the main account's bus",
                trust: JSON.stringify(forwarderTrust(accountId)),
                inlinePolicies: {
                    "put-on-main-bus": pulumi.output(args.mainBusArn).apply((bus) => JSON.stringify(forwarderPermissions(bus))),
                },
            },
            child,
        );
        for (const region of args.regions) {
            const rule = new aws.cloudwatch.EventRule(
                `${name}-failures-${region}`,
                {
                    region,
                    name: `${args.namePrefix}-automation-failures`,
                    description: "Failed, timed-out or cancelled Automation executions and steps, forwarded to the main account",
                    eventPattern: JSON.stringify(failurePattern([executionDetailType, stepDetailType])),
                },
                child,
            );
            new aws.cloudwatch.EventTarget(
                `${name}-failures-${region}`,
                { region, rule: rule.name, arn: args.mainBusArn, roleArn: forwarder.arn },
                child,
            );
        }
        new AutomationScriptLogs(
            `${name}-script-logs`,
            { partition, accountId, regions: args.regions, namePrefix: args.namePrefix, retentionDays: args.logRetentionDays },
            child,
        );
        this.registerOutputs({ executionRoleArn: this.executionRole.arn });
    }
}
