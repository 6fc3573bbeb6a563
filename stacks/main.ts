import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { partitionOf, roleArn } from "../components/arns";
import type { HubOutputs } from "../components/hub";
import { MemberAccount } from "../components/memberAccount";
import type { MainStackConfig } from "./config/schema";
import {
    managementRoleName,
    memberAccessRoleName,
    memberFeatures,
    previewOnlyVariable,
    roleBFromStackSet,
    stackRegions,
} from "./config/resolve";
import type { HubContext } from "./hub/context";
import { deployAutomationHub } from "./hub/automation";
import { deployDeliveryHub } from "./hub/delivery";
import { deployGoldenAmiHub } from "./hub/goldenAmi";
import { deployInventoryHub } from "./hub/inventory";
import { deployFleetHub, withFleetSharing, type FleetOutputs } from "./fleet";
import { AccountProviders } from "./providers";

export interface MainStackOutputs {
    hub: pulumi.Output<HubOutputs>;
    members: { accountId: string; name: string; regions: string[]; providerRoleArn: string }[];
    /** Fleet mode: the discovered accounts and the settings their own stacks read (stacks/fleet.ts). */
    fleet?: pulumi.Output<FleetOutputs>;
}

/** Hub mode: the main account with the ambient (deployer) credentials, each member through one provider that assumes a role. */
export function runMainStack(config: MainStackConfig): MainStackOutputs {
    const partition = partitionOf(config.homeRegion);
    const regions = stackRegions(config);
    const providers = new AccountProviders({ stack: pulumi.getStack(), homeRegion: config.homeRegion, extraTags: config.defaultTags });
    const mainProvider = providers.forAccount(config.mainAccountId);
    const management = config.management;
    const managementProvider = (): aws.Provider =>
        management && management.accountId !== config.mainAccountId
            ? providers.forAccount(management.accountId, roleArn(partition, management.accountId, managementRoleName(config)))
            : mainProvider;
    const ctx: HubContext = {
        // With a fleet, the hub shares with its OUs (by ARN and organization path), never per account.
        config: withFleetSharing(config, partition),
        partition,
        regions,
        providers,
        mainProvider,
        managementProvider,
        managementAccountId: management?.accountId ?? config.mainAccountId,
    };

    const hub = pulumi.output({
        organizationId: config.organizationId,
        mainAccountId: config.mainAccountId,
        partition,
        homeRegion: config.homeRegion,
        regions,
        goldenAmi: deployGoldenAmiHub(ctx),
        inventory: deployInventoryHub(ctx),
        automation: deployAutomationHub(ctx),
        delivery: deployDeliveryHub(ctx),
        memberDefaults: {
            managedInstances: config.managedInstances,
            automation: {
                extraManagedPolicyArns: config.automation.extraManagedPolicyArns,
                inlinePolicies: config.automation.inlinePolicies,
                logRetentionDays: config.automation.logRetentionDays,
            },
            inventoryCollection: config.inventory.collection,
        },
        memberStacks: Object.fromEntries(
            config.memberStacks.map((account) => [
                account.accountId,
                {
                    name: account.name,
                    stack: account.stack,
                    features: memberFeatures(config, account),
                    parameterWriterRoleFromStackSet: roleBFromStackSet(config, account),
                },
            ]),
        ),
    }) as pulumi.Output<HubOutputs>;

    const members = config.members.map((member) => {
        const providerRoleArn = roleArn(partition, member.accountId, memberAccessRoleName(config, member));
        const memberRegions = member.regions ?? regions;
        new MemberAccount(
            member.name,
            {
                accountId: member.accountId,
                accountName: member.name,
                regions: memberRegions,
                features: memberFeatures(config, member),
                receivesAmiCopies:
                    config.goldenAmi.pipeline.enabled && config.goldenAmi.distribution.targetAccountIds.includes(member.accountId),
                hub,
                accessRoleArn: providerRoleArn,
                collectInventoryWithAssociation: config.inventory.collection === "association",
                inventorySyncs: {
                    adoptExistingSyncs: config.inventory.adoptExistingSyncs,
                    importSyncs: config.inventory.importSyncs,
                    keepRecordedAccessRole: process.env[previewOnlyVariable] === "true",
                },
                namePrefix: config.namePrefix,
                managedInstances: config.managedInstances,
                automation: config.automation,
                parameterWriterRoleFromStackSet: roleBFromStackSet(config, member),
            },
            { provider: providers.forAccount(member.accountId, providerRoleArn) },
        );
        return { accountId: member.accountId, name: member.name, regions: memberRegions, providerRoleArn };
    });

    const fleet = deployFleetHub(ctx);
    return fleet ? { hub, members, fleet } : { hub, members };
}
