import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { role } from "../iam";
import { executionDetailType, failurePattern, forwarderPermissions, forwarderTrust, stepDetailType } from "./policies";

export interface FailureForwardingArgs {
    accountId: string;
    /** Regions whose Automation failures go to the main bus (never the main bus's own region in the main account). */
    regions: string[];
    namePrefix: string;
    mainBusArn: pulumi.Input<string>;
}

/**
 * Automation failures of one account, forwarded from each region to the main account's bus: a
 * forwarder role, then per region a rule for failed, timed-out and cancelled executions and steps with
 * the bus as target. EventBridge needs a role to put events on a bus in another account or Region
 * ("Sending and receiving events between AWS accounts" / "between AWS Regions", EventBridge User Guide).
 * Resource names are `<name>-forwarder-role` and `<name>-failures-<region>`, under `parent`.
 */
export function forwardFailures(name: string, args: FailureForwardingArgs, parent: pulumi.Resource): void {
    if (args.regions.length === 0) return;
    const child = { parent };
    const forwarder = role(
        `${name}-forwarder-role`,
        {
            name: `${args.namePrefix}-automation-forwarder`,
            description: "EventBridge forwards Automation failures to the main account's bus",
            trust: JSON.stringify(forwarderTrust(args.accountId)),
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
                description: "Failed, timed-out or cancelled Automation executions and steps, forwarded to the main account's bus",
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
}
