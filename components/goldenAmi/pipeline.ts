import { createHash } from "node:crypto";
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
    /** AWS-managed test components (image tests are on, so something should test the image). */
    managedTestComponents: string[];
    components: InlineComponent[];
    instanceTypes: string[];
    rootVolumeGiB: number;
    schedule: string;
    /** Where build and test instances run; without it, the default VPC (which then needs internet access). */
    subnetId?: string;
    securityGroupIds: string[];
    /** The AMI key per region (every distribution region): the recipe's root volume and each region's copies use it. */
    keyArns: Record<string, pulumi.Input<string>>;
    /** Regions the AMI is distributed to (the pipeline's own region first). */
    distributionRegions: string[];
    launchPermission: { userIds: string[]; organizationArns: string[]; organizationalUnitArns: string[] };
    targetAccountIds: string[];
    /** Also have Image Builder write `<parameterName>` in each copied account (AWS-native path). */
    nativeSsmParameterName?: string;
    notificationTopicArn: pulumi.Input<string>;
}

/**
 * Image Builder components and recipes are immutable: a name and version can be created once, and a new content
 * needs a new version (Image Builder User Guide, "Create a new version of an image recipe"; "Semantic versioning").
 * So the patch node is derived from the content: editing a component or a recipe input deploys a new version
 * instead of failing with "already exists". Major and minor stay the user's. A node may be at most 2^30-1
 * (CreateComponent/CreateImageRecipe semanticVersion); 28 bits of a SHA-256 stay under it.
 */
export function contentVersion(version: string, content: unknown): string {
    const [major, minor, patch] = version.split(".");
    const digest = createHash("sha256").update(JSON.stringify({ patch, content })).digest();
    return `${major}.${minor}.${digest.readUInt32BE(0) >>> 4}`;
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

        const ownComponents = args.components.map((component) => {
            const content = { platform: "Linux", data: component.data, description: component.description };
            const version = contentVersion(component.version, content);
            return {
                version,
                resource: new aws.imagebuilder.Component(
                    `${name}-component-${component.name}`,
                    { region, name: component.name, version, ...content },
                    child,
                ),
            };
        });
        const managedArn = (component: string): string => `arn:${partition}:imagebuilder:${region}:aws:component/${component}/x.x.x`;
        const homeKeyArn = args.keyArns[region];
        if (homeKeyArn === undefined) throw new Error(`no AMI key for the pipeline's region ${region}`);
        const recipeInputs = pulumi.output(homeKeyArn).apply((kmsKeyId) => ({
            parentImage: `ssm:${args.parentImageParameter}`,
            components: [
                ...args.managedComponents.map((component) => ({ componentArn: managedArn(component) })),
                ...args.components.map((component, index) => ({
                    componentArn: `${component.name}@${ownComponents[index].version}`,
                })),
                ...args.managedTestComponents.map((component) => ({ componentArn: managedArn(component) })),
            ],
            blockDeviceMappings: [
                {
                    deviceName: "/dev/xvda",
                    // A customer managed key: EC2 cannot share an AMI whose snapshots use aws/ebs ("Share an AMI with specific AWS accounts").
                    ebs: { encrypted: "true", kmsKeyId, volumeType: "gp3", volumeSize: args.rootVolumeGiB, deleteOnTermination: "true" },
                },
            ],
        }));
        this.recipe = new aws.imagebuilder.ImageRecipe(
            `${name}-recipe`,
            {
                region,
                name: args.recipeName,
                // Every input that replaces the recipe, with the components' own content versions.
                version: recipeInputs.apply((inputs) => contentVersion(args.recipeVersion, inputs)),
                parentImage: `ssm:${args.parentImageParameter}`,
                components: [
                    ...args.managedComponents.map((component) => ({ componentArn: managedArn(component) })),
                    ...ownComponents.map((component) => ({ componentArn: component.resource.arn })),
                    // Test components run in the test phase, on an instance launched from the new image.
                    ...args.managedTestComponents.map((component) => ({ componentArn: managedArn(component) })),
                ],
                blockDeviceMappings: recipeInputs.blockDeviceMappings,
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
                subnetId: args.subnetId,
                securityGroupIds: args.securityGroupIds.length > 0 ? args.securityGroupIds : undefined,
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
                        // This region's key, which the receiving accounts may use (copies to targets are encrypted with it too).
                        kmsKeyId: args.keyArns[distributionRegion],
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
