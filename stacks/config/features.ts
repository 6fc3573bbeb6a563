import { z } from "zod";
import {
    accountId,
    cidr,
    email,
    existingOidcProviders,
    imageBuilderCron,
    iamRoleName,
    organizationalUnitId,
    parameterPath,
    retentionDays,
    scheduleExpression,
    semanticVersion,
} from "./primitives";

/**
 * One on/off switch per capability. Each capability's own settings live beside its switch, so a
 * user reads one block per capability in Pulumi.<stack>.yaml.
 */
const inlineComponent = z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,126}$/, "is not an Image Builder component name"),
    version: semanticVersion,
    /** The component document (YAML), as Image Builder expects it. */
    data: z.string().min(1, "must hold the component's YAML document"),
    description: z.string().optional(),
});

export const goldenAmiSettings = z.strictObject({
    enabled: z.boolean().default(false),
    /** Parameter Store path the publisher writes under, one parameter per recipe. */
    parameterPrefix: parameterPath.default("/ec2-imagebuilder/latest"),
    /** Role B: the narrow role the publisher assumes in each receiving account. */
    targetRoleName: iamRoleName.default("LambdaExecutionRoleForSSMParam"),
    /** Image Builder resources in the main account's home region. */
    pipeline: z
        .strictObject({
            enabled: z.boolean().default(true),
            recipeName: z
                .string()
                .regex(/^[a-z][a-z0-9-]{0,62}$/, "is not a recipe name (lowercase letters, digits, -)")
                .default("golden-al2023"),
            recipeVersion: semanticVersion.default("1.0.0"),
            /** SSM public parameter of the parent image; Image Builder resolves it at build time. */
            parentImageParameter: z
                .string()
                .startsWith("/", "must be an SSM parameter path")
                .default("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"),
            /** AWS-managed components by name (the ARN is built per region, latest version). */
            managedComponents: z.array(z.string().regex(/^[a-z0-9-]+$/, "is not an AWS-managed component name")).default(["update-linux"]),
            components: z.array(inlineComponent).default([]),
            instanceTypes: z
                .array(z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/, "is not an EC2 instance type"))
                .min(1)
                .default(["t3.small"]),
            rootVolumeGiB: z.number().int().min(8).max(1024).default(8),
            /** Image Builder takes cron expressions only. */
            schedule: imageBuilderCron.default("cron(0 3 ? * mon *)"),
            /** AWS-managed test components, run on a test instance launched from the new image (image tests are on). */
            managedTestComponents: z
                .array(z.string().regex(/^[a-z0-9-]+$/, "is not an AWS-managed component name"))
                .default(["simple-boot-test-linux"]),
            /** The subnet build and test instances run in (default: the default VPC); needs securityGroupIds. */
            subnetId: z
                .string()
                .regex(/^subnet-[0-9a-f]+$/, "is not a subnet ID")
                .optional(),
            securityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]+$/, "is not a security group ID")).default([]),
        })
        .prefault({}),
    /** The key the AMI's snapshots are encrypted with: one this program makes per region, or your own. */
    encryption: z
        .strictObject({
            /** Your own key (a multi-Region key, mrk-..., when the stack has more than one region); its policy is yours to keep right. */
            kmsKeyArn: z
                .string()
                .regex(
                    /^arn:[\w-]+:kms:[a-z0-9-]+:\d{12}:key\/(mrk-[0-9a-f]{32}|[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12})$/,
                    "is not a KMS key ARN",
                )
                .optional(),
        })
        .prefault({}),
    /** Who receives the AMI, per region of the stack. */
    distribution: z
        .strictObject({
            /** Launch permission for every member with goldenAmi on. */
            shareWithMembers: z.boolean().default(true),
            /** Further accounts to share with, e.g. accounts run by their own member stacks. */
            accountIds: z.array(accountId).default([]),
            organizationArns: z
                .array(z.string().regex(/^arn:[\w-]+:organizations::\d{12}:organization\/o-[a-z0-9]{10,32}$/, "is not an organization ARN"))
                .default([]),
            organizationalUnitArns: z
                .array(
                    z
                        .string()
                        .regex(
                            /^arn:[\w-]+:organizations::\d{12}:ou\/o-[a-z0-9]{10,32}\/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$/,
                            "is not an organizational unit ARN",
                        ),
                )
                .default([]),
            /** Accounts that get their own copy of the AMI. */
            targetAccountIds: z.array(accountId).default([]),
            /** Also let Image Builder write `<prefix>/<recipe>` itself in copied accounts (the AWS-native path). */
            nativeSsmParameters: z.boolean().default(false),
            /**
             * How a target account that is not a configured member gets EC2ImageBuilderDistributionCrossAccountRole:
             * its own member stack (with goldenAmi.receivesCopies true) or the role-B StackSet (its OUs).
             */
            targetAccountRoles: z.record(accountId, z.enum(["memberStack", "stackSet"])).default({}),
        })
        .prefault({}),
    publisher: z
        .strictObject({
            enabled: z.boolean().default(true),
            maxConcurrency: z.number().int().min(1).max(100).default(10),
            /**
             * The Lambda's memory, and so its CPU (1,769 MB is one vCPU). 1,024 MB: the measured CPU per target
             * (docs/golden-ami.md, "Sizing") lets one invocation write 1,000 targets in well under its timeout.
             */
            memorySize: z.number().int().min(128).max(10240).default(1024),
            /** The Lambda's timeout; the fan-out queue's visibility timeout is six times it. */
            timeoutSeconds: z.number().int().min(60).max(900).default(300),
            /** Images with more targets than one invocation finishes safely go through an SQS queue (docs/golden-ami.md, "Fan-out"). */
            fanOut: z
                .strictObject({
                    /** More targets than this in one image: the SNS-triggered invocation only enqueues them. */
                    threshold: z.number().int().min(1).max(1_000_000).default(1000),
                    /** Targets per queue invocation (the event source mapping's BatchSize). */
                    batchSize: z.number().int().min(1).max(100).default(20),
                    /** Queue invocations at once (the event source mapping's ScalingConfig.MaximumConcurrency, 2 to 1,000). */
                    maximumConcurrency: z.number().int().min(2).max(1000).default(5),
                    /** Attempts per target before it goes to the dead-letter queue (the queue's redrive maxReceiveCount). */
                    maxReceiveCount: z.number().int().min(1).max(1000).default(3),
                })
                .prefault({}),
            logRetentionDays: retentionDays.default(30),
            /** Email addresses notified by the error and dead-letter alarms. */
            alarmEmails: z.array(email).default([]),
            /** A role in the management account that may list accounts, for OU and organization sharing. */
            orgReaderRoleArn: z
                .string()
                .regex(/^arn:[\w-]+:iam::\d{12}:role\/[\w+=,.@/-]+$/, "is not an IAM role ARN")
                .optional(),
        })
        .prefault({}),
    /**
     * Role B for accounts reached only through OU sharing, with a service-managed StackSet from the
     * management account (or a delegated administrator); every current and future account in the OUs gets it.
     */
    roleStackSet: z
        .strictObject({
            enabled: z.boolean().default(false),
            organizationalUnitIds: z.array(organizationalUnitId).default([]),
        })
        .prefault({}),
});

