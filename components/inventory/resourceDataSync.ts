import * as pulumi from "@pulumi/pulumi";
import { resourceDataSyncProvider } from "../../handlers/resourceDataSync/provider";

export interface OrganizationResourceDataSyncArgs {
    syncName: pulumi.Input<string>;
    bucketName: pulumi.Input<string>;
    bucketRegion: pulumi.Input<string>;
    prefix: pulumi.Input<string>;
    kmsKeyArn?: pulumi.Input<string>;
    /** The region whose inventory this sync sends. */
    region: pulumi.Input<string>;
    /** Role the provider assumes in the target account (client-sts); empty: the ambient credentials. */
    roleArn: pulumi.Input<string>;
    /** The account the sync is in: the provider refuses credentials of any other account. */
    accountId: pulumi.Input<string>;
    /** An existing sync of this name: fail (explaining how to import), import (take it over) or adopt (use, never delete). */
    onExisting: pulumi.Input<"fail" | "adopt" | "import">;
}

/**
 * An organization-based SSM resource data sync (handlers/resourceDataSync/provider.ts). Its ID is
 * `<account>/<region>/<name>`; it deletes only a sync it created or imported and still holds the claim
 * of, takes an existing sync only when told to, shows drift on refresh, and works cross-account from the hub.
 */
export class OrganizationResourceDataSync extends pulumi.dynamic.Resource {
    declare readonly syncName: pulumi.Output<string>;
    declare readonly bucketName: pulumi.Output<string>;
    declare readonly bucketRegion: pulumi.Output<string>;
    declare readonly prefix: pulumi.Output<string>;
    declare readonly kmsKeyArn: pulumi.Output<string | undefined>;
    declare readonly region: pulumi.Output<string>;
    declare readonly roleArn: pulumi.Output<string>;
    declare readonly accountId: pulumi.Output<string>;
    declare readonly ownership: pulumi.Output<"created" | "imported" | "adopted" | undefined>;
    declare readonly lastSyncStatusMessage: pulumi.Output<string | undefined>;
    declare readonly syncType: pulumi.Output<string>;
    declare readonly lastStatus: pulumi.Output<string | undefined>;
    declare readonly lastSuccessfulSyncTime: pulumi.Output<string | undefined>;
    declare readonly syncCreatedTime: pulumi.Output<string | undefined>;

    constructor(name: string, args: OrganizationResourceDataSyncArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            resourceDataSyncProvider,
            name,
            {
                ...args,
                kmsKeyArn: args.kmsKeyArn ?? "",
                syncType: undefined,
                ownership: undefined,
                claim: undefined,
                lastStatus: undefined,
                lastSyncStatusMessage: undefined,
                lastSuccessfulSyncTime: undefined,
                syncCreatedTime: undefined,
            },
            opts,
            "inventory",
            "OrganizationResourceDataSync",
        );
    }
}
