import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface PrivateNetworkArgs {
    region: string;
    /** Use this network instead of creating one. */
    existing?: { vpcId: string; vpcCidr: string; subnetIds: string[]; routeTableIds: string[] };
    vpcCidr: string;
    privateSubnetCidrs: string[];
    endpoints: { logs: boolean; kms: boolean; s3Gateway: boolean };
}

/**
 * Private subnets that reach Systems Manager only through VPC endpoints: a new VPC in two
 * Availability Zones with no internet gateway and no NAT (or an existing one), interface endpoints
 * for ssm, ssmmessages and ec2messages with private DNS, and optional logs, kms and S3 endpoints.
 */
export class PrivateNetwork extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    readonly subnetIds: pulumi.Output<string>[];
    readonly vpcCidr: string;

    constructor(name: string, args: PrivateNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:managedInstances:PrivateNetwork", name, {}, opts);
        const { region } = args;
        const child = { parent: this };
        let routeTableIds: pulumi.Input<string>[];
        if (args.existing) {
            this.vpcId = pulumi.output(args.existing.vpcId);
            this.subnetIds = args.existing.subnetIds.map((id) => pulumi.output(id));
            this.vpcCidr = args.existing.vpcCidr;
            routeTableIds = args.existing.routeTableIds;
        } else {
            this.vpcCidr = args.vpcCidr;
            const vpc = new aws.ec2.Vpc(
                `${name}-vpc`,
                { region, cidrBlock: args.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: `${name}-vpc` } },
                child,
            );
            const zones = aws.getAvailabilityZonesOutput({ region, state: "available" }, child);
            const routeTable = new aws.ec2.RouteTable(
                `${name}-private`,
                { region, vpcId: vpc.id, tags: { Name: `${name}-private` } },
                child,
            );
            this.subnetIds = args.privateSubnetCidrs.map((cidrBlock, index) => {
                const subnet = new aws.ec2.Subnet(
                    `${name}-private-${index}`,
                    {
                        region,
                        vpcId: vpc.id,
                        cidrBlock,
                        availabilityZone: zones.names[index],
                        mapPublicIpOnLaunch: false,
                        tags: { Name: `${name}-private-${index}` },
                    },
                    child,
                );
                new aws.ec2.RouteTableAssociation(
                    `${name}-private-${index}`,
                    { region, subnetId: subnet.id, routeTableId: routeTable.id },
                    child,
                );
                return subnet.id;
            });
            this.vpcId = vpc.id;
            routeTableIds = [routeTable.id];
        }

        const endpointSecurityGroup = new aws.ec2.SecurityGroup(
            `${name}-endpoints`,
            {
                region,
                vpcId: this.vpcId,
                description: "HTTPS from the VPC to the interface endpoints, nothing else",
                ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [this.vpcCidr], description: "HTTPS from the VPC" }],
                egress: [],
            },
            child,
        );
        const services = [
            "ssm",
            "ssmmessages",
            "ec2messages",
            ...(args.endpoints.logs ? ["logs"] : []),
            ...(args.endpoints.kms ? ["kms"] : []),
        ];
        for (const service of services) {
            new aws.ec2.VpcEndpoint(
                `${name}-${service}`,
                {
                    region,
                    vpcId: this.vpcId,
                    serviceName: `com.amazonaws.${region}.${service}`,
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                    subnetIds: this.subnetIds,
                    securityGroupIds: [endpointSecurityGroup.id],
                },
                child,
            );
        }
        if (args.endpoints.s3Gateway && routeTableIds.length > 0) {
            new aws.ec2.VpcEndpoint(
                `${name}-s3`,
                { region, vpcId: this.vpcId, serviceName: `com.amazonaws.${region}.s3`, vpcEndpointType: "Gateway", routeTableIds },
                child,
            );
        }
        this.registerOutputs({ vpcId: this.vpcId, subnetIds: this.subnetIds });
    }
}
