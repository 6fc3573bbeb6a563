import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { amiKeyPolicy, type AmiReceivers } from "./policies";

export interface AmiKeysArgs {
    partition: string;
    accountId: string;
    namePrefix: string;
    /** Every region the AMI is built in or distributed to: a KMS key serves one region only. */
    regions: string[];
    receivers: AmiReceivers;
    /** Bring your own key instead: a multi-Region key whose replica in each region has this key ID. */
    existingKeyArn?: string;
}

/** The key ARN of a (multi-Region) key in another region: same account and key ID, that region. */
export function keyArnInRegion(keyArn: string, region: string): string {
    const parts = keyArn.split(":");
    parts[3] = region;
    return parts.join(":");
}

/**
 * The customer managed keys the golden AMI's snapshots are encrypted with, one per region. EC2 ("Share an AMI with
 * specific AWS accounts") cannot share an AMI whose snapshots use the AWS managed key aws/ebs, so every copy uses these.
 */
export class AmiKeys extends pulumi.ComponentResource {
    /** Key ARN per region. */
    readonly keyArns: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: AmiKeysArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:goldenAmi:AmiKeys", name, {}, opts);
        const child = { parent: this };
        const document = JSON.stringify(amiKeyPolicy(args.partition, args.accountId, args.receivers));
        this.keyArns = Object.fromEntries(
            args.regions.map((region) => {
                if (args.existingKeyArn) return [region, pulumi.output(keyArnInRegion(args.existingKeyArn, region))];
                const key = new aws.kms.Key(
                    `${name}-${region}`,
                    {
                        region,
                        description: "Encrypts the golden AMI's snapshots; usable by the accounts the AMI is shared with",
                        enableKeyRotation: true,
                        policy: document,
                    },
                    child,
                );
                new aws.kms.Alias(
                    `${name}-${region}-alias`,
                    { region, name: `alias/${args.namePrefix}-golden-ami`, targetKeyId: key.keyId },
                    child,
                );
                return [region, key.arn];
            }),
        );
        this.registerOutputs({ keyArns: this.keyArns });
    }
}