/** `<account>/<region>/<syncName>`: a resource data sync's ID (handlers/resourceDataSync/inputs.ts). */
const resourceDataSyncId = z
    .string()
    .regex(/^\d{12}\/[a-z]{2}(-[a-z]+)+-\d\/[A-Za-z0-9_.-]{1,64}$/, "is not a resource data sync ID <account>/<region>/<syncName>");

/** What a stack does with resource data syncs that already exist (docs/inventory.md, "Existing syncs"). */
export const syncOwnershipSettings = {
    /** Use an existing sync of the same name and destination without ever deleting it. Off: creating over one fails. */
    adoptExistingSyncs: z.boolean().default(false),
    /** Existing syncs this stack takes over (and deletes with its resource), by ID. */
    importSyncs: z.array(resourceDataSyncId).default([]),
};

export const inventorySettings = z.strictObject({
    ...syncOwnershipSettings,
    enabled: z.boolean().default(false),
    /** The account holding the central bucket: the main account unless set (then reached through its own provider). */
    bucketAccount: z
        .strictObject({
            accountId,
            roleName: iamRoleName.default("OrganizationAccountAccessRole"),
            /** Assumed instead in preview-only runs; default delivery.memberReadOnlyRoleName (the bootstrap's read-only member role). */
            readOnlyRoleName: iamRoleName.optional(),
        })
        .optional(),
    /** Globally unique; default `<namePrefix>-inventory-<account>-<region>`. */
    bucketName: z
        .string()
        .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "is not a valid S3 bucket name")
        .optional(),
    prefix: z
        .string()
        .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, "is not an S3 key prefix (no leading or trailing /)")
        .default("inventory"),
    syncName: z
        .string()
        .regex(/^[A-Za-z0-9_.-]{1,64}$/, "is not a resource data sync name (1 to 64 of A-Z a-z 0-9 _ . -)")
        .default("org-inventory-sync"),
    /** SSE-S3 (default) or a customer-managed KMS key that ssm.amazonaws.com may use for the organization. */
    encryption: z.enum(["SSE-S3", "KMS"]).default("SSE-S3"),
    noncurrentVersionExpirationDays: z.number().int().min(1).max(3650).default(90),
    /** How inventory is collected: a State Manager association per account and region, or Quick Setup from the management account. */
    collection: z.enum(["association", "quickSetup"]).default("association"),
    schedule: scheduleExpression.default("rate(30 minutes)"),
    /** Also collect and sync the main account's own inventory. */
    includeMainAccount: z.boolean().default(true),
    quickSetup: z
        .strictObject({
            organizationalUnitIds: z.array(organizationalUnitId).default([]),
        })
        .prefault({}),
    athena: z
        .strictObject({
            enabled: z.boolean().default(true),
            /** Athena stops a query that would scan more than this. */
            bytesScannedCutoffPerQuery: z
                .number()
                .int()
                .min(10 * 1024 * 1024)
                .default(1024 * 1024 * 1024),
            resultsExpirationDays: z.number().int().min(1).max(3650).default(30),
            /** Accounts outside this stack's members (e.g. member stacks) whose inventory the tables should show. */
            extraAccountIds: z.array(accountId).default([]),
        })
        .prefault({}),
});

