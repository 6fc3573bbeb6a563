import * as pulumi from "@pulumi/pulumi";
import type { HubOutputs } from "../components/hub";
import { MemberAccount } from "../components/memberAccount";
import { automationSettings, managedInstancesSettings } from "./config/features";
import { memberStackProblems } from "./config/checks";
import { StackConfigError } from "./config/load";
import { memberStackFeatures, stackRegions } from "./config/resolve";
import type { MemberStackConfig } from "./config/schema";
import { AccountProviders } from "./providers";

export interface MemberStackOutputs {
    accountId: string;
    mainStack: string;
    hubMainAccountId: pulumi.Output<string>;
}

/** Plain objects merge key by key (the member's value wins); lists and scalars are replaced whole. */
function overlay(base: unknown, override: unknown): unknown {
    if (override === undefined) return base;
    const isPlain = (value: unknown): value is Record<string, unknown> =>
        typeof value === "object" && value !== null && !Array.isArray(value);
    if (!isPlain(base) || !isPlain(override)) return override;
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(override)) merged[key] = overlay(base[key], value);
    return merged;
}

/**
 * Spoke mode: one member account with its own credentials, reading the hub's outputs from the main stack.
 * The hub's settings (managed instances, Automation grants, inventory collection) and this account's
 * capabilities as the main stack declares them under `memberStacks` apply unless this stack sets its own.
 */
export async function runMemberStack(config: MemberStackConfig): Promise<MemberStackOutputs> {
    const mainStack = new pulumi.StackReference(`${config.name}-main-stack`, { name: config.mainStack });
    const hub = mainStack.requireOutput("hub") as pulumi.Output<HubOutputs>;
    // The plain value decides which resources exist, so it is read before any is registered (known at preview).
    const hubValue = (await mainStack.getOutputValue("hub")) as HubOutputs | undefined;
    const declared = hubValue?.memberStacks?.[config.accountId];
    if (!declared) {
        throw new StackConfigError([
            `accountId ${JSON.stringify(config.accountId)} is not in the main stack's memberStacks (${config.mainStack}): add { accountId: "${config.accountId}", name: ${config.name}, stack: ${pulumi.getStack()} } there and deploy it first, so role A, launch permissions, the Automation administration role, delivery and Athena include this account`,
        ]);
    }
    const defaults = hubValue?.memberDefaults;
    const managedInstances = managedInstancesSettings.parse(overlay(defaults?.managedInstances ?? {}, config.overrides.managedInstances));
    const networkProblems = memberStackProblems({ managedInstances });
    if (networkProblems.length > 0) throw new StackConfigError(networkProblems);
    const automation = automationSettings.parse(overlay(defaults?.automation ?? {}, config.overrides.automation));
    const providers = new AccountProviders({ stack: pulumi.getStack(), homeRegion: config.homeRegion, extraTags: config.defaultTags });

    new MemberAccount(
        config.name,
        {
            accountId: config.accountId,
            accountName: config.name,
            regions: stackRegions(config),
            features: memberStackFeatures(config, declared.features),
            hub,
            accessRoleArn: "",
            collectInventoryWithAssociation: (config.overrides.inventoryCollection ?? defaults?.inventoryCollection) !== "quickSetup",
            namePrefix: config.namePrefix,
            managedInstances,
            automation,
            deployRoles: { managedPolicyArns: config.deployRoleManagedPolicyArns },
            parameterWriterRoleFromStackSet: declared.parameterWriterRoleFromStackSet,
        },
        { provider: providers.forAccount(config.accountId) },
    );

    return { accountId: config.accountId, mainStack: config.mainStack, hubMainAccountId: hub.apply((h) => h.mainAccountId) };
}
