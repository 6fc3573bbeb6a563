import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { role } from "../iam";
import { distributionRoleManagedPolicyArn, distributionRoleName, distributionRolePermissions, distributionRoleTrust } from "./policies";

export interface DistributionCrossAccountRoleArgs {
    partition: string;
    /** The account receiving AMI copies. */
    accountId: string;
    mainAccountId: pulumi.Input<string>;
    /** The AMI key of every region the copies come from and go to. */
    keyArns: pulumi.Input<string[] | undefined>;
    /** With native SSM parameters: the parameter Image Builder writes here. */
    nativeSsmParameterName: pulumi.Input<string | undefined>;
}

/**
 * EC2ImageBuilderDistributionCrossAccountRole in an account that receives copies of the golden AMI: Image Builder in
 * the main account assumes it to copy the AMI here (Image Builder User Guide, "Set up cross-account AMI distribution").
 */
export class DistributionCrossAccountRole extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;

    constructor(name: string, args: DistributionCrossAccountRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:goldenAmi:DistributionCrossAccountRole", name, {}, opts);
        const { partition, accountId } = args;
        this.role = role(
            `${name}-role`,
            {
                name: distributionRoleName,
                description: "Lets EC2 Image Builder in the main account copy the golden AMI into this account",
                trust: pulumi.output(args.mainAccountId).apply((main) => JSON.stringify(distributionRoleTrust(partition, main))),
                managedPolicyArns: [distributionRoleManagedPolicyArn(partition)],
                inlinePolicies: {
                    "copy-golden-amis": pulumi.all([args.keyArns, args.nativeSsmParameterName]).apply(([keyArns, parameterName]) => {
                        if (!keyArns || keyArns.length === 0)
                            throw new Error(
                                `account ${accountId} receives golden AMI copies, but the main stack exports no AMI keys: turn goldenAmi.pipeline on there and update it first`,
                            );
                        return JSON.stringify(distributionRolePermissions(partition, accountId, keyArns, parameterName));
                    }),
                },
            },
            { parent: this },
        );
        this.registerOutputs({ roleArn: this.role.arn });
    }
}
