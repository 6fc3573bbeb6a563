import { z } from "zod";
import { featureSchemas, memberFeatureOverrides } from "./features";
import { accountId, iamRoleName, organizationalUnitId, organizationId, region, shortName } from "./primitives";

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
    members: z.array(memberAccountSchema).min(1, "must list at least one member account"),
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
            roleName: iamRoleName.default("OrganizationAccountAccessRole"),
            /** DELEGATED_ADMIN when `accountId` is a delegated StackSets administrator, not the management account. */
            callAs: z.enum(["SELF", "DELEGATED_ADMIN"]).default("SELF"),
        })
        .optional(),
    ...featureSchemas,
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
    namePrefix,
    /** Settings of the managed-instances capability for this account; keys left out come from the main stack's. */
    managedInstances: featureSchemas.managedInstances,
    /** This account's execution role grants and script-log retention; keys left out come from the main stack's. */
    automation: featureSchemas.automation,
    /** With features.delivery: what the deploy role created here may do. */
    deployRoleManagedPolicyArns: z.array(z.string()).default(["arn:aws:iam::aws:policy/AdministratorAccess"]),
    /** "quickSetup" when the main stack's Quick Setup already collects this account's inventory; the main stack's inventory.collection unless set. */
    inventoryCollection: z.enum(["association", "quickSetup"]).optional(),
});

/** The stack that configures Pulumi Deployments for the others (a stack never manages its own settings). */
export const deploymentsStackSchema = z.strictObject({
    stackRole: z.literal("deployments"),
    pulumiOrganization: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "is not a Pulumi organization name"),
    repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, "is not an owner/repository name"),
    branch: z.string().min(1).default("main"),
    /** The main stack, whose hub output names the deployer role. */
    mainStack: z.string().regex(/^([\w.-]+\/){0,2}[\w.-]+$/, "is not a stack name such as org/multi-account-ops/main"),
    /** The stacks of this project to deploy on push. */
    stacks: z.array(z.string().regex(/^[\w.-]+$/, "is not a stack name")).min(1),
    /** Only changes under these paths trigger a deployment. */
    pathFilters: z
        .array(z.string().min(1))
        .default(["index.ts", "stacks/**", "components/**", "handlers/**", "Pulumi.*.yaml", "package.json", "package-lock.json"]),
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
export type StackConfig = MainStackConfig | MemberStackConfig | DeploymentsStackConfig;
