import { z } from "zod";
import { featureSchemas, memberFeatureOverrides, syncOwnershipSettings } from "./features";
import { fleetDeploymentSettings, fleetSettings } from "./fleet";
import { accountId, existingOidcProviders, iamRoleName, organizationalUnitId, organizationId, region, shortName } from "./primitives";

export const memberAccountSchema = z.strictObject({
    accountId,
    name: shortName,
    /** The role the hub's provider assumes in this member (issue 6 replaces it with the deploy role). */
    hubRoleName: iamRoleName.default("OrganizationAccountAccessRole"),
    /** Replaces the stack's regions for this one account. */
    regions: z.array(region).min(1).optional(),
    features: memberFeatureOverrides.prefault({}),
    /** The account's OU: members in a goldenAmi.roleStackSet OU get role B from the StackSet, not from the hub. */
    organizationalUnitId: organizationalUnitId.optional(),
});

/** An account that runs its own member stack (stackRole: member): the hub still counts it as a member for every capability it has. */
export const memberStackAccountSchema = z.strictObject({
    accountId,
    name: shortName,
    /** The stack that deploys it, e.g. member-sandbox (one stack, and one Pulumi.<stack>.yaml, per account). */
    stack: z.string().regex(/^[\w.-]+$/, "is not a stack name"),
    /** Its capabilities; the stack-wide switch unless set. Its member stack must switch on the same ones. */
    features: memberFeatureOverrides.prefault({}),
    organizationalUnitId: organizationalUnitId.optional(),
});

const pulumiOrganization = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "is not a Pulumi organization name");
const githubRepository = z.string().regex(/^[\w.-]+\/[\w.-]+$/, "is not an owner/repository name");
const managedPolicyArnString = z.string().regex(/^arn:[\w-]+:iam::(aws|\d{12}):policy\/.+$/, "is not a managed policy ARN");

const tags = z.record(z.string(), z.string()).default({});

/** Prefix of account-wide names (IAM roles, functions, topics), so two installations can share an account. */
const namePrefix = z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,23}$/, "is not a name prefix (lowercase letter, then up to 23 of a-z 0-9 -)")
    .default("multi-account-ops");

export const mainStackSchema = z.strictObject({
    stackRole: z.literal("main"),
    organizationId,
    mainAccountId: accountId,
    homeRegion: region,
    extraRegions: z.array(region).default([]),
    /** May be empty when fleet mode runs every member account (stacks/config/fleet.ts checks it). */
    members: z.array(memberAccountSchema).default([]),
    /** Accounts deployed by their own member stacks, with their capabilities. */
    memberStacks: z.array(memberStackAccountSchema).default([]),
    defaultTags: tags,
    namePrefix,
    /**
     * The organization's management account (or a delegated administrator), reached through its own
     * provider, for StackSets and organization reads. Leave out if the main account is that account.
     */
    management: z
        .strictObject({
            accountId,
            /**
             * The role the hub assumes there. No default: AWS Organizations never creates
             * OrganizationAccountAccessRole in the management account, so the bootstrap stack makes it
             * (see crossKeyProblems in load.ts for the message).
             */
            roleName: iamRoleName.optional(),
            /** Its read-only twin, assumed instead in preview-only runs (made by the bootstrap stack too). */
            readOnlyRoleName: iamRoleName.default("multi-account-ops-management-read-only"),
            /** DELEGATED_ADMIN when `accountId` is a delegated StackSets administrator, not the management account. */
            callAs: z.enum(["SELF", "DELEGATED_ADMIN"]).default("SELF"),
        })
        .optional(),
    ...featureSchemas,
    /** Fleet mode: accounts of these OUs each run their own stack, discovered at deploy time (docs/fleet.md). */
    fleet: fleetSettings.prefault({}),
});

export const memberStackSchema = z.strictObject({
    stackRole: z.literal("member"),
    accountId,
    name: shortName,
    /** The main stack's fully qualified name (`org/multi-account-ops/main`), read with a StackReference. */
    mainStack: z.string().regex(/^([\w.-]+\/){0,2}[\w.-]+$/, "is not a stack name such as org/multi-account-ops/main"),
    homeRegion: region,
    extraRegions: z.array(region).default([]),
    defaultTags: tags,
    features: memberFeatureOverrides.prefault({}),
    goldenAmi: z
        .strictObject({
            /** The main stack copies the AMI here (its goldenAmi.distribution.targetAccountIds): create Image Builder's cross-account role. */
            receivesCopies: z.boolean().default(false),
        })
        .prefault({}),
    namePrefix,
    /** Settings of the managed-instances capability for this account; keys left out come from the main stack's. */
    managedInstances: featureSchemas.managedInstances,
    /** This account's execution role grants and script-log retention; keys left out come from the main stack's. */
    automation: featureSchemas.automation,
    /** With features.delivery: what the deploy role created here may do. */
    deployRoleManagedPolicyArns: z.array(z.string()).default(["arn:aws:iam::aws:policy/AdministratorAccess"]),
    /**
     * With features.delivery: this stack's own OIDC roles in this account, so Pulumi Deployments and the
     * preview workflow run it with this account's credentials (the main account's never reach here).
     */
    delivery: z
        .strictObject({
            pulumiOrganization: pulumiOrganization.optional(),
            deployerRoleName: iamRoleName.default("multi-account-ops-deployer"),
            readOnlyRoleName: iamRoleName.default("multi-account-ops-preview"),
            github: z.strictObject({ repository: githubRepository.optional() }).prefault({}),
            existingOidcProviders: existingOidcProviders,
        })
        .prefault({}),
    /** "quickSetup" when the main stack's Quick Setup already collects this account's inventory; the main stack's inventory.collection unless set. */
    inventoryCollection: z.enum(["association", "quickSetup"]).optional(),
    /** Existing resource data syncs in this account: import or adopt them (docs/inventory.md). */
    inventory: z.strictObject(syncOwnershipSettings).prefault({}),
});

