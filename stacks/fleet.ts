import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { fleetBootstrapTemplate } from "../components/fleet/policies";
import { OrganizationStackSet } from "../components/organizationStackSet";
import type { FeatureName } from "./config/features";
import { featureNames } from "./config/features";
import { fleetStackName, fleetStackPrefix, type FleetOverride } from "./config/fleet";
import { stackRegions, type FeatureSwitches } from "./config/resolve";
import type { MainStackConfig } from "./config/schema";
import type { HubContext } from "./hub/context";

/** The project every fleet stack belongs to (the OIDC subject and the Deployments stack names use it). */
export const fleetProject = "multi-account-ops";

/** One fleet account as the main stack exports it. */
export interface FleetAccount {
    accountId: string;
    name: string;
    stack: string;
    /** In the first wave. */
    canary: boolean;
    /** Role B comes from goldenAmi.roleStackSet (the account was found below one of its OUs). */
    parameterWriterRoleFromStackSet: boolean;
}

/** What every fleet stack gets unless `overrides` says otherwise for its account. */
export interface FleetMemberDefaults {
    namePrefix: string;
    homeRegion: string;
    regions: string[];
    features: FeatureSwitches;
    inventoryCollection: "association" | "quickSetup";
    adoptExistingSyncs: boolean;
    managedInstances: MainStackConfig["managedInstances"];
    automation: Pick<MainStackConfig["automation"], "extraManagedPolicyArns" | "inlinePolicies" | "logRetentionDays">;
    defaultTags: Record<string, string>;
}

/** The main stack's `fleet` output: the discovered accounts and every setting a fleet stack reads. */
export interface FleetOutputs {
    project: string;
    stackPrefix: string;
    deployRoleName: string;
    /** Canaries first, in the order they deploy; then the rest, by account ID. */
    accounts: FleetAccount[];
    defaults: FleetMemberDefaults;
    overrides: Record<string, FleetOverride>;
}

function managementAccountId(config: MainStackConfig): string {
    return config.management?.accountId ?? config.mainAccountId;
}

/** An OU's ARN: `arn:<partition>:organizations::<management account>:ou/<org>/<ou>`. */
export function organizationalUnitArn(partition: string, config: MainStackConfig, ouId: string): string {
    return `arn:${partition}:organizations::${managementAccountId(config)}:ou/${config.organizationId}/${ouId}`;
}

/**
 * `aws:ResourceOrgPaths` / `aws:PrincipalOrgPaths` patterns for the fleet OUs and every OU below them:
 * `o-xxx/r-xxxx/ou-parent/…/ou-fleet/…`, so the OU may sit anywhere in the tree. Multivalued keys, so
 * `ForAnyValue:StringLike` ("AWS global condition context keys", aws:ResourceOrgPaths:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgpaths).
 */
export function fleetOrganizationPaths(config: MainStackConfig): string[] {
    return config.fleet.enabled ? config.fleet.organizationalUnitIds.map((ou) => `${config.organizationId}/*/${ou}/*`) : [];
}

/** Whether a fleet account has the capability by default (main's switch and the fleet's). Delivery never is. */
function fleetUsesByDefault(config: MainStackConfig, feature: FeatureName): boolean {
    return feature !== "delivery" && config[feature].enabled && (config.fleet.features[feature] ?? true);
}

/** Whether any fleet account can have the capability (the fleet default, or an override turning it on). */
export function fleetUses(config: MainStackConfig, feature: FeatureName): boolean {
    if (!config.fleet.enabled || feature === "delivery" || !config[feature].enabled) return false;
    return (
        fleetUsesByDefault(config, feature) ||
        Object.values(config.fleet.overrides).some((override) => override.features?.[feature] === true)
    );
}

/** Which fleet accounts have role B (their own stacks create it), for the AMI publisher's skip rule. */
export interface FleetRoleB {
    /** Every account below these OUs has role B unless excluded: golden AMIs are on for the fleet by default. */
    organizationalUnitIds: string[];
    /** Fleet accounts with role B by an override (golden AMIs off for the fleet, on for them). */
    accountIds: string[];
    /** Fleet accounts without role B: excluded from the fleet, or with golden AMIs switched off. */
    excludedAccountIds: string[];
}

/**
 * The fleet's role-B holders. The AMI is shared with the fleet OUs, so every account below them receives it
 * (OU sharing includes child OUs: "Share an AMI with organizations or OUs",
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/share-amis-with-organizations-and-OUs.html); the publisher
 * must know which of them have no role B, so it skips them instead of failing on every image.
 */
