import * as pulumi from "@pulumi/pulumi";
import { DeliveryHub } from "../../components/delivery/hub";
import { roleArn } from "../../components/arns";
import { githubEnvironmentSubject, memberRolesTemplate, previewEnvironment } from "../../components/delivery/policies";
import { OrganizationStackSet } from "../../components/organizationStackSet";
import type { HubPartInputs } from "../../components/hub";
import type { HubContext } from "./context";

/** Delivery's main-account side: OIDC, the deployer and read-only roles, and the member roles' StackSet. */
export function deployDeliveryHub(ctx: HubContext): HubPartInputs<"delivery"> {
    const { config } = ctx;
    const settings = config.delivery;
    if (!settings.enabled || !settings.pulumiOrganization) return undefined;
    const memberArns = (roleName: string): string[] => config.members.map((member) => roleArn(ctx.partition, member.accountId, roleName));
    // In a preview-only run the read-only role is the main account's credentials, and every provider
    // assumes a read-only twin from there: members, the management account, the bucket account.
    const otherReadOnlyRoles: string[] = [];
    if (config.management && config.management.accountId !== config.mainAccountId)
        otherReadOnlyRoles.push(roleArn(ctx.partition, config.management.accountId, config.management.readOnlyRoleName));
    const bucketAccount = config.inventory.enabled ? config.inventory.bucketAccount : undefined;
    if (bucketAccount && bucketAccount.accountId !== config.mainAccountId)
        otherReadOnlyRoles.push(
            roleArn(ctx.partition, bucketAccount.accountId, bucketAccount.readOnlyRoleName ?? settings.memberReadOnlyRoleName),
        );
    const repository = settings.github.actionsOidc ? settings.github.repository : undefined;
    const hub = new DeliveryHub(
        "delivery",
        {
            partition: ctx.partition,
            pulumiOrganization: settings.pulumiOrganization,
            stacks: settings.stacks,
            deployerRoleName: settings.deployerRoleName,
            readOnlyRoleName: settings.readOnlyRoleName,
            deployerManagedPolicyArns: settings.deployerManagedPolicyArns,
            deployerAssumableRoleArns: memberArns(settings.memberDeployRoleName),
            readOnlyAssumableRoleArns: [...memberArns(settings.memberReadOnlyRoleName), ...otherReadOnlyRoles],
            existingOidcProviders: settings.existingOidcProviders,
            github: repository
                ? {
                      deploySubjects: [`repo:${repository}:ref:refs/heads/${settings.github.branch}`],
                      previewSubjects: settings.stacks.map((stack) => githubEnvironmentSubject(repository, previewEnvironment(stack))),
                  }
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
