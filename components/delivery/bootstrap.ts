import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicyArn, roleArn } from "../arns";
import { role } from "../iam";
import { OrganizationStackSet } from "../organizationStackSet";
import { hubAccessRolesTemplate, mainAccountRoleTrust } from "./policies";

export interface RolePair {
    roleName: string;
    readOnlyRoleName: string;
    managedPolicyArns: string[];
}

export interface DeliveryBootstrapArgs {
    partition: string;
    region: string;
    organizationId: string;
    mainAccountId: string;
    /** The main stack's deployer and preview role names: the only principals these roles trust. */
    deployerRoleName: string;
    readOnlyRoleName: string;
    /** Further main-account roles trusted like the deployer (the admin role of the first main run). */
    adminRoleArns: string[];
    stackSetName: string;
    /** The role the hub assumes in the management account, and its read-only twin. */
    management: RolePair;
    /** The hub's access role and its read-only twin, in every current and future account of the OUs. */
    members: RolePair & { organizationalUnitIds: string[] };
}

/**
 * What a main account that is not the management account needs there, made once with the management
 * account's credentials. AWS Organizations creates OrganizationAccountAccessRole only in the accounts it
 * creates, never in the management account
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access.html), and
 * invited accounts have none at all: these roles take its place.
 */
export class DeliveryBootstrap extends pulumi.ComponentResource {
    readonly managementRole: aws.iam.Role;
    readonly managementReadOnlyRole: aws.iam.Role;
    readonly stackSet: OrganizationStackSet;

    constructor(name: string, args: DeliveryBootstrapArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:delivery:DeliveryBootstrap", name, {}, opts);
        const child = { parent: this };
        const deployers = [roleArn(args.partition, args.mainAccountId, args.deployerRoleName), ...args.adminRoleArns];
        const readOnlyRoleArn = roleArn(args.partition, args.mainAccountId, args.readOnlyRoleName);
        const trust = (principals: string[]): string =>
            JSON.stringify(
                mainAccountRoleTrust({
                    partition: args.partition,
                    mainAccountId: args.mainAccountId,
                    principalRoleArns: principals,
                    organizationId: args.organizationId,
                }),
            );

        this.managementRole = role(
            `${name}-management`,
            {
                name: args.management.roleName,
                description:
                    "Assumed by the multi-account-ops deployer: StackSets, Quick Setup and organization reads from the management account",
                trust: trust(deployers),
                managedPolicyArns: args.management.managedPolicyArns,
            },
            child,
        );
        this.managementReadOnlyRole = role(
            `${name}-management-read-only`,
            {
                name: args.management.readOnlyRoleName,
                description: "Assumed by the multi-account-ops deployer and preview roles to read the management account",
                trust: trust([...deployers, readOnlyRoleArn]),
                managedPolicyArns: [managedPolicyArn(args.partition, "ReadOnlyAccess")],
            },
            child,
        );
        // Service-managed, automatic deployment: every current and future account of the OUs gets both
        // roles; the management account itself is never a target
        // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html).
        this.stackSet = new OrganizationStackSet(
            `${name}-hub-access-roles`,
            {
                region: args.region,
                stackSetName: args.stackSetName,
                description: "The role the multi-account-ops hub assumes in each account, and its read-only twin",
                templateBody: hubAccessRolesTemplate({
                    partition: args.partition,
                    mainAccountId: args.mainAccountId,
                    organizationId: args.organizationId,
                    deployerRoleArns: deployers,
                    readOnlyRoleArn,
                    roleName: args.members.roleName,
                    readOnlyRoleName: args.members.readOnlyRoleName,
                    managedPolicyArns: args.members.managedPolicyArns,
                }),
                organizationalUnitIds: args.members.organizationalUnitIds,
                callAs: "SELF",
            },
            child,
        );
        this.registerOutputs({
            managementRoleArn: this.managementRole.arn,
            managementReadOnlyRoleArn: this.managementReadOnlyRole.arn,
        });
    }
}
