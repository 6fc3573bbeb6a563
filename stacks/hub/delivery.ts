import * as pulumi from "@pulumi/pulumi";
import { DeliveryHub } from "../../components/delivery/hub";
import { roleArn } from "../../components/arns";
import { githubEnvironmentSubject, memberRolesTemplate, previewEnvironment } from "../../components/delivery/policies";
import { OrganizationStackSet } from "../../components/organizationStackSet";
import type { HubPartInputs } from "../../components/hub";
import { bucketAccountRoleName, managementRoleName } from "../config/resolve";
import type { HubContext } from "./context";

/** Delivery's main-account side: OIDC, the deployer and read-only roles, and the member roles' StackSet. */
export function deployDeliveryHub(ctx: HubContext): HubPartInputs<"delivery"> {
    const { config } = ctx;
    const settings = config.delivery;
    if (!settings.enabled || !settings.pulumiOrganization) return undefined;
    const memberArns = (roleName: string): string[] => config.members.map((member) => roleArn(ctx.partition, member.accountId, roleName));
    // Cross-account, the trust policy is not enough: the deployer's own identity policy must allow
    // sts:AssumeRole on every role its providers assume (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html),
    // so a deployer narrowed below AdministratorAccess still reaches them: each member's access role (and the
    // deploy role useDeployRoles switches to), the management account's role, the bucket account's role.
    // Taken with no preview switch, so the deployer's policy is the same in every run.
    const writeRun: NodeJS.ProcessEnv = {};
    const deployerAssumable = [
        ...config.members.map((member) => roleArn(ctx.partition, member.accountId, member.hubRoleName)),
        ...memberArns(settings.memberDeployRoleName),
    ];
    if (config.management && config.management.accountId !== config.mainAccountId)
        deployerAssumable.push(roleArn(ctx.partition, config.management.accountId, managementRoleName(config, writeRun)));
    // In a preview-only run the read-only role is the main account's credentials, and every provider
    // assumes a read-only twin from there: members, the management account, the bucket account.
    const otherReadOnlyRoles: string[] = [];
    if (config.management && config.management.accountId !== config.mainAccountId)
        otherReadOnlyRoles.push(roleArn(ctx.partition, config.management.accountId, config.management.readOnlyRoleName));
    const bucketAccount = config.inventory.enabled ? config.inventory.bucketAccount : undefined;
    if (bucketAccount && bucketAccount.accountId !== config.mainAccountId) {
        otherReadOnlyRoles.push(
            roleArn(ctx.partition, bucketAccount.accountId, bucketAccount.readOnlyRoleName ?? settings.memberReadOnlyRoleName),
        );
        deployerAssumable.push(roleArn(ctx.partition, bucketAccount.accountId, bucketAccountRoleName(config, writeRun)));
    }
    const repository = settings.github.actionsOidc ? settings.github.repository : undefined;
    const hub = new DeliveryHub(
        "delivery",
        {
            partition: ctx.partition,
            pulumiOrganization: settings.pulumiOrganization,
            // Member stacks (memberStacks) have their own OIDC roles in their own accounts: never trusted here.
            stacks: settings.stacks,
            deployerRoleName: settings.deployerRoleName,
            readOnlyRoleName: settings.readOnlyRoleName,
            deployerManagedPolicyArns: settings.deployerManagedPolicyArns,
            deployerAssumableRoleArns: deployerAssumable,
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