const existingNetwork = z.strictObject({
    vpcId: z.string().regex(/^vpc-[0-9a-f]+$/, "is not a VPC ID"),
    vpcCidr: cidr,
    subnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]+$/, "is not a subnet ID")).min(1),
    routeTableIds: z.array(z.string().regex(/^rtb-[0-9a-f]+$/, "is not a route table ID")).default([]),
});

export const managedInstancesSettings = z.strictObject({
    enabled: z.boolean().default(false),
    /** A new VPC with private subnets in two AZs (no internet gateway, no NAT), unless `existing` names one. */
    vpcCidr: cidr.default("10.0.0.0/16"),
    privateSubnetCidrs: z.array(cidr).length(2, "must list two CIDRs, one per Availability Zone").default(["10.0.2.0/24", "10.0.3.0/24"]),
    /** Existing networks, keyed `<accountId>/<region>`: no VPC is created there. */
    existing: z
        .record(z.string().regex(/^\d{12}\/[a-z]{2}(-[a-z]+)+-\d$/, "is not an <accountId>/<region> key"), existingNetwork)
        .default({}),
    endpoints: z
        .strictObject({
            /** CloudWatch Logs and KMS interface endpoints, for encrypted Session Manager sessions and logs. */
            logs: z.boolean().default(false),
            kms: z.boolean().default(false),
            /** An S3 gateway endpoint on the private route tables, for patching and inventory uploads. */
            s3Gateway: z.boolean().default(true),
        })
        .prefault({}),
    /** Manage instances without any instance profile (Default Host Management Configuration). */
    defaultHostManagement: z.boolean().default(false),
    sampleInstance: z
        .strictObject({
            enabled: z.boolean().default(false),
            instanceType: z
                .string()
                .regex(/^[a-z0-9-]+\.[a-z0-9]+$/, "is not an EC2 instance type")
                .default("t3.micro"),
            /** Launch from the golden AMI parameter the publisher maintains in that account. */
            useGoldenAmi: z.boolean().default(false),
            rootVolumeGiB: z.number().int().min(8).max(1024).default(8),
        })
        .prefault({}),
    sessionManager: z
        .strictObject({
            enabled: z.boolean().default(false),
            logRetentionDays: retentionDays.default(30),
        })
        .prefault({}),
});

