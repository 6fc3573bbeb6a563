import type { FeatureName } from "./features";
import { featureNames } from "./features";
import type { MainStackConfig, MemberAccountConfig, MemberStackAccountConfig, MemberStackConfig } from "./schema";

export type FeatureSwitches = Readonly<Record<FeatureName, boolean>>;

/** A member's (or member-stack account's) capabilities: the stack-wide switch, unless the member overrides it. */
export function memberFeatures(config: MainStackConfig, member: MemberAccountConfig | MemberStackAccountConfig): FeatureSwitches {
    return Object.fromEntries(featureNames.map((name) => [name, member.features[name] ?? config[name].enabled])) as Record<
        FeatureName,
        boolean
    >;
}

/**
 * Every account that has capability `feature`: the members the hub deploys and the accounts that run their own
 * member stack (`memberStacks`). Role A, the Automation administration role, delivery, launch permissions and the
 * Athena projection all take their accounts from here.
 */
export function accountsWithFeature(config: MainStackConfig, feature: FeatureName): string[] {
    return [...config.members, ...config.memberStacks].filter((member) => memberFeatures(config, member)[feature]).map((m) => m.accountId);
}

/** Role B has one owner per account: the goldenAmi.roleStackSet StackSet for accounts in its OUs, the hub elsewhere. */
export function roleBFromStackSet(config: MainStackConfig, member: MemberAccountConfig | MemberStackAccountConfig): boolean {
    const stackSet = config.goldenAmi.roleStackSet;
    return (
        stackSet.enabled &&
        member.organizationalUnitId !== undefined &&
        stackSet.organizationalUnitIds.includes(member.organizationalUnitId)
    );
}

/** The stack's regions: home first, then the extra ones. */
export function stackRegions(config: { homeRegion: string; extraRegions: readonly string[] }): string[] {
    return [config.homeRegion, ...config.extraRegions];
}

/** A member stack's capabilities: what its own config switches, else what the main stack declares for it under memberStacks. */
export function memberStackFeatures(config: MemberStackConfig, declared: Readonly<Record<string, boolean>> = {}): FeatureSwitches {
    return Object.fromEntries(featureNames.map((name) => [name, config.features[name] ?? declared[name] ?? false])) as Record<
        FeatureName,
        boolean
    >;
}

/** Set only by the pull-request preview job: every member provider then assumes the read-only role. */
export const previewOnlyVariable = "MULTI_ACCOUNT_OPS_PREVIEW_ONLY";

export function isPreviewOnly(env: NodeJS.ProcessEnv = process.env): boolean {
    return env[previewOnlyVariable] === "true";
}

/** The role a provider assumes: the read-only one in a preview-only run, so a preview never holds write credentials. */
export function providerRoleName(writeRoleName: string, readOnlyRoleName: string, env: NodeJS.ProcessEnv = process.env): string {
    return isPreviewOnly(env) ? readOnlyRoleName : writeRoleName;
}

/** The role the hub assumes in the management account (its `roleName` is required whenever `management` is set). */
export function managementRoleName(config: MainStackConfig, env: NodeJS.ProcessEnv = process.env): string {
    const management = config.management;
    if (!management?.roleName) throw new Error("management.roleName is required when management.accountId is set");
    return providerRoleName(management.roleName, management.readOnlyRoleName, env);
}

/** The role the hub assumes in the inventory bucket's account, when that is not the main account. */
export function bucketAccountRoleName(config: MainStackConfig, env: NodeJS.ProcessEnv = process.env): string {
    const account = config.inventory.bucketAccount;
    if (!account) throw new Error("inventory.bucketAccount is not set");
    return providerRoleName(account.roleName, account.readOnlyRoleName ?? config.delivery.memberReadOnlyRoleName, env);
}

/**
 * The role the hub's provider assumes in a member. A preview-only run (the switch above) takes
 * the read-only deploy role, so a pull-request preview never holds write credentials; otherwise the
 * deploy role once `delivery.useDeployRoles` is on, else the member's `hubRoleName`.
 */
export function memberAccessRoleName(config: MainStackConfig, member: MemberAccountConfig, env: NodeJS.ProcessEnv = process.env): string {
    if (isPreviewOnly(env)) {
        if (!config.delivery.enabled)
            throw new Error(`${previewOnlyVariable}=true needs delivery.enabled: the read-only member roles come with it`);
        return config.delivery.memberReadOnlyRoleName;
    }
    return config.delivery.enabled && config.delivery.useDeployRoles ? config.delivery.memberDeployRoleName : member.hubRoleName;
}
