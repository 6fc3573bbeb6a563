import { z } from "zod";
import { iamRoleName, parameterPath } from "./primitives";

/**
 * One on/off switch per capability. Each capability's own settings live beside its switch, so a
 * user reads one block per capability in Pulumi.<stack>.yaml.
 */
export const goldenAmiSettings = z.strictObject({
    enabled: z.boolean().default(false),
    /** Parameter Store path the publisher writes under, one parameter per recipe. */
    parameterPrefix: parameterPath.default("/ec2-imagebuilder/latest"),
    /** Role B: the narrow role the publisher assumes in each receiving account. */
    targetRoleName: iamRoleName.default("LambdaExecutionRoleForSSMParam"),
});

export const inventorySettings = z.strictObject({
    enabled: z.boolean().default(false),
});

export const managedInstancesSettings = z.strictObject({
    enabled: z.boolean().default(false),
});

export const automationSettings = z.strictObject({
    enabled: z.boolean().default(false),
    executionRoleName: iamRoleName.default("AWS-SystemsManager-AutomationExecutionRole"),
});

export const deliverySettings = z.strictObject({
    enabled: z.boolean().default(false),
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
