import * as pulumi from "@pulumi/pulumi";
import type { HubOutputs } from "../components/hub";
import { MemberAccount } from "../components/memberAccount";
import { memberStackFeatures, stackRegions } from "./config/resolve";
import type { MemberStackConfig } from "./config/schema";
import { AccountProviders } from "./providers";

export interface MemberStackOutputs {
    accountId: string;
    mainStack: string;
    hubMainAccountId: pulumi.Output<string>;
}

/** Spoke mode: one member account with its own credentials, reading the hub's outputs from the main stack. */
export function runMemberStack(config: MemberStackConfig): MemberStackOutputs {
    const mainStack = new pulumi.StackReference(`${config.name}-main-stack`, { name: config.mainStack });
    const hub = mainStack.requireOutput("hub") as pulumi.Output<HubOutputs>;
    const providers = new AccountProviders({ stack: pulumi.getStack(), homeRegion: config.homeRegion, extraTags: config.defaultTags });

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
            namePrefix: config.namePrefix,
            managedInstances: config.managedInstances,
            automation: config.automation,
            deployRoles: { managedPolicyArns: config.deployRoleManagedPolicyArns },
        },
        { provider: providers.forAccount(config.accountId) },
    );

    return { accountId: config.accountId, mainStack: config.mainStack, hubMainAccountId: hub.apply((h) => h.mainAccountId) };
}
