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
