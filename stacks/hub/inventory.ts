import * as awsNative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import { roleArn } from "../../components/arns";
import type { HubPartInputs } from "../../components/hub";
import { AccountInventory, unmatchedImportIds } from "../../components/inventory/accountInventory";
import { InventoryBucket } from "../../components/inventory/bucket";
import { InventoryQueries } from "../../components/inventory/queries";
import { InventoryQuickSetup } from "../../components/inventory/quickSetup";
import { accountsWithFeature, bucketAccountRoleName, managementRoleName, memberFeatures } from "../config/resolve";
import { fleetUses } from "../fleet";
import type { HubContext } from "./context";

/** The inventory capability's hub side: the central bucket (in the main or aggregation account), Athena, and Quick Setup if chosen. */
export function deployInventoryHub(ctx: HubContext): HubPartInputs<"inventory"> {
    const { config, partition } = ctx;
    const settings = config.inventory;
    if (!settings.enabled) return undefined;

    const bucketAccountId = settings.bucketAccount?.accountId ?? config.mainAccountId;
    const bucketProvider =
        settings.bucketAccount && settings.bucketAccount.accountId !== config.mainAccountId
            ? ctx.providers.forAccount(bucketAccountId, roleArn(partition, bucketAccountId, bucketAccountRoleName(config)))
            : ctx.mainProvider;
    const region = config.homeRegion;
    const bucketName = settings.bucketName ?? `${config.namePrefix}-inventory-${bucketAccountId}-${region}`;

    const bucket = new InventoryBucket(
        "inventory-bucket",
        {
            partition,
            accountId: bucketAccountId,
            region,
            namePrefix: config.namePrefix,
            bucketName,
            prefix: settings.prefix,
            organizationId: config.organizationId,
            useKms: settings.encryption === "KMS",
            noncurrentVersionExpirationDays: settings.noncurrentVersionExpirationDays,
        },
        { provider: bucketProvider },
    );

    const collectedMembers = config.members.filter((member) => memberFeatures(config, member).inventory);
    // Athena covers member-stack accounts too; the syncs here are only the hub members'.
    const collected = accountsWithFeature(config, "inventory");
    const syncAccounts = [
        ...(settings.includeMainAccount ? [{ accountId: config.mainAccountId, regions: ctx.regions }] : []),
        ...collectedMembers.map((member) => ({ accountId: member.accountId, regions: member.regions ?? ctx.regions })),
    ];
    const unmatched = unmatchedImportIds(settings.importSyncs, syncAccounts, settings.syncName);
    if (unmatched.length > 0) {
        throw new Error(
            `inventory.importSyncs: ${unmatched.join(", ")} names no sync of this stack (syncs are <account>/<region>/${settings.syncName} for ` +
                `${syncAccounts.map((a) => `${a.accountId} in ${a.regions.join(", ")}`).join("; ")})`,
        );
    }
    const accountIds = [
        ...new Set([...(settings.includeMainAccount ? [config.mainAccountId] : []), ...collected, ...settings.athena.extraAccountIds]),
    ];
    if (settings.athena.enabled) {
        new InventoryQueries(
            "inventory-queries",
            {
                region,
                namePrefix: config.namePrefix,
                bucketName: bucket.bucket.bucket,
                prefix: settings.prefix,
                // A fleet's accounts are not listed: they join and leave without a change here.
                accountIds: fleetUses(config, "inventory") ? "injected" : accountIds,
                regions: ctx.regions,
                resultsBucketName: `${config.namePrefix}-athena-${bucketAccountId}-${region}`,
                kmsKeyArn: bucket.key?.arn,
                bytesScannedCutoffPerQuery: settings.athena.bytesScannedCutoffPerQuery,
                resultsExpirationDays: settings.athena.resultsExpirationDays,
            },
            { provider: bucketProvider },
        );
    }

    const collectWithAssociation = settings.collection === "association";
    if (!collectWithAssociation) {
        const management = config.management;
        const nativeProvider = new awsNative.Provider(`aws-native-${ctx.managementAccountId}`, {
            region: region as awsNative.Region,
            allowedAccountIds: [ctx.managementAccountId],
            assumeRole:
                management && management.accountId !== config.mainAccountId
                    ? { roleArn: roleArn(partition, management.accountId, managementRoleName(config)), sessionName: "multi-account-ops" }
                    : undefined,
        });
        new InventoryQuickSetup(
            "inventory-quick-setup",
            { namePrefix: config.namePrefix, organizationalUnitIds: settings.quickSetup.organizationalUnitIds, regions: ctx.regions },
            { provider: nativeProvider },
        );
    }

    const inventory = {
        bucketName: bucket.bucket.bucket,
        bucketRegion: region,
        prefix: settings.prefix,
        syncName: settings.syncName,
        kmsKeyArn: bucket.key?.arn,
        schedule: settings.schedule,
    };

    if (settings.includeMainAccount) {
        new AccountInventory(
            "main-inventory",
            {
                regions: ctx.regions,
                inventory: pulumi.output(inventory),
                accountId: config.mainAccountId,
                collectWithAssociation,
                accessRoleArn: "",
                syncOwnership: { adoptExistingSyncs: settings.adoptExistingSyncs, importSyncs: settings.importSyncs },
                keepRecordedAccessRole: false,
            },
            { provider: ctx.mainProvider },
        );
    }
    return inventory;
}