const inlinePolicy = z.strictObject({
    actions: z.array(z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9*]+$/, "is not an IAM action such as s3:PutEncryptionConfiguration")).min(1),
    resources: z.array(z.string().min(1)).default(["*"]),
});

export const automationSettings = z.strictObject({
    enabled: z.boolean().default(false),
    administrationRoleName: iamRoleName.default("AWS-SystemsManager-AutomationAdministrationRole"),
    executionRoleName: iamRoleName.default("AWS-SystemsManager-AutomationExecutionRole"),
    /** Above this many members the administration role names the execution role in any account of the organization (aws:ResourceOrgID) instead of listing ARNs. */
    exactArnsUpTo: z.number().int().min(1).max(500).default(50),
    /** What the runbooks you run need beyond AmazonSSMAutomationRole. */
    extraManagedPolicyArns: z
        .array(z.string().regex(/^arn:[\w-]+:iam::(aws|\d{12}):policy\/.+$/, "is not a managed policy ARN"))
        .default([]),
    inlinePolicies: z.record(z.string().regex(/^[\w+=,.@-]{1,128}$/, "is not a policy name"), inlinePolicy).default({}),
    /** Email addresses told about failed, timed-out and cancelled executions and steps (may be a secret). */
    notificationEmails: z.array(email).default([]),
    logRetentionDays: retentionDays.default(30),
});

export const deliverySettings = z.strictObject({
    enabled: z.boolean().default(false),
    /** The Pulumi Cloud organization: the OIDC audience and part of every token's subject. */
    pulumiOrganization: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "is not a Pulumi organization name")
        .optional(),
    /** Stacks of this project the deployer role may deploy (and the read-only role preview). */
    stacks: z
        .array(z.string().regex(/^[\w.-]+$/, "is not a stack name"))
        .min(1)
        .default(["main"]),
    deployerRoleName: iamRoleName.default("multi-account-ops-deployer"),
    readOnlyRoleName: iamRoleName.default("multi-account-ops-preview"),
    /** What the deployer may do in the main account (deploying this program needs broad rights). */
    deployerManagedPolicyArns: z.array(z.string()).default(["arn:aws:iam::aws:policy/AdministratorAccess"]),
    /** The two roles in every member. */
    memberDeployRoleName: iamRoleName.default("multi-account-ops-deploy"),
    memberReadOnlyRoleName: iamRoleName.default("multi-account-ops-read-only"),
    memberDeployManagedPolicyArns: z.array(z.string()).default(["arn:aws:iam::aws:policy/AdministratorAccess"]),
    /** Once the member roles exist: the hub's providers assume memberDeployRoleName instead of each member's hubRoleName. */
    useDeployRoles: z.boolean().default(false),
    /** Bootstrap the member roles into every current and future account of these OUs (StackSet from `management`). */
    organizationalUnitIds: z.array(organizationalUnitId).default([]),
    /** OIDC providers that already exist in the main account (IAM allows one per URL): used instead of creating them. */
    existingOidcProviders,
    /** GitHub Actions OIDC, for teams that preview and deploy from the workflow instead of Pulumi Deployments. */
    github: z
        .strictObject({
            actionsOidc: z.boolean().default(false),
            repository: z
                .string()
                .regex(/^[\w.-]+\/[\w.-]+$/, "is not an owner/repository name")
                .optional(),
            branch: z.string().min(1).default("main"),
        })
        .prefault({}),
});

export const featureSchemas = {
    goldenAmi: goldenAmiSettings.prefault({}),
    inventory: inventorySettings.prefault({}),
    managedInstances: managedInstancesSettings.prefault({}),
    automation: automationSettings.prefault({}),
    delivery: deliverySettings.prefault({}),
};

export type FeatureName = keyof typeof featureSchemas;
export const featureNames = Object.keys(featureSchemas) as FeatureName[];

/** Per-member switches: `true`/`false` overrides the stack-wide `enabled` for that one account. */
export const memberFeatureOverrides = z.strictObject(
    Object.fromEntries(featureNames.map((name) => [name, z.boolean().optional()])) as Record<FeatureName, z.ZodOptional<z.ZodBoolean>>,
);