export function fleetRoleB(config: MainStackConfig): FleetRoleB {
    if (!fleetUses(config, "goldenAmi")) return { organizationalUnitIds: [], accountIds: [], excludedAccountIds: [] };
    const switched = (on: boolean): string[] =>
        Object.entries(config.fleet.overrides)
            .filter(([, override]) => override.features?.goldenAmi === on)
            .map(([accountId]) => accountId);
    if (!fleetUsesByDefault(config, "goldenAmi")) {
        const on = switched(true);
        return {
            organizationalUnitIds: [],
            accountIds: on,
            excludedAccountIds: config.fleet.accountIds.filter((accountId) => !on.includes(accountId)),
        };
    }
    return {
        organizationalUnitIds: config.fleet.organizationalUnitIds,
        accountIds: [],
        excludedAccountIds: [...new Set([...config.fleet.excludeAccountIds, ...switched(false)])].sort(),
    };
}

/**
 * The main config as the hub sees it with the fleet on: the golden AMI is shared with the fleet OUs by
 * ARN (Image Builder LaunchPermissionConfiguration.organizationalUnitArns,
 * https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_LaunchPermissionConfiguration.html), so
 * role A may assume role B below them (aws:ResourceOrgPaths) and the AMI key admits them
 * (aws:PrincipalOrgPaths); explicit fleet accounts by ID. Nothing here lists the OUs' accounts.
 */
export function withFleetSharing(config: MainStackConfig, partition: string): MainStackConfig {
    if (!fleetUses(config, "goldenAmi")) return config;
    const distribution = config.goldenAmi.distribution;
    const ouArns = config.fleet.organizationalUnitIds.map((ou) => organizationalUnitArn(partition, config, ou));
    return {
        ...config,
        goldenAmi: {
            ...config.goldenAmi,
            distribution: {
                ...distribution,
                organizationalUnitArns: [...new Set([...distribution.organizationalUnitArns, ...ouArns])],
                accountIds: [...new Set([...distribution.accountIds, ...config.fleet.accountIds])],
            },
        },
    };
}

function fleetDefaults(config: MainStackConfig): FleetMemberDefaults {
    return {
        namePrefix: config.namePrefix,
        homeRegion: config.homeRegion,
        regions: config.fleet.regions ?? stackRegions(config),
        features: Object.fromEntries(featureNames.map((name) => [name, fleetUsesByDefault(config, name)])) as FeatureSwitches,
        inventoryCollection: config.inventory.collection,
        adoptExistingSyncs: config.inventory.adoptExistingSyncs,
        managedInstances: config.managedInstances,
        automation: {
            extraManagedPolicyArns: config.automation.extraManagedPolicyArns,
            inlinePolicies: config.automation.inlinePolicies,
            logRetentionDays: config.automation.logRetentionDays,
        },
        defaultTags: config.defaultTags,
    };
}

export interface OrganizationAccount {
    id: string;
    name: string;
    state?: string;
    status?: string;
}

/**
 * The accounts below one OU, from AWS Organizations when the program runs: the aws provider's data
 * sources getOrganizationalUnitDescendantAccounts (nested OUs too) or getOrganizationalUnitChildAccounts
 * (https://www.pulumi.com/registry/packages/aws/api-docs/organizations/getorganizationalunitdescendantaccounts/).
 * Only the management account or a delegated administrator may list accounts, hence the management provider.
 */
function accountsBelow(ctx: HubContext, ouId: string): pulumi.Output<OrganizationAccount[]> {
    const opts = { provider: ctx.managementProvider() };
    const result = ctx.config.fleet.includeNestedOus
        ? aws.organizations.getOrganizationalUnitDescendantAccountsOutput({ parentId: ouId }, opts)
        : aws.organizations.getOrganizationalUnitChildAccountsOutput({ parentId: ouId }, opts);
    return result.accounts as pulumi.Output<OrganizationAccount[]>;
}

/** ACTIVE only: suspended and closing accounts can't be deployed to (State, or the older Status field). */
function isActive(account: OrganizationAccount): boolean {
    return (account.state || account.status) === "ACTIVE";
}

/**
 * The fleet from what Organizations returned: OU accounts and explicit ones, minus exclusions and the
 * accounts run elsewhere (main, management, members, memberStacks: they take precedence, docs/fleet.md).
 */
