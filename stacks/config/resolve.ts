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
