import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { HubOutputs } from "../hub";
import { OrganizationResourceDataSync } from "./resourceDataSync";

export interface AccountInventoryArgs {
    regions: string[];
    inventory: pulumi.Output<NonNullable<HubOutputs["inventory"]>>;
    /** Quick Setup collects inventory from the management account instead of an association here. */
    collectWithAssociation: boolean;
    /** Role the sync's dynamic provider assumes in this account; empty: the ambient credentials. */
    accessRoleArn: string;
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
            // The dynamic provider runs outside the aws provider, so it reaches this account with accessRoleArn.
            return new OrganizationResourceDataSync(
                `${name}-sync-${region}`,
                {
                    syncName: inventory.syncName,
                    bucketName: inventory.bucketName,
                    bucketRegion: inventory.bucketRegion,
                    prefix: inventory.prefix,
                    kmsKeyArn: inventory.apply((i) => i.kmsKeyArn ?? ""),
                    region,
                    roleArn: args.accessRoleArn,
                },
                { parent: this },
            );
        });
        this.registerOutputs({ syncNames: this.syncs.map((sync) => sync.syncName) });
    }
}
