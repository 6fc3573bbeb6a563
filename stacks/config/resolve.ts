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

/**
 * The role the hub's provider assumes in a member. A preview-only run (the switch above) takes
 * the read-only deploy role, so a pull-request preview never holds write credentials; otherwise the
 * deploy role once `delivery.useDeployRoles` is on, else the member's `hubRoleName`.
 */
export function memberAccessRoleName(config: MainStackConfig, member: MemberAccountConfig, env: NodeJS.ProcessEnv = process.env): string {
    if (env[previewOnlyVariable] === "true") {
        if (!config.delivery.enabled)
            throw new Error(`${previewOnlyVariable}=true needs delivery.enabled: the read-only member roles come with it`);
        return config.delivery.memberReadOnlyRoleName;
    }
    return config.delivery.enabled && config.delivery.useDeployRoles ? config.delivery.memberDeployRoleName : member.hubRoleName;
}