/**
 * Run once with the management account's credentials when the main account is not the management
 * account: the roles the hub assumes there and, by service-managed StackSet, in every account of the OUs.
 */
export const bootstrapStackSchema = z.strictObject({
    stackRole: z.literal("bootstrap"),
    organizationId,
    managementAccountId: accountId,
    mainAccountId: accountId,
    homeRegion: region,
    defaultTags: tags,
    namePrefix,
    /** The main stack's delivery.deployerRoleName and delivery.readOnlyRoleName: the only principals trusted here. */
    deployerRoleName: iamRoleName.default("multi-account-ops-deployer"),
    readOnlyRoleName: iamRoleName.default("multi-account-ops-preview"),
    /**
     * Further roles of the main account trusted like the deployer, e.g. the admin role you run the first
     * `pulumi up -s main` with (before the deployer exists and Deployments takes over). Remove them afterwards.
     */
    adminRoleArns: z.array(z.string().regex(/^arn:[\w-]+:iam::\d{12}:role\/[\w+=,.@/-]+$/, "is not an IAM role ARN")).default([]),
    management: z
        .strictObject({
            roleName: iamRoleName.default("multi-account-ops-management"),
            readOnlyRoleName: iamRoleName.default("multi-account-ops-management-read-only"),
            /** StackSets, Quick Setup and the organization reader role: the hub needs broad rights here. */
            managedPolicyArns: z.array(managedPolicyArnString).min(1).default(["arn:aws:iam::aws:policy/AdministratorAccess"]),
        })
        .prefault({}),
    members: z.strictObject({
        organizationalUnitIds: z.array(organizationalUnitId).min(1, "must list at least one OU"),
        /** The main stack's members[].hubRoleName (or delivery.memberDeployRoleName with useDeployRoles). */
        roleName: iamRoleName.default("multi-account-ops-deploy"),
        /** The main stack's delivery.memberReadOnlyRoleName. */
        readOnlyRoleName: iamRoleName.default("multi-account-ops-read-only"),
        managedPolicyArns: z.array(managedPolicyArnString).min(1).default(["arn:aws:iam::aws:policy/AdministratorAccess"]),
    }),
});

const deploymentStack = z.strictObject({
    name: z.string().regex(/^[\w.-]+$/, "is not a stack name"),
    /** The account whose credentials the stack runs with: main's for the main stack, the member's own for a member stack. */
    accountId,
    /** That stack's deployer role (delivery.deployerRoleName in main, or in the member stack). */
    deployerRoleName: iamRoleName.default("multi-account-ops-deployer"),
});

/** The stack that configures Pulumi Deployments for the others (a stack never manages its own settings). */
export const deploymentsStackSchema = z.strictObject({
    stackRole: z.literal("deployments"),
    pulumiOrganization: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "is not a Pulumi organization name"),
    repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, "is not an owner/repository name"),
    branch: z.string().min(1).default("main"),
    /** The stacks of this project to deploy on push, each with the account its own deployer role is in. */
    stacks: z.array(deploymentStack).min(1),
    /**
     * GitHub Actions as an OIDC issuer of Pulumi Cloud, so the preview workflow exchanges its GitHub
     * token for a short-lived Pulumi token instead of holding PULUMI_ACCESS_TOKEN.
     */
    previewToken: z
        .strictObject({
            /** team (Enterprise, Business Critical), organization (Team edition and up), personal (every edition). */
            tokenType: z.enum(["team", "organization", "personal"]).default("team"),
            /** For team tokens: a team with read access to the stacks only. */
            teamName: z
                .string()
                .regex(/^[\w.-]{1,64}$/, "is not a Pulumi team name")
                .optional(),
            /** For personal tokens: the Pulumi user the token acts as. */
            userLogin: z
                .string()
                .regex(/^[\w.-]{1,64}$/, "is not a Pulumi user login")
                .optional(),
            /** Lifetime of an exchanged token. */
            maxExpirationSeconds: z.number().int().min(300).max(7200).default(3600),
        })
        .prefault({}),
    /** Only changes under these paths trigger a deployment. */
    pathFilters: z
        .array(z.string().min(1))
        .default(["index.ts", "stacks/**", "components/**", "handlers/**", "Pulumi.*.yaml", "package.json", "package-lock.json"]),
    /** Fleet stacks from the main stack's `fleet` output: stacks, settings, trigger webhooks, drift schedules (docs/fleet.md). */
    fleet: fleetDeploymentSettings.prefault({}),
});

export type MemberAccountConfig = z.output<typeof memberAccountSchema>;
export type MemberStackAccountConfig = z.output<typeof memberStackAccountSchema>;
export type MainStackConfig = z.output<typeof mainStackSchema> & { readonly secretKeys: ReadonlySet<string> };
export type MemberStackConfig = z.output<typeof memberStackSchema> & {
    readonly secretKeys: ReadonlySet<string>;
    /** What the member stack's file sets itself (before defaults): the rest comes from the hub's memberDefaults. */
    readonly overrides: { managedInstances?: unknown; automation?: unknown; inventoryCollection?: "association" | "quickSetup" };
};
export type DeploymentsStackConfig = z.output<typeof deploymentsStackSchema> & { readonly secretKeys: ReadonlySet<string> };
export type BootstrapStackConfig = z.output<typeof bootstrapStackSchema> & { readonly secretKeys: ReadonlySet<string> };
export type StackConfig = MainStackConfig | MemberStackConfig | DeploymentsStackConfig | BootstrapStackConfig;
