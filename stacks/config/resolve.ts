import type { FeatureName } from "./features";
import { featureNames } from "./features";
import type { MainStackConfig, MemberAccountConfig, MemberStackConfig } from "./schema";

export type FeatureSwitches = Readonly<Record<FeatureName, boolean>>;

/** A member's capabilities: the stack-wide switch, unless the member overrides it. */
export function memberFeatures(config: MainStackConfig, member: MemberAccountConfig): FeatureSwitches {
    return Object.fromEntries(featureNames.map((name) => [name, member.features[name] ?? config[name].enabled])) as Record<
        FeatureName,
        boolean
    >;
}

/** The stack's regions: home first, then the extra ones. */
export function stackRegions(config: { homeRegion: string; extraRegions: readonly string[] }): string[] {
    return [config.homeRegion, ...config.extraRegions];
}

/** A member stack's capabilities: only what its own config switches on. */
export function memberStackFeatures(config: MemberStackConfig): FeatureSwitches {
    return Object.fromEntries(featureNames.map((name) => [name, config.features[name] ?? false])) as Record<FeatureName, boolean>;
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
