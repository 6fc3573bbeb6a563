import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { role } from "../iam";
import { orgReaderPermissions, orgReaderTrust } from "./policies";

export interface OrgReaderRoleArgs {
    name: string;
    publisherRoleArn: pulumi.Input<string>;
    organizationId: string;
}

/** In the management account: lets the AMI publisher list the accounts of shared OUs, and nothing else. */
export class OrgReaderRole extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;

    constructor(name: string, args: OrgReaderRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:goldenAmi:OrgReaderRole", name, {}, opts);
        this.role = role(
            `${name}-role`,
            {
                name: args.name,
                description: "Lets the golden AMI publisher resolve shared OUs to accounts",
                trust: pulumi
                    .output(args.publisherRoleArn)
                    .apply((publisher) => JSON.stringify(orgReaderTrust(publisher, args.organizationId))),
                inlinePolicies: { "list-organization-accounts": JSON.stringify(orgReaderPermissions()) },
            },
            { parent: this },
        );
        this.registerOutputs({ roleArn: this.role.arn });
    }
}
