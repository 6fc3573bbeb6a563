import * as pulumi from "@pulumi/pulumi";
import type { HubOutputs } from "../components/hub";
import { MemberAccount } from "../components/memberAccount";
import { memberStackProblems } from "./config/checks";
import { fleetAccountOf, mainStackVariable } from "./config/fleet";
import { configNamespace, StackConfigError } from "./config/load";
import { fleetMemberSettings, type FleetOutputs } from "./fleet";
import { AccountProviders } from "./providers";

export interface FleetMemberOutputs {
    accountId: string;
    mainStack: string;
    regions: string[];
    features: string[];
}

/**
 * A fleet stack runs with no config file: its name (`member-<accountId>`) says which account it is, and
 * it has none of this project's config keys. A stack that has them (a memberStacks entry's own
 * Pulumi.<stack>.yaml) is an ordinary stack.
 */
export function fleetMemberAccount(stack = pulumi.getStack(), config = pulumi.runtime.allConfig()): string | undefined {
    const accountId = fleetAccountOf(stack);
    if (!accountId) return undefined;
    return Object.keys(config).some((key) => key.startsWith(`${configNamespace}:`)) ? undefined : accountId;
}

/** The main stack a fleet stack reads: MULTI_ACCOUNT_OPS_MAIN_STACK (the deployments stack sets it), else `main` of the same organization and project. */
export function fleetMainStack(env: NodeJS.ProcessEnv = process.env): string {
    return env[mainStackVariable] || `${pulumi.getOrganization()}/${pulumi.getProject()}/main`;
}

/**
 * Spoke mode for one fleet account: every setting comes from the main stack's `fleet` and `hub`
 * outputs, so per-account differences live in main's `fleet.overrides`, in one place. The outputs are
 * awaited before any resource is registered, so the resource graph follows the settings (known at preview).
 */
export async function runFleetMemberStack(accountId: string, mainStackName = fleetMainStack()): Promise<FleetMemberOutputs> {
    const main = new pulumi.StackReference("fleet-main-stack", { name: mainStackName });
    const fleet = (await main.getOutputValue("fleet")) as FleetOutputs | undefined;
    if (!fleet)
        throw new StackConfigError([
            `the main stack ${mainStackName} exports no "fleet" output: turn fleet.enabled on there and deploy it (or set ${mainStackVariable} to the right stack)`,
        ]);
    const account = fleet.accounts.find((a) => a.accountId === accountId);
    if (!account)
        throw new StackConfigError([
            `account ${accountId} is not in the fleet of ${mainStackName} (not below fleet.organizationalUnitIds, excluded, not ACTIVE, or run by the hub or its own member stack); ` +
                `its stack ${pulumi.getStack()} has nothing to deploy. If the account left the fleet, see docs/fleet.md ("When an account joins or leaves").`,
        ]);
    const settings = fleetMemberSettings(fleet, accountId);
    const networkProblems = memberStackProblems({ managedInstances: settings.managedInstances }).map(
        (problem) => `fleet.overrides.${accountId} (main stack): ${problem}`,
    );
    if (networkProblems.length > 0) throw new StackConfigError(networkProblems);
    const hub = main.requireOutput("hub") as pulumi.Output<HubOutputs>;
    const providers = new AccountProviders({ stack: pulumi.getStack(), homeRegion: settings.homeRegion, extraTags: settings.defaultTags });

    new MemberAccount(
        "fleet",
        {
            accountId,
            accountName: accountId,
            regions: settings.regions,
            features: settings.features,
            hub,
            // Spoke mode: the ambient credentials are this account's (Deployments' OIDC role), no role to assume.
            accessRoleArn: "",
            collectInventoryWithAssociation: settings.inventoryCollection === "association",
            inventorySyncs: { adoptExistingSyncs: settings.adoptExistingSyncs, importSyncs: [], keepRecordedAccessRole: false },
            namePrefix: settings.namePrefix,
            managedInstances: settings.managedInstances,
            automation: settings.automation,
            parameterWriterRoleFromStackSet: account.parameterWriterRoleFromStackSet,
        },
        { provider: providers.forAccount(accountId) },
    );

    return {
        accountId,
        mainStack: mainStackName,
        regions: settings.regions,
        features: Object.entries(settings.features)
            .filter(([, on]) => on)
            .map(([name]) => name),
    };
}
