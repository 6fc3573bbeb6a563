import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicyArn } from "../arns";
import { role, serviceTrust } from "../iam";

export interface InlineComponent {
    name: string;
    version: string;
    data: string;
    description?: string;
}

export interface AmiPipelineArgs {
    partition: string;
    region: string;
    namePrefix: string;
    recipeName: string;
    recipeVersion: string;
    parentImageParameter: string;
    managedComponents: string[];
    components: InlineComponent[];
    instanceTypes: string[];
    rootVolumeGiB: number;
    schedule: string;
    /** Regions the AMI is distributed to (the pipeline's own region first). */
    distributionRegions: string[];
    launchPermission: { userIds: string[]; organizationArns: string[]; organizationalUnitArns: string[] };
    targetAccountIds: string[];
    /** Also have Image Builder write `<parameterName>` in each copied account (AWS-native path). */
    nativeSsmParameterName?: string;
    notificationTopicArn: pulumi.Input<string>;
}

/** The Image Builder pipeline: components, recipe, infrastructure, distribution and a scheduled pipeline with image tests. */
export class AmiPipeline extends pulumi.ComponentResource {
    readonly pipeline: aws.imagebuilder.ImagePipeline;
    readonly recipe: aws.imagebuilder.ImageRecipe;

    constructor(name: string, args: AmiPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:goldenAmi:AmiPipeline", name, {}, opts);
        const { region, partition } = args;
        const child = { parent: this };

        const instanceRole = role(
            `${name}-instance-role`,
            {
                name: `${args.namePrefix}-image-builder-instance`,
                description: "Build and test instances of the golden AMI pipeline",
                trust: JSON.stringify(serviceTrust("ec2.amazonaws.com")),
                managedPolicyArns: [
                    managedPolicyArn(partition, "EC2InstanceProfileForImageBuilder"),
                    managedPolicyArn(partition, "AmazonSSMManagedInstanceCore"),
                ],
            },
            child,
        );
        const profile = new aws.iam.InstanceProfile(
            `${name}-instance-profile`,
            { name: `${args.namePrefix}-image-builder-instance`, role: instanceRole.name },
            child,
        );

        const ownComponents = args.components.map(
            (component) =>
                new aws.imagebuilder.Component(
                    `${name}-component-${component.name}`,
                    {
                        region,
                        name: component.name,
                        version: component.version,
                        platform: "Linux",
                        data: component.data,
                        description: component.description,
                    },
                    child,
                ),
        );
        this.recipe = new aws.imagebuilder.ImageRecipe(
            `${name}-recipe`,
            {
                region,
                name: args.recipeName,
                version: args.recipeVersion,
                parentImage: `ssm:${args.parentImageParameter}`,
                components: [
                    ...args.managedComponents.map((component) => ({
                        componentArn: `arn:${partition}:imagebuilder:${region}:aws:component/${component}/x.x.x`,
                    })),
                    ...ownComponents.map((component) => ({ componentArn: component.arn })),
                ],
                blockDeviceMappings: [
                    {
                        deviceName: "/dev/xvda",
                        ebs: { encrypted: "true", volumeType: "gp3", volumeSize: args.rootVolumeGiB, deleteOnTermination: "true" },
                    },
                ],
            },
            child,
        );
        const infrastructure = new aws.imagebuilder.InfrastructureConfiguration(
            `${name}-infrastructure`,
            {
                region,
                name: `${args.namePrefix}-${args.recipeName}`,
                instanceProfileName: profile.name,
                instanceTypes: args.instanceTypes,
                terminateInstanceOnFailure: true,
                snsTopicArn: args.notificationTopicArn,
                instanceMetadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
            },
            child,
        );
        const distribution = new aws.imagebuilder.DistributionConfiguration(
            `${name}-distribution`,
            {
                region,
                name: `${args.namePrefix}-${args.recipeName}`,
                distributions: args.distributionRegions.map((distributionRegion) => ({
                    region: distributionRegion,
                    amiDistributionConfiguration: {
                        name: `${args.recipeName}-{{ imagebuilder:buildDate }}`,
                        launchPermission: args.launchPermission,
                        targetAccountIds: args.targetAccountIds.length > 0 ? args.targetAccountIds : undefined,
                    },
                    ssmParameterConfigurations: args.nativeSsmParameterName
                        ? args.targetAccountIds.map((amiAccountId) => ({
                              amiAccountId,
                              parameterName: args.nativeSsmParameterName as string,
                              dataType: "aws:ec2:image",
                          }))
                        : undefined,
                })),
            },
            child,
        );
        this.pipeline = new aws.imagebuilder.ImagePipeline(
            `${name}-pipeline`,
            {
                region,
                name: `${args.namePrefix}-${args.recipeName}`,
                imageRecipeArn: this.recipe.arn,
                infrastructureConfigurationArn: infrastructure.arn,
                distributionConfigurationArn: distribution.arn,
                schedule: {
                    scheduleExpression: args.schedule,
                    pipelineExecutionStartCondition: "EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE",
                },
                imageTestsConfiguration: { imageTestsEnabled: true, timeoutMinutes: 720 },
            },
            child,
        );
        this.registerOutputs({ pipelineArn: this.pipeline.arn, recipeArn: this.recipe.arn });
    }
}
