import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { automationSettings, FeatureName } from "../stacks/config/features";
import { partitionOf } from "./arns";
import { DistributionCrossAccountRole } from "./goldenAmi/distributionRole";
import { ParameterWriterRole } from "./goldenAmi/parameterWriterRole";
import { AutomationMember } from "./automation/member";
import { MemberDeployRoles } from "./delivery/memberRoles";
import { AccountInventory, type SyncOwnership } from "./inventory/accountInventory";
import { ManagedInstances, type ManagedInstancesSettings } from "./managedInstances/managedInstances";
import { hubPart, type HubOutputs } from "./hub";

export interface MemberAccountArgs {
    accountId: string;
    /** Short name, used in child resource names. */
    accountName: string;
    /** Regions this account gets regional resources in; the first is its home region. */
    regions: string[];
    /** Which capabilities this account gets. Known at program time, so the resource graph is static. */
    features: Readonly<Record<FeatureName, boolean>>;
    /** With goldenAmi: Image Builder copies the AMI into this account, so it gets the cross-account distribution role. */
    receivesAmiCopies?: boolean;
    /** The hub's outputs: resource outputs in the main stack, a StackReference output in a member stack. */
    hub: pulumi.Input<HubOutputs>;
    /**
     * The role the account's provider assumes (hub mode), for code that runs outside the aws provider
     * (dynamic providers); empty when the ambient credentials are this account's (spoke mode).
     */
    accessRoleArn: string;
    /** False when Quick Setup (from the management account) collects inventory here. */
    collectInventoryWithAssociation: boolean;
    /** Existing resource data syncs: import or adopt them; and whether to keep the recorded access role (preview-only runs). */
    inventorySyncs: SyncOwnership & { keepRecordedAccessRole: boolean };
    namePrefix: string;
    /** Settings of the managed-instances capability (used when it is on). */
    managedInstances: ManagedInstancesSettings;
    /** What this account's Automation execution role may do beyond AmazonSSMAutomationRole, and script-log retention. */
    automation: Pick<AutomationSettings, "extraManagedPolicyArns" | "inlinePolicies" | "logRetentionDays">;
    /**
     * Create the deploy and read-only roles here (a member stack run with the account's own admin
     * credentials). The hub's StackSet creates them for the accounts of its OUs instead.
     */
    deployRoles?: { managedPolicyArns: string[] };
    /** Role B comes from the hub's StackSet (the account is in one of its OUs): don't create it a second time. */
    parameterWriterRoleFromStackSet?: boolean;
}

type AutomationSettings = z.output<typeof automationSettings>;

/**
 * Everything one member account gets. The caller passes the account's provider in `opts.provider`
 * (hub mode: a provider assuming a role; spoke mode: the member's own credentials); every child inherits it.
 */
export class MemberAccount extends pulumi.ComponentResource {
    readonly accountId: string;
    readonly regions: readonly string[];

    constructor(name: string, args: MemberAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:member:MemberAccount", name, {}, opts);
        this.accountId = args.accountId;
        this.regions = args.regions;
        const hub = pulumi.output(args.hub);
        const partition = partitionOf(args.regions[0]);

        if (args.features.goldenAmi && !args.parameterWriterRoleFromStackSet) {
            const goldenAmi = hub.apply((h) => hubPart(h, "goldenAmi"));
            new ParameterWriterRole(
                `${name}-ami-parameter-writer`,
                {
                    partition,
                    accountId: args.accountId,
                    roleName: goldenAmi.targetRoleName,
                    parameterPrefix: goldenAmi.parameterPrefix,
                    publisherRoleArn: goldenAmi.publisherRoleArn,
                    organizationId: hub.organizationId,
                },
                { parent: this },
            );
            if (args.receivesAmiCopies) {
                new DistributionCrossAccountRole(
                    `${name}-ami-distribution`,
                    {
                        partition,
                        accountId: args.accountId,
                        mainAccountId: hub.mainAccountId,
                        keyArns: goldenAmi.apply((g) => g.amiKeyArns),
                        nativeSsmParameterName: goldenAmi.apply((g) => g.nativeSsmParameterName),
                    },
                    { parent: this },
                );
            }
        }
        if (args.features.inventory) {
            new AccountInventory(
                `${name}-inventory`,
                {
                    regions: args.regions,
                    inventory: hub.apply((h) => hubPart(h, "inventory")),
                    accountId: args.accountId,
                    collectWithAssociation: args.collectInventoryWithAssociation,
                    accessRoleArn: args.accessRoleArn,
                    syncOwnership: args.inventorySyncs,
                    keepRecordedAccessRole: args.inventorySyncs.keepRecordedAccessRole,
                },
                { parent: this },
            );
        }

        if (args.features.managedInstances) {
            new ManagedInstances(
                `${name}-managed-instances`,
                {
                    accountId: args.accountId,
                    partition,
                    regions: args.regions,
                    namePrefix: args.namePrefix,
                    settings: args.managedInstances,
                    goldenAmiParameter: args.features.goldenAmi ? hub.apply((h) => hubPart(h, "goldenAmi").latestAmiParameter) : undefined,
                },
                { parent: this },
            );
        }

        if (args.features.automation) {
            const automation = hub.apply((h) => hubPart(h, "automation"));
            new AutomationMember(
                `${name}-automation`,
                {
                    partition,
                    accountId: args.accountId,
                    regions: args.regions,
                    namePrefix: args.namePrefix,
                    administrationRoleArn: automation.administrationRoleArn,
                    executionRoleName: automation.executionRoleName,
                    mainBusArn: automation.mainBusArn,
                    extraManagedPolicyArns: args.automation.extraManagedPolicyArns,
                    inlinePolicies: args.automation.inlinePolicies,
                    logRetentionDays: args.automation.logRetentionDays,
                },
                { parent: this },
            );
        }

        if (args.features.delivery && args.deployRoles) {
            const delivery = hub.apply((h) => hubPart(h, "delivery"));
            new MemberDeployRoles(
                `${name}-deploy-roles`,
                {
                    partition,
                    organizationId: hub.organizationId,
                    deployerRoleArn: delivery.deployerRoleArn,
                    readOnlyRoleArn: delivery.readOnlyRoleArn,
                    deployRoleName: delivery.memberDeployRoleName,
                    readOnlyRoleName: delivery.memberReadOnlyRoleName,
                    deployManagedPolicyArns: args.deployRoles.managedPolicyArns,
                },
                { parent: this },
            );
        }

        this.registerOutputs({ accountId: args.accountId, regions: args.regions });
    }
}
