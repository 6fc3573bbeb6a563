import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { HubOutputs } from "../hub";
import { OrganizationResourceDataSync } from "./resourceDataSync";

/** What a stack does with syncs that already exist in its accounts (docs/inventory.md, "Existing syncs"). */
export interface SyncOwnership {
    /** Use an existing sync of the same name and destination without ever deleting it. */
    adoptExistingSyncs: boolean;
    /** `<account>/<region>/<syncName>` of existing syncs to take over. */
    importSyncs: string[];
}

export interface AccountInventoryArgs {
    /** The account these resources are in; the syncs check their credentials belong to it. */
    accountId: string;
    regions: string[];
    inventory: pulumi.Output<NonNullable<HubOutputs["inventory"]>>;
    /** Quick Setup collects inventory from the management account instead of an association here. */
    collectWithAssociation: boolean;
    /** Role the sync's dynamic provider assumes in this account; empty: the ambient credentials. */
    accessRoleArn: string;
    syncOwnership: SyncOwnership;
    /**
     * A preview-only run reaches the account through its read-only role: keep the role recorded in
     * state, so the preview shows no change on the syncs.
     */
    keepRecordedAccessRole: boolean;
}

/** The resource name of a sync: by account and region, so renaming the member is not a new sync. */
export function syncResourceName(accountId: string, region: string): string {
    return `inventory-sync-${accountId}-${region}`;
}

/**
 * One account's inventory, per region: the State Manager association that gathers software
 * inventory from every managed instance, and the organization resource data sync to the central bucket.
 */
export class AccountInventory extends pulumi.ComponentResource {
    readonly syncs: OrganizationResourceDataSync[];

    constructor(name: string, args: AccountInventoryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:inventory:AccountInventory", name, {}, opts);
        const inventory = args.inventory;
        this.syncs = args.regions.map((region) => {
            if (args.collectWithAssociation) {
                new aws.ssm.Association(
                    `${name}-gather-${region}`,
                    {
                        region,
                        name: "AWS-GatherSoftwareInventory",
                        associationName: "multi-account-ops-gather-software-inventory",
                        scheduleExpression: inventory.schedule,
                        targets: [{ key: "InstanceIds", values: ["*"] }],
                    },
                    { parent: this },
                );
            }
            const onExisting = inventory.syncName.apply((syncName) =>
                args.syncOwnership.importSyncs.includes(`${args.accountId}/${region}/${syncName}`)
                    ? "import"
                    : args.syncOwnership.adoptExistingSyncs
                      ? "adopt"
                      : "fail",
            );
            // The dynamic provider runs outside the aws provider, so it reaches this account with accessRoleArn.
            return new OrganizationResourceDataSync(
                syncResourceName(args.accountId, region),
                {
                    syncName: inventory.syncName,
                    bucketName: inventory.bucketName,
                    bucketRegion: inventory.bucketRegion,
                    prefix: inventory.prefix,
                    kmsKeyArn: inventory.apply((i) => i.kmsKeyArn ?? ""),
                    region,
                    roleArn: args.accessRoleArn,
                    accountId: args.accountId,
                    onExisting,
                },
                {
                    parent: this,
                    // Its name before it was keyed by account (it carried the member's name): the same sync, not a new one.
                    aliases: [{ name: `${name}-sync-${region}` }],
                    ignoreChanges: args.keepRecordedAccessRole ? ["roleArn"] : [],
                },
            );
        });
        this.registerOutputs({ syncNames: this.syncs.map((sync) => sync.syncName) });
    }
}

/** Import IDs that name none of these accounts' syncs: reported, never ignored. */
export function unmatchedImportIds(importSyncs: string[], syncs: { accountId: string; regions: string[] }[], syncName?: string): string[] {
    const known = new Set(syncs.flatMap((s) => s.regions.map((region) => `${s.accountId}/${region}`)));
    return importSyncs.filter((id) => {
        const [account, region, name] = id.split("/");
        return !known.has(`${account}/${region}`) || (syncName !== undefined && name !== syncName);
    });
}
