import * as pulumi from "@pulumi/pulumi";
import { partitionOf } from "../components/arns";
import { DeliveryHub } from "../components/delivery/hub";
import { githubEnvironmentSubject, previewEnvironment } from "../components/delivery/policies";
import type { HubOutputs } from "../components/hub";
import { unmatchedImportIds } from "../components/inventory/accountInventory";
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
    /** This stack's own OIDC roles (with features.delivery): point Deployments and the preview workflow at them. */
    delivery?: { deployerRoleArn: pulumi.Output<string>; readOnlyRoleArn: pulumi.Output<string> };
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
    const unmatched = unmatchedImportIds(config.inventory.importSyncs, [{ accountId: config.accountId, regions: stackRegions(config) }]);
    if (unmatched.length > 0) {
        throw new Error(
            `inventory.importSyncs: ${unmatched.join(", ")} is not a sync of this stack (account ${config.accountId}, regions ${stackRegions(config).join(", ")})`,
        );
    }
    const mainStack = new pulumi.StackReference(`${config.name}-main-stack`, { name: config.mainStack });
    const hub = mainStack.requireOutput("hub") as pulumi.Output<HubOutputs>;
    const stack = pulumi.getStack();
    // The plain value decides which resources exist, so it is read before any is registered (known at preview).
    const hubValue = (await mainStack.getOutputValue("hub")) as HubOutputs | undefined;
    const declared = hubValue?.memberStacks?.[config.accountId];
    if (!declared) {
        throw new StackConfigError([
            `accountId ${JSON.stringify(config.accountId)} is not in the main stack's memberStacks (${config.mainStack}): add { accountId: "${config.accountId}", name: ${config.name}, stack: ${stack} } there and deploy it first, so role A, launch permissions, the Automation administration role and Athena include this account`,
        ]);
    }
    const defaults = hubValue?.memberDefaults;
    const managedInstances = managedInstancesSettings.parse(overlay(defaults?.managedInstances ?? {}, config.overrides.managedInstances));
    const networkProblems = memberStackProblems({ managedInstances });
    if (networkProblems.length > 0) throw new StackConfigError(networkProblems);
    const automation = automationSettings.parse(overlay(defaults?.automation ?? {}, config.overrides.automation));
    const providers = new AccountProviders({ stack, homeRegion: config.homeRegion, extraTags: config.defaultTags });
    const provider = providers.forAccount(config.accountId);
    const features = memberStackFeatures(config, declared.features);
    // Delivery may be switched on by main's memberStacks entry, which the config parser cannot see: check here.
    if (features.delivery && !config.delivery.pulumiOrganization) {
        throw new StackConfigError([
            `delivery.pulumiOrganization is required: the main stack's memberStacks entry for ${config.accountId} turns delivery on, and this stack's own OIDC roles need the Pulumi organization as their audience`,
        ]);
    }

    new MemberAccount(
        config.name,
        {
            accountId: config.accountId,
            accountName: config.name,
            regions: stackRegions(config),
            features,
            receivesAmiCopies: config.goldenAmi.receivesCopies,
            hub,
            accessRoleArn: "",
            collectInventoryWithAssociation: (config.overrides.inventoryCollection ?? defaults?.inventoryCollection) !== "quickSetup",
            inventorySyncs: { ...config.inventory, keepRecordedAccessRole: false },
            namePrefix: config.namePrefix,
            managedInstances,
            automation,
            deployRoles: { managedPolicyArns: config.deployRoleManagedPolicyArns },
            parameterWriterRoleFromStackSet: declared.parameterWriterRoleFromStackSet,
        },
        { provider },
    );

    const settings = config.delivery;
    const repository = settings.github.repository;
    // The stack's own deployer and read-only roles in this account: they accept only this stack's tokens,
    // so neither Deployments nor the preview workflow ever hands this stack another account's credentials.
    const delivery =
        features.delivery && settings.pulumiOrganization
            ? new DeliveryHub(
                  `${config.name}-delivery`,
                  {
                      partition: partitionOf(config.homeRegion),
                      pulumiOrganization: settings.pulumiOrganization,
                      stacks: [stack],
                      deployerRoleName: settings.deployerRoleName,
                      readOnlyRoleName: settings.readOnlyRoleName,
                      deployerManagedPolicyArns: config.deployRoleManagedPolicyArns,
                      deployerAssumableRoleArns: [],
                      readOnlyAssumableRoleArns: [],
                      existingOidcProviders: settings.existingOidcProviders,
                      github: repository
                          ? { deploySubjects: [], previewSubjects: [githubEnvironmentSubject(repository, previewEnvironment(stack))] }
                          : undefined,
                  },
                  { provider },
              )
            : undefined;

    return {
        accountId: config.accountId,
        mainStack: config.mainStack,
        hubMainAccountId: hub.apply((h) => h.mainAccountId),
        delivery: delivery ? { deployerRoleArn: delivery.deployerRole.arn, readOnlyRoleArn: delivery.readOnlyRole.arn } : undefined,
    };
}
