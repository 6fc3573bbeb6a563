import { z } from "zod";
import { automationSettings, managedInstancesSettings, memberFeatureOverrides } from "./features";
import { accountId, iamRoleName, organizationalUnitId, region } from "./primitives";

/**
 * Fleet mode (docs/fleet.md): every account of the chosen OUs runs its own stack (`member-<accountId>`),
 * deployed by Pulumi Deployments, with no config file of its own. The main stack discovers the accounts
 * from AWS Organizations at deploy time and exports every setting a fleet stack needs.
 */

/** A fleet stack's name: `member-` and the 12-digit account ID. The program recognises it by this name alone. */
export const fleetStackPrefix = "member-";
const fleetStackPattern = /^member-(\d{12})$/;

export function fleetStackName(accountId: string): string {
    return `${fleetStackPrefix}${accountId}`;
}

/** The account ID a stack name stands for, or undefined when it is not a fleet stack's name. */
export function fleetAccountOf(stackName: string): string | undefined {
    return fleetStackPattern.exec(stackName)?.[1];
}

/** Where a fleet stack finds the main stack: this variable, else `<its org>/<project>/main`. */
export const mainStackVariable = "MULTI_ACCOUNT_OPS_MAIN_STACK";

/** Per-account settings; each section replaces the main stack's keys of the same name (one level deep). */
const fleetOverride = z.strictObject({
    regions: z.array(region).min(1).optional(),
    features: memberFeatureOverrides.optional(),
    managedInstances: managedInstancesSettings.partial().optional(),
    automation: automationSettings
        .pick({ extraManagedPolicyArns: true, inlinePolicies: true, logRetentionDays: true })
        .partial()
        .optional(),
});

export const fleetSettings = z.strictObject({
    enabled: z.boolean().default(false),
    /** Every current and future ACTIVE account below these OUs is in the fleet. */
    organizationalUnitIds: z.array(organizationalUnitId).default([]),
    /** true: accounts in nested OUs too (getOrganizationalUnitDescendantAccounts); false: direct children only. */
    includeNestedOus: z.boolean().default(true),
    /** Accounts outside the OUs that also run a fleet stack (they need the deploy role some other way: docs/fleet.md). */
    accountIds: z.array(accountId).default([]),
    /** Accounts of the OUs that do not (e.g. a sandbox). Members, member stacks, main and management are left out anyway. */
    excludeAccountIds: z.array(accountId).default([]),
    /** The fleet's regions; default: the main stack's. */
    regions: z.array(region).min(1).optional(),
    /** The fleet's capabilities; each defaults to the main stack's switch (delivery is never a fleet capability). */
    features: memberFeatureOverrides.prefault({}),
    /** Per-account settings, keyed by account ID: the one place a single fleet account differs. */
    overrides: z.record(z.string().regex(/^\d{12}$/, "is not a 12-digit account ID"), fleetOverride).default({}),
    /** The first wave: these accounts (and those of these OUs) deploy one after another; the last one's success starts the rest. */
    canary: z
        .strictObject({
            accountIds: z.array(accountId).default([]),
            organizationalUnitIds: z.array(organizationalUnitId).default([]),
        })
        .prefault({}),
    /**
     * The role Pulumi Deployments assumes (OIDC) in each fleet account. `bootstrap.enabled` creates it
     * with a service-managed StackSet over the fleet OUs, trusting only that account's own stack.
     */
    deployRoleName: iamRoleName.default("multi-account-ops-fleet-deploy"),
    bootstrap: z
        .strictObject({
            enabled: z.boolean().default(true),
            /** "existing" when the accounts already have the api.pulumi.com/oidc provider (IAM allows one per URL). */
            oidcProvider: z.enum(["create", "existing"]).default("create"),
            deployManagedPolicyArns: z
                .array(z.string().regex(/^arn:[\w-]+:iam::(aws|\d{12}):policy\/.+$/, "is not a managed policy ARN"))
                .min(1)
                .default(["arn:aws:iam::aws:policy/AdministratorAccess"]),
        })
        .prefault({}),
});

/** The deployments stack's fleet part. */
export const fleetDeploymentSettings = z.strictObject({
    /** The main stack whose `fleet` output lists the accounts (`org/multi-account-ops/main`); no fleet part without it. */
    mainStack: z
        .string()
        .regex(/^([\w.-]+\/){0,2}[\w.-]+$/, "is not a stack name such as org/multi-account-ops/main")
        .optional(),
    /** Hour (UTC) the daily drift detection starts; stacks are spread one a minute from there. */
    driftHourUtc: z.number().int().min(0).max(23).default(3),
    autoRemediateDrift: z.boolean().default(false),
});

