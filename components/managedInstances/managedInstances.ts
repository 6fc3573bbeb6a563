import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { managedInstancesSettings } from "../../stacks/config/features";
import { managedPolicyArn } from "../arns";
import { role } from "../iam";
import { PrivateNetwork } from "./network";
import { defaultHostManagementTrust, instanceRoleTrust, sessionKeyPolicy, sessionPermissions } from "./policies";

export type ManagedInstancesSettings = z.output<typeof managedInstancesSettings>;

export interface ManagedInstancesArgs {
    accountId: string;
    partition: string;
    regions: string[];
    namePrefix: string;
    settings: ManagedInstancesSettings;
    /** The golden AMI parameter in this account (`<prefix>/<recipe>`), when the sample instance should use it. */
    goldenAmiParameter?: pulumi.Input<string>;
}

const defaultAmiParameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

/**
 * Systems Manager for private instances in one account: the instance role and profile (and the
 * Default Host Management role) once, then per region the private network with its endpoints, the
 * Default Host Management setting, Session Manager preferences and an optional hardened sample instance.
 */
export class ManagedInstances extends pulumi.ComponentResource {
    readonly instanceRole: aws.iam.Role;
    readonly instanceProfile: aws.iam.InstanceProfile;

    constructor(name: string, args: ManagedInstancesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:managedInstances:ManagedInstances", name, {}, opts);
        const { partition, accountId, settings } = args;
        const child = { parent: this };

        // Session Manager: a key and a log group per region, which the instance role and the Default Host
        // Management role may use.
        const sessionLogGroupName = `/${args.namePrefix}/session-manager`;
        const sessions = settings.sessionManager.enabled
            ? args.regions.map((region) => {
                  const key = new aws.kms.Key(
                      `${name}-sessions-key-${region}`,
                      {
                          region,
                          description: "Encrypts Session Manager sessions and their logs",
                          enableKeyRotation: true,
                          policy: JSON.stringify(sessionKeyPolicy(partition, accountId, region, sessionLogGroupName)),
                      },
                      child,
                  );
                  const logGroup = new aws.cloudwatch.LogGroup(
                      `${name}-sessions-logs-${region}`,
                      {
                          region,
                          name: sessionLogGroupName,
                          retentionInDays: settings.sessionManager.logRetentionDays,
                          kmsKeyId: key.arn,
                      },
                      child,
                  );
                  return { region, key, logGroup };
              })
            : [];

        const sessionInlinePolicies =
            sessions.length > 0
                ? {
                      "session-logging": pulumi
                          .all([pulumi.all(sessions.map((s) => s.logGroup.arn)), pulumi.all(sessions.map((s) => s.key.arn))])
                          .apply(([logGroups, keys]) => JSON.stringify(sessionPermissions(logGroups, keys))),
                  }
                : undefined;
        this.instanceRole = role(
            `${name}-instance-role`,
            {
                name: `${args.namePrefix}-ssm-instance`,
                description: "Instances managed by Systems Manager through VPC endpoints",
                trust: JSON.stringify(instanceRoleTrust()),
                managedPolicyArns: [managedPolicyArn(partition, "AmazonSSMManagedInstanceCore")],
                inlinePolicies: sessionInlinePolicies,
            },
            child,
        );
        this.instanceProfile = new aws.iam.InstanceProfile(
            `${name}-instance-profile`,
            { name: `${args.namePrefix}-ssm-instance`, role: this.instanceRole.name },
            child,
        );

        const hostManagementRole = settings.defaultHostManagement
            ? role(
                  `${name}-default-host-management-role`,
                  {
                      name: `${args.namePrefix}-default-host-management`,
                      description: "Default Host Management Configuration: manages instances that have no instance profile",
                      trust: JSON.stringify(defaultHostManagementTrust()),
                      managedPolicyArns: [managedPolicyArn(partition, "AmazonSSMManagedEC2InstanceDefaultPolicy")],
                      inlinePolicies: sessionInlinePolicies,
                  },
                  child,
              )
            : undefined;

        for (const region of args.regions) {
            const network = new PrivateNetwork(
                `${name}-${region}`,
                {
                    region,
                    existing: settings.existing[`${accountId}/${region}`],
                    vpcCidr: settings.vpcCidr,
                    privateSubnetCidrs: settings.privateSubnetCidrs,
                    endpoints: settings.endpoints,
                },
                child,
            );
            if (hostManagementRole) {
                new aws.ssm.ServiceSetting(
                    `${name}-default-host-management-${region}`,
                    {
                        region,
                        settingId: `arn:${partition}:ssm:${region}:${accountId}:servicesetting/ssm/managed-instance/default-ec2-instance-management-role`,
                        settingValue: hostManagementRole.name,
                    },
                    child,
                );
            }
            const session = sessions.find((s) => s.region === region);
            if (session) {
                new aws.ssm.Document(
                    `${name}-session-preferences-${region}`,
                    {
                        region,
                        name: "SSM-SessionManagerRunShell",
                        documentType: "Session",
                        documentFormat: "JSON",
                        content: pulumi.all([session.logGroup.name, session.key.arn]).apply(([logGroupName, keyArn]) =>
                            JSON.stringify({
                                schemaVersion: "1.0",
                                description: "Session Manager preferences, managed by multi-account-ops",
                                sessionType: "Standard_Stream",
                                inputs: {
                                    kmsKeyId: keyArn,
                                    cloudWatchLogGroupName: logGroupName,
                                    cloudWatchEncryptionEnabled: true,
                                    cloudWatchStreamingEnabled: true,
                                    s3EncryptionEnabled: true,
                                    runAsEnabled: false,
                                    idleSessionTimeout: "20",
                                },
                            }),
                        ),
                    },
                    child,
                );
            }
            if (settings.sampleInstance.enabled) {
                const parameterName =
                    settings.sampleInstance.useGoldenAmi && args.goldenAmiParameter ? args.goldenAmiParameter : defaultAmiParameter;
                const ami = aws.ssm.getParameterOutput({ name: parameterName, region }, child);
                const instanceSecurityGroup = new aws.ec2.SecurityGroup(
                    `${name}-sample-${region}`,
                    {
                        region,
                        vpcId: network.vpcId,
                        description: "Sample managed instance: HTTPS out only, nothing in",
                        ingress: [],
                        egress: [
                            {
                                protocol: "tcp",
                                fromPort: 443,
                                toPort: 443,
                                cidrBlocks: ["0.0.0.0/0"],
                                description: "HTTPS to the VPC endpoints (there is no route to the internet)",
                            },
                        ],
                    },
                    child,
                );
                new aws.ec2.Instance(
                    `${name}-sample-${region}`,
                    {
                        region,
                        ami: ami.value,
                        instanceType: settings.sampleInstance.instanceType,
                        subnetId: network.subnetIds[0],
                        associatePublicIpAddress: false,
                        vpcSecurityGroupIds: [instanceSecurityGroup.id],
                        iamInstanceProfile: this.instanceProfile.name,
                        metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
                        rootBlockDevice: {
                            encrypted: true,
                            volumeType: "gp3",
                            volumeSize: settings.sampleInstance.rootVolumeGiB,
                            deleteOnTermination: true,
                        },
                        tags: { Name: `${args.namePrefix}-sample-managed-instance` },
                    },
                    child,
                );
            }
        }
        this.registerOutputs({ instanceProfileName: this.instanceProfile.name });
    }
}
