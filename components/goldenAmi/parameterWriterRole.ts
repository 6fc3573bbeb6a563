import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { role } from "../iam";
import { parameterWriterPermissions, parameterWriterTrust } from "./policies";

export interface ParameterWriterRoleArgs {
    partition: string;
    accountId: string;
    roleName: pulumi.Input<string>;
    parameterPrefix: pulumi.Input<string>;
    publisherRoleArn: pulumi.Input<string>;
    organizationId: pulumi.Input<string>;
}

/** Role B in one receiving account: trusts only role A from inside the organization, writes only the prefix's parameters. */
export class ParameterWriterRole extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;

    constructor(name: string, args: ParameterWriterRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:goldenAmi:ParameterWriterRole", name, {}, opts);
        this.role = role(
            `${name}-role`,
            {
                name: args.roleName,
                description: "Role B: lets the golden AMI publisher write the latest AMI ID parameters",
                trust: pulumi
                    .all([args.publisherRoleArn, args.organizationId])
                    .apply(([publisher, org]) => JSON.stringify(parameterWriterTrust(publisher, org))),
                inlinePolicies: {
                    "write-latest-ami-parameters": pulumi
                        .output(args.parameterPrefix)
                        .apply((prefix) => JSON.stringify(parameterWriterPermissions(args.partition, args.accountId, prefix))),
                },
            },
            { parent: this },
        );
        this.registerOutputs({ roleArn: this.role.arn });
    }
}
