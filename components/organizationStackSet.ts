import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface OrganizationStackSetArgs {
    region: string;
    stackSetName: string;
    description: string;
    /** The CloudFormation template every account gets. */
    templateBody: pulumi.Input<string>;
    organizationalUnitIds: string[];
    callAs: "SELF" | "DELEGATED_ADMIN";
}

/**
 * A service-managed StackSet with automatic deployment: every current and future account of the
 * OUs gets the template. Run from the management account or a delegated administrator (pass its
 * provider). The management account itself is never a target.
 */
export class OrganizationStackSet extends pulumi.ComponentResource {
    readonly stackSet: aws.cloudformation.StackSet;

    constructor(name: string, args: OrganizationStackSetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:organization:OrganizationStackSet", name, {}, opts);
        const child = { parent: this };
        this.stackSet = new aws.cloudformation.StackSet(
            `${name}-stack-set`,
            {
                region: args.region,
                name: args.stackSetName,
                description: args.description,
                permissionModel: "SERVICE_MANAGED",
                autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
                capabilities: ["CAPABILITY_NAMED_IAM"],
                callAs: args.callAs,
                templateBody: args.templateBody,
            },
            child,
        );
        // The templates hold IAM roles, which are global: one stack instance region per account is enough.
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
