import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicyArn } from "../arns";
import { role } from "../iam";
import { memberRoleTrust } from "./policies";

export interface MemberDeployRolesArgs {
    partition: string;
    organizationId: pulumi.Input<string>;
    deployerRoleArn: pulumi.Input<string>;
    readOnlyRoleArn: pulumi.Input<string>;
    deployRoleName: pulumi.Input<string>;
    readOnlyRoleName: pulumi.Input<string>;
    deployManagedPolicyArns: string[];
}

/**
 * The deploy and read-only roles in one account, made by that account's own member stack (run
 * once with its admin credentials): the alternative to the hub's StackSet for accounts outside its OUs.
 */
export class MemberDeployRoles extends pulumi.ComponentResource {
    readonly deployRole: aws.iam.Role;
    readonly readOnlyRole: aws.iam.Role;

    constructor(name: string, args: MemberDeployRolesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:delivery:MemberDeployRoles", name, {}, opts);
        const child = { parent: this };
        this.deployRole = role(
            `${name}-deploy`,
            {
                name: args.deployRoleName,
                description: "Assumed by the hub's deployer role to deploy this account",
                trust: pulumi
                    .all([args.deployerRoleArn, args.organizationId])
                    .apply(([deployer, org]) => JSON.stringify(memberRoleTrust([deployer], org))),
                managedPolicyArns: args.deployManagedPolicyArns,
            },
            child,
        );
        this.readOnlyRole = role(
            `${name}-read-only`,
            {
                name: args.readOnlyRoleName,
                description: "Assumed by the hub's deployer and preview roles to read this account",
                trust: pulumi
                    .all([args.deployerRoleArn, args.readOnlyRoleArn, args.organizationId])
                    .apply(([deployer, readOnly, org]) => JSON.stringify(memberRoleTrust([deployer, readOnly], org))),
                managedPolicyArns: [managedPolicyArn(args.partition, "ReadOnlyAccess")],
            },
            child,
        );
        this.registerOutputs({ deployRoleArn: this.deployRole.arn, readOnlyRoleArn: this.readOnlyRole.arn });
    }
}