export function selectFleet(config: MainStackConfig, byOu: Record<string, OrganizationAccount[]>): FleetAccount[] {
    const fleet = config.fleet;
    const runElsewhere = new Set([
        config.mainAccountId,
        managementAccountId(config),
        ...config.members.map((member) => member.accountId),
        ...config.memberStacks.map((member) => member.accountId),
        ...fleet.excludeAccountIds,
    ]);
    const names = new Map<string, string>();
    const foundBelow = new Map<string, string>();
    for (const ou of fleet.organizationalUnitIds)
        for (const account of byOu[ou] ?? [])
            if (isActive(account)) {
                names.set(account.id, account.name);
                foundBelow.set(account.id, ou);
            }
    for (const id of fleet.accountIds) if (!names.has(id)) names.set(id, id);
    const canaryIds = new Set(fleet.canary.accountIds);
    for (const ou of fleet.canary.organizationalUnitIds) for (const account of byOu[ou] ?? []) canaryIds.add(account.id);
    const stackSet = config.goldenAmi.roleStackSet;
    const ids = [...names.keys()].filter((id) => !runElsewhere.has(id)).sort();
    const account = (id: string): FleetAccount => {
        const ou = foundBelow.get(id);
        return {
            accountId: id,
            name: names.get(id) ?? id,
            stack: fleetStackName(id),
            canary: canaryIds.has(id),
            parameterWriterRoleFromStackSet: stackSet.enabled && ou !== undefined && stackSet.organizationalUnitIds.includes(ou),
        };
    };
    // Canaries in the order the config names them, then the OU canaries by ID.
    const canaries = [...fleet.canary.accountIds, ...ids].filter(
        (id, i, all) => ids.includes(id) && canaryIds.has(id) && all.indexOf(id) === i,
    );
    return [...canaries.map(account), ...ids.filter((id) => !canaryIds.has(id)).map(account)];
}

/**
 * The fleet's main-stack side: discovers the accounts, exports the settings fleet stacks read, and
 * (with `bootstrap.enabled`) one service-managed StackSet giving every account of the fleet OUs the
 * role its own stack's Deployments assume. A constant number of resources, whatever the fleet's size.
 */
export function deployFleetHub(ctx: HubContext): pulumi.Output<FleetOutputs> | undefined {
    const { config } = ctx;
    const fleet = config.fleet;
    if (!fleet.enabled) return undefined;
    const ous = [...new Set([...fleet.organizationalUnitIds, ...fleet.canary.organizationalUnitIds])];
    const discovered = pulumi
        .all(Object.fromEntries(ous.map((ou) => [ou, accountsBelow(ctx, ou)])))
        .apply((byOu) => byOu as Record<string, OrganizationAccount[]>);

    const organization = config.delivery.pulumiOrganization;
    if (fleet.bootstrap.enabled && organization && fleet.organizationalUnitIds.length > 0) {
        new OrganizationStackSet(
            "fleet-bootstrap",
            {
                region: config.homeRegion,
                stackSetName: `${config.namePrefix}-fleet-deploy-role`,
                description: "The role Pulumi Deployments assumes (OIDC) to deploy each fleet account's own stack",
                templateBody: fleetBootstrapTemplate({
                    pulumiOrganization: organization,
                    stackPrefix: fleetStackPrefix,
                    deployRoleName: fleet.deployRoleName,
                    deployManagedPolicyArns: fleet.bootstrap.deployManagedPolicyArns,
                    createOidcProvider: fleet.bootstrap.oidcProvider === "create",
                }),
                organizationalUnitIds: fleet.organizationalUnitIds,
                callAs: config.management?.callAs ?? "SELF",
            },
            { provider: ctx.managementProvider() },
        );
    }

    return discovered.apply((byOu) => {
        const accounts = selectFleet(config, byOu);
        const inFleet = new Set(accounts.map((a) => a.accountId));
        for (const id of Object.keys(fleet.overrides))
            if (!inFleet.has(id))
                void pulumi.log.warn(
                    `fleet.overrides.${id}: account ${id} is not in the fleet (not in its OUs, or excluded); the override is unused`,
                );
        return {
            project: fleetProject,
            stackPrefix: fleetStackPrefix,
            deployRoleName: fleet.deployRoleName,
            accounts,
            defaults: fleetDefaults(config),
            overrides: fleet.overrides,
        };
    });
}

/** One fleet account's settings: the defaults, with its override's sections merged over them (one level deep). */
export function fleetMemberSettings(fleet: FleetOutputs, accountId: string): FleetMemberDefaults {
    const override = fleet.overrides[accountId] ?? {};
    const defaults = fleet.defaults;
    return {
        ...defaults,
        regions: override.regions ?? defaults.regions,
        features: Object.fromEntries(
            featureNames.map((name) => [name, name !== "delivery" && (override.features?.[name] ?? defaults.features[name])]),
        ) as FeatureSwitches,
        managedInstances: { ...defaults.managedInstances, ...override.managedInstances },
        automation: {
            ...defaults.automation,
            ...override.automation,
            inlinePolicies: { ...defaults.automation.inlinePolicies, ...override.automation?.inlinePolicies },
        },
    };
}
