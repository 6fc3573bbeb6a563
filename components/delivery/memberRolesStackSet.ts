import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { memberRolesTemplate } from "./policies";

export interface MemberRolesStackSetArgs {
    region: string;
    namePrefix: string;
    organizationalUnitIds: string[];
    callAs: "SELF" | "DELEGATED_ADMIN";
    organizationId: string;
    deployerRoleArn: pulumi.Input<string>;
    readOnlyRoleArn: pulumi.Input<string>;
    deployRoleName: string;
    readOnlyRoleName: string;
    deployManagedPolicyArns: string[];
}

/**
 * The member deploy and read-only roles in every current and future account of the OUs: a
 * service-managed StackSet with automatic deployment, run from the management account or a
 * delegated administrator (pass its provider).
 */
export class MemberRolesStackSet extends pulumi.ComponentResource {
    readonly stackSet: aws.cloudformation.StackSet;

    constructor(name: string, args: MemberRolesStackSetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:delivery:MemberRolesStackSet", name, {}, opts);
        const child = { parent: this };
        this.stackSet = new aws.cloudformation.StackSet(
            `${name}-stack-set`,
            {
                region: args.region,
                name: `${args.namePrefix}-deploy-roles`,
                description: "The deploy and read-only roles the hub assumes, in every account of the OUs",
                permissionModel: "SERVICE_MANAGED",
                autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
                capabilities: ["CAPABILITY_NAMED_IAM"],
                callAs: args.callAs,
                templateBody: pulumi.all([args.deployerRoleArn, args.readOnlyRoleArn]).apply(([deployerRoleArn, readOnlyRoleArn]) =>
                    memberRolesTemplate({
                        deployerRoleArn,
                        readOnlyRoleArn,
                        organizationId: args.organizationId,
                        deployRoleName: args.deployRoleName,
                        readOnlyRoleName: args.readOnlyRoleName,
                        deployManagedPolicyArns: args.deployManagedPolicyArns,
                    }),
                ),
            },
            child,
        );
        new aws.cloudformation.StackSetInstance(
            `${name}-instances`,
            {
                region: args.region,
                stackSetName: this.stackSet.name,
                callAs: args.callAs,
                deploymentTargets: { organizationalUnitIds: args.organizationalUnitIds },
                stackSetInstanceRegion: args.region,
            },
            child,
        );
        this.registerOutputs({ stackSetName: this.stackSet.name });
    }
}
