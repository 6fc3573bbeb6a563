import * as awsNative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";

export interface InventoryQuickSetupArgs {
    namePrefix: string;
    organizationalUnitIds: string[];
    regions: string[];
}

/**
 * Quick Setup Host Management from the management account (pass its aws-native provider), with
 * inventory collection on, across the OUs and regions: the alternative to an association per account.
 */
export class InventoryQuickSetup extends pulumi.ComponentResource {
    constructor(name: string, args: InventoryQuickSetupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:inventory:InventoryQuickSetup", name, {}, opts);
        new awsNative.ssmquicksetup.ConfigurationManager(
            `${name}-host-management`,
            {
                name: `${args.namePrefix}-host-management`,
                description: "Host Management with inventory collection, managed by multi-account-ops",
                configurationDefinitions: [
                    {
                        type: "AWSQuickSetupType-SSMHostMgmt",
                        parameters: {
                            CollectInventory: "true",
                            UpdateSSMAgent: "true",
                            ScanInstances: "true",
                            UpdateEc2LaunchAgent: "false",
                            InstallCloudWatchAgent: "false",
                            TargetType: "*",
                            TargetOrganizationalUnits: args.organizationalUnitIds.join(","),
                            TargetRegions: args.regions.join(","),
                        },
                    },
                ],
            },
            { parent: this },
        );
        this.registerOutputs({});
    }
}
