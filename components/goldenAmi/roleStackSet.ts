import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { parameterWriterTemplate } from "./policies";

export interface ParameterWriterStackSetArgs {
    region: string;
    namePrefix: string;
    organizationalUnitIds: string[];
    callAs: "SELF" | "DELEGATED_ADMIN";
    roleName: string;
    parameterPrefix: string;
    publisherRoleArn: pulumi.Input<string>;
    organizationId: string;
}

/**
 * Role B in every current and future account of the OUs, with a service-managed StackSet run from
 * the management account or a delegated administrator (pass that account's provider).
 */
export class ParameterWriterStackSet extends pulumi.ComponentResource {
    readonly stackSet: aws.cloudformation.StackSet;

    constructor(name: string, args: ParameterWriterStackSetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:goldenAmi:ParameterWriterStackSet", name, {}, opts);
        const child = { parent: this };
        this.stackSet = new aws.cloudformation.StackSet(
            `${name}-stack-set`,
            {
                region: args.region,
                name: `${args.namePrefix}-ami-parameter-writer`,
                description: "Role B for the golden AMI publisher, in every account of the shared OUs",
                permissionModel: "SERVICE_MANAGED",
                autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
                capabilities: ["CAPABILITY_NAMED_IAM"],
                callAs: args.callAs,
                templateBody: pulumi
                    .output(args.publisherRoleArn)
                    .apply((publisher) => parameterWriterTemplate(publisher, args.organizationId, args.roleName, args.parameterPrefix)),
            },
            child,
        );
        // IAM is global: one stack instance region per account is enough.
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