export type FleetSettings = z.output<typeof fleetSettings>;
export type FleetOverride = z.output<typeof fleetOverride>;

const show = (value: unknown): string => JSON.stringify(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Cross-key checks of the fleet block, in the same "key value problem" form as the rest of the config.
 * Precedence (docs/fleet.md): an account listed in members or memberStacks is never a fleet account; when
 * the OUs hold it, discovery leaves it out, and naming it in fleet.accountIds or fleet.canary is an error.
 */
export function fleetProblems(raw: Record<string, unknown>): string[] {
    const fleet = isObject(raw.fleet) ? raw.fleet : undefined;
    const fleetOn = fleet?.enabled === true;
    const problems: string[] = [];
    if (!fleetOn) {
        if (raw.members === undefined) problems.push("members is required (or turn fleet.enabled on)");
        else if (Array.isArray(raw.members) && raw.members.length === 0)
            problems.push("members must list at least one member account (or turn fleet.enabled on)");
        return problems;
    }
    if (list(fleet.organizationalUnitIds).length + list(fleet.accountIds).length === 0)
        problems.push(
            "fleet.organizationalUnitIds [] must list at least one OU (or fleet.accountIds an account) when fleet.enabled is true",
        );
    const owners = new Map<unknown, string>();
    owners.set(raw.mainAccountId, "mainAccountId");
    if (isObject(raw.management)) owners.set(raw.management.accountId, "management.accountId");
    list(raw.members).forEach((m, i) => isObject(m) && owners.set(m.accountId, `members[${i}]`));
    list(raw.memberStacks).forEach((m, i) => isObject(m) && owners.set(m.accountId, `memberStacks[${i}]`));
    const excluded = list(fleet.excludeAccountIds);
    const canary = isObject(fleet.canary) ? fleet.canary : {};
    for (const [key, ids] of [
        ["fleet.accountIds", list(fleet.accountIds)],
        ["fleet.canary.accountIds", list(canary.accountIds)],
    ] as const) {
        ids.forEach((id, index) => {
            const owner = owners.get(id);
            if (owner !== undefined)
                problems.push(
                    `${key}[${index}] ${show(id)} is already ${owner}: an account is run by the hub, by its own member stack or by its fleet stack, never two of them`,
                );
            if (excluded.includes(id)) problems.push(`${key}[${index}] ${show(id)} is also in fleet.excludeAccountIds`);
        });
    }
    for (const [index, stack] of list(raw.memberStacks).entries()) {
        const name = isObject(stack) ? stack.stack : undefined;
        if (typeof name === "string" && fleetStackPattern.test(name))
            problems.push(
                `memberStacks[${index}].stack ${show(name)} has a fleet stack's name (member-<accountId>): rename it, e.g. member-${String(isObject(stack) ? stack.name : "sandbox")}, so the two never mix`,
            );
    }
    const featureSwitches: [string, unknown][] = [
        ["fleet.features", fleet.features],
        ...Object.entries(isObject(fleet.overrides) ? fleet.overrides : {}).map(([id, o]): [string, unknown] => [
            `fleet.overrides.${id}.features`,
            isObject(o) ? o.features : undefined,
        ]),
    ];
    for (const [where, features] of featureSwitches) {
        if (!isObject(features)) continue;
        for (const [feature, on] of Object.entries(features)) {
            if (feature === "delivery" && on === true)
                problems.push(
                    `${where}.delivery true is not a fleet capability: each fleet account's deploy role comes from fleet.bootstrap's StackSet`,
                );
            else if (on === true && (isObject(raw[feature]) ? raw[feature].enabled : undefined) !== true)
                problems.push(`${where}.${feature} true needs ${feature}.enabled true: the hub side of ${feature} would be missing`);
        }
    }
    const delivery = isObject(raw.delivery) ? raw.delivery : {};
    const bootstrap = isObject(fleet.bootstrap) ? fleet.bootstrap : {};
    if (bootstrap.enabled !== false && (delivery.enabled !== true || delivery.pulumiOrganization === undefined))
        problems.push(
            "fleet.bootstrap.enabled (the default) needs delivery.enabled true and delivery.pulumiOrganization: the fleet's deploy roles trust that Pulumi organization's tokens",
        );
    if (bootstrap.enabled !== false && list(fleet.organizationalUnitIds).length === 0)
        problems.push(
            "fleet.bootstrap.enabled needs fleet.organizationalUnitIds: the StackSet deploys the roles to OUs (set bootstrap.enabled false and create the role yourself for fleet.accountIds)",
        );
    return problems;
}
