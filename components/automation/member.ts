import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicyArn } from "../arns";
import { role } from "../iam";
import { forwardFailures } from "./forwarding";
import { executionPassRole, executionScriptLogging, executionTargeting, executionTrust, inlineGrant } from "./policies";
import { AutomationScriptLogs, scriptLogGroupName } from "./scriptLogs";

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

/**
 * A member's side: the execution role (AmazonSSMAutomationRole, your grants, passing only itself,
 * finding targets by tag or resource group, writing script logs), failures forwarded to the main bus
 * from each region, and script logs.
 */
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
                    "find-targets": JSON.stringify(executionTargeting(partition, accountId, args.regions)),
                    "write-script-logs": JSON.stringify(
                        executionScriptLogging(
                            args.regions.map(
                                (region) => `arn:${partition}:logs:${region}:${accountId}:log-group:${scriptLogGroupName(args.namePrefix)}`,
                            ),
                        ),
                    ),
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

        forwardFailures(name, { accountId, regions: args.regions, namePrefix: args.namePrefix, mainBusArn: args.mainBusArn }, this);
        new AutomationScriptLogs(
            `${name}-script-logs`,
            { partition, accountId, regions: args.regions, namePrefix: args.namePrefix, retentionDays: args.logRetentionDays },
            child,
        );
        this.registerOutputs({ executionRoleArn: this.executionRole.arn });
    }
}
