import * as pulumi from "@pulumi/pulumi";
import { partitionOf } from "../components/arns";
import { DeliveryHub } from "../components/delivery/hub";
import { githubEnvironmentSubject, previewEnvironment } from "../components/delivery/policies";
import type { HubOutputs } from "../components/hub";
import { unmatchedImportIds } from "../components/inventory/accountInventory";
import { MemberAccount } from "../components/memberAccount";
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

/** Spoke mode: one member account with its own credentials, reading the hub's outputs from the main stack. */
export function runMemberStack(config: MemberStackConfig): MemberStackOutputs {
    const unmatched = unmatchedImportIds(config.inventory.importSyncs, [{ accountId: config.accountId, regions: stackRegions(config) }]);
    if (unmatched.length > 0) {
        throw new Error(
            `inventory.importSyncs: ${unmatched.join(", ")} is not a sync of this stack (account ${config.accountId}, regions ${stackRegions(config).join(", ")})`,
        );
    }
    const mainStack = new pulumi.StackReference(`${config.name}-main-stack`, { name: config.mainStack });
    const hub = mainStack.requireOutput("hub") as pulumi.Output<HubOutputs>;
    const stack = pulumi.getStack();
    const providers = new AccountProviders({ stack, homeRegion: config.homeRegion, extraTags: config.defaultTags });
    const provider = providers.forAccount(config.accountId);

    new MemberAccount(
        config.name,
        {
            accountId: config.accountId,
            accountName: config.name,
            regions: stackRegions(config),
            features: memberStackFeatures(config),
            receivesAmiCopies: config.goldenAmi.receivesCopies,
            hub,
            accessRoleArn: "",
            collectInventoryWithAssociation: config.inventoryCollection === "association",
            inventorySyncs: { ...config.inventory, keepRecordedAccessRole: false },
            namePrefix: config.namePrefix,
            managedInstances: config.managedInstances,
            automation: config.automation,
            deployRoles: { managedPolicyArns: config.deployRoleManagedPolicyArns },
        },
        { provider },
    );

    const settings = config.delivery;
    const repository = settings.github.repository;
    // The stack's own deployer and read-only roles in this account: they accept only this stack's tokens,
    // so neither Deployments nor the preview workflow ever hands this stack another account's credentials.
    const delivery =
        config.features.delivery && settings.pulumiOrganization
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
