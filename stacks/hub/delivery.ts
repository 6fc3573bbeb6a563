import * as pulumi from "@pulumi/pulumi";
import { DeliveryHub } from "../../components/delivery/hub";
import { memberRolesTemplate } from "../../components/delivery/policies";
import { OrganizationStackSet } from "../../components/organizationStackSet";
import type { HubPartInputs } from "../../components/hub";
import { accountsWithFeature, memberFeatures } from "../config/resolve";
import type { HubContext } from "./context";

/** Delivery's main-account side: OIDC, the deployer and read-only roles, and the member roles' StackSet. */
export function deployDeliveryHub(ctx: HubContext): HubPartInputs<"delivery"> {
    const { config } = ctx;
    const settings = config.delivery;
    if (!settings.enabled || !settings.pulumiOrganization) return undefined;
    const hub = new DeliveryHub(
        "delivery",
        {
            partition: ctx.partition,
            accountId: config.mainAccountId,
            region: config.homeRegion,
            organizationId: config.organizationId,
            pulumiOrganization: settings.pulumiOrganization,
            // Member stacks deploy through the deployer too, so their tokens are trusted along with delivery.stacks.
            stacks: [
                ...new Set([
                    ...settings.stacks,
                    ...config.memberStacks.filter((account) => memberFeatures(config, account).delivery).map((account) => account.stack),
                ]),
            ],
            deployerRoleName: settings.deployerRoleName,
            readOnlyRoleName: settings.readOnlyRoleName,
            deployerManagedPolicyArns: settings.deployerManagedPolicyArns,
            memberAccountIds: [
                ...new Set([...config.members.map((member) => member.accountId), ...accountsWithFeature(config, "delivery")]),
            ],
            memberDeployRoleName: settings.memberDeployRoleName,
            memberReadOnlyRoleName: settings.memberReadOnlyRoleName,
            memberDeployManagedPolicyArns: settings.memberDeployManagedPolicyArns,
            github:
                settings.github.actionsOidc && settings.github.repository
                    ? { repository: settings.github.repository, branch: settings.github.branch }
                    : undefined,
        },
        { provider: ctx.mainProvider },
    );
    if (settings.organizationalUnitIds.length > 0) {
        new OrganizationStackSet(
            "delivery-member-roles",
            {
                region: config.homeRegion,
                stackSetName: `${config.namePrefix}-deploy-roles`,
                description: "The deploy and read-only roles the hub assumes, in every account of the OUs",
                templateBody: pulumi.all([hub.deployerRole.arn, hub.readOnlyRole.arn]).apply(([deployerRoleArn, readOnlyRoleArn]) =>
                    memberRolesTemplate({
                        deployerRoleArn,
                        readOnlyRoleArn,
                        organizationId: config.organizationId,
                        deployRoleName: settings.memberDeployRoleName,
                        readOnlyRoleName: settings.memberReadOnlyRoleName,
                        deployManagedPolicyArns: settings.memberDeployManagedPolicyArns,
                    }),
                ),
                organizationalUnitIds: settings.organizationalUnitIds,
                callAs: config.management?.callAs ?? "SELF",
            },
            { provider: ctx.managementProvider() },
        );
    }
    return {
        deployerRoleArn: hub.deployerRole.arn,
        readOnlyRoleArn: hub.readOnlyRole.arn,
        memberDeployRoleName: settings.memberDeployRoleName,
        memberReadOnlyRoleName: settings.memberReadOnlyRoleName,
    };
}
