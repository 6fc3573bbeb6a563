import * as pulumi from "@pulumi/pulumi";
import { partitionOf } from "../components/arns";
import { DeliveryBootstrap } from "../components/delivery/bootstrap";
import type { BootstrapStackConfig } from "./config/schema";
import { AccountProviders } from "./providers";

export interface BootstrapStackOutputs {
    managementRoleArn: pulumi.Output<string>;
    managementReadOnlyRoleArn: pulumi.Output<string>;
    /** What to put in the main stack's config. */
    mainStackSettings: { management: { accountId: string; roleName: string; readOnlyRoleName: string }; hubRoleName: string };
}

/**
 * Run once with the management account's credentials, before the main stack: its roles trust the main
 * account's deployer through aws:PrincipalArn, so they are valid before that role exists.
 */
export function runBootstrapStack(config: BootstrapStackConfig): BootstrapStackOutputs {
    const providers = new AccountProviders({ stack: pulumi.getStack(), homeRegion: config.homeRegion, extraTags: config.defaultTags });
    const bootstrap = new DeliveryBootstrap(
        "bootstrap",
        {
            partition: partitionOf(config.homeRegion),
            region: config.homeRegion,
            organizationId: config.organizationId,
            mainAccountId: config.mainAccountId,
            deployerRoleName: config.deployerRoleName,
            readOnlyRoleName: config.readOnlyRoleName,
            adminRoleArns: config.adminRoleArns,
            stackSetName: `${config.namePrefix}-hub-access-roles`,
            management: config.management,
            members: config.members,
        },
        { provider: providers.forAccount(config.managementAccountId) },
    );
    return {
        managementRoleArn: bootstrap.managementRole.arn,
        managementReadOnlyRoleArn: bootstrap.managementReadOnlyRole.arn,
        mainStackSettings: {
            management: {
                accountId: config.managementAccountId,
                roleName: config.management.roleName,
                readOnlyRoleName: config.management.readOnlyRoleName,
            },
            hubRoleName: config.members.roleName,
        },
    };
}
