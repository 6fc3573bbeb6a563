import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The log group aws:executeScript output goes to, the same name in every account and region. */
export function scriptLogGroupName(namePrefix: string): string {
    return `/${namePrefix}/automation/execute-script`;
}

export interface AutomationScriptLogsArgs {
    partition: string;
    accountId: string;
    regions: string[];
    namePrefix: string;
    retentionDays: number;
}

/**
 * Sends `aws:executeScript` output to CloudWatch Logs in each region: a log group with retention,
 * and the two Automation service settings that point at it (only executeScript steps log).
 */
export class AutomationScriptLogs extends pulumi.ComponentResource {
    constructor(name: string, args: AutomationScriptLogsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:automation:AutomationScriptLogs", name, {}, opts);
        const child = { parent: this };
        const setting = (region: string, id: string): string =>
            `arn:${args.partition}:ssm:${region}:${args.accountId}:servicesetting/ssm/automation/${id}`;
        for (const region of args.regions) {
            const logGroup = new aws.cloudwatch.LogGroup(
                `${name}-${region}`,
                { region, name: scriptLogGroupName(args.namePrefix), retentionInDays: args.retentionDays },
                child,
            );
            new aws.ssm.ServiceSetting(
                `${name}-destination-${region}`,
                { region, settingId: setting(region, "customer-script-log-destination"), settingValue: "CloudWatch" },
                child,
            );
            new aws.ssm.ServiceSetting(
                `${name}-group-${region}`,
                { region, settingId: setting(region, "customer-script-log-group-name"), settingValue: logGroup.name },
                child,
            );
        }
        this.registerOutputs({});
    }
}
