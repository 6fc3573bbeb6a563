import { AutomationHub } from "../../components/automation/hub";
import type { HubPartInputs } from "../../components/hub";
import { accountsWithFeature } from "../config/resolve";
import { fleetOrganizationPaths, fleetUses } from "../fleet";
import type { HubContext } from "./context";

/** Cross-account Automation's main-account side. */
export function deployAutomationHub(ctx: HubContext): HubPartInputs<"automation"> {
    const { config } = ctx;
    const settings = config.automation;
    if (!settings.enabled) return undefined;
    const hub = new AutomationHub(
        "automation",
        {
            partition: ctx.partition,
            accountId: config.mainAccountId,
            region: config.homeRegion,
            regions: ctx.regions,
            namePrefix: config.namePrefix,
            organizationId: config.organizationId,
            administrationRoleName: settings.administrationRoleName,
            executionRoleName: settings.executionRoleName,
            // Explicit fleet accounts by ARN; the fleet OUs' accounts by organization path, however many join.
            memberAccountIds: [
                ...accountsWithFeature(config, "automation"),
                ...(fleetUses(config, "automation") ? config.fleet.accountIds : []),
            ],
            fleetOrganizationPaths: fleetUses(config, "automation") ? fleetOrganizationPaths(config) : [],
            exactArnsUpTo: settings.exactArnsUpTo,
            notificationEmails: settings.notificationEmails,
            emailsAreSecret: config.secretKeys.has("automation"),
            logRetentionDays: settings.logRetentionDays,
        },
        { provider: ctx.mainProvider },
    );
    return { administrationRoleArn: hub.administrationRole.arn, executionRoleName: settings.executionRoleName, mainBusArn: hub.busArn };
}
