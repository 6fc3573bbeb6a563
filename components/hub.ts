import type * as pulumi from "@pulumi/pulumi";

/**
 * What the main stack exports for members: the main stack passes resource outputs, a member stack
 * reads the same shape through a StackReference. Optional parts exist only when that capability is on.
 */
export interface HubOutputs {
    organizationId: string;
    mainAccountId: string;
    partition: string;
    homeRegion: string;
    regions: string[];
    goldenAmi?: {
        publisherRoleArn: string;
        parameterPrefix: string;
        targetRoleName: string;
        imageTopicArn: string;
        /** `<parameterPrefix>/<recipeName>`: where each account finds its latest golden AMI. */
        latestAmiParameter: string;
        /** The AMI key of each stack region (empty without the pipeline): copy targets' distribution role uses them. */
        amiKeyArns?: string[];
        /** Set when Image Builder writes the parameter in copy targets itself. */
        nativeSsmParameterName?: string;
    };
    automation?: {
        administrationRoleArn: string;
        executionRoleName: string;
        /** The main account's default bus in its home region, where members forward failures. */
        mainBusArn: string;
    };
    delivery?: {
        deployerRoleArn: string;
        readOnlyRoleArn: string;
        memberDeployRoleName: string;
        memberReadOnlyRoleName: string;
    };
    /**
     * The hub's own settings a member stack starts from (it overrides what it sets itself): the managed-instances
     * settings, the Automation execution-role grants and the inventory collection mode.
     */
    memberDefaults?: {
        managedInstances: Record<string, unknown>;
        automation: Record<string, unknown>;
        inventoryCollection: "association" | "quickSetup";
    };
    /** The accounts that run their own member stack, by account ID, as the main stack declares them. */
    memberStacks?: Record<
        string,
        { name: string; stack: string; features: Record<string, boolean>; parameterWriterRoleFromStackSet: boolean }
    >;
    inventory?: {
        bucketName: string;
        bucketRegion: string;
        prefix: string;
        syncName: string;
        kmsKeyArn?: string;
        schedule: string;
    };
}

/** One capability's hub outputs as the main stack builds them: each field may still be an Output. */
export type HubPartInputs<K extends keyof HubOutputs> =
    { [P in keyof NonNullable<HubOutputs[K]>]: pulumi.Input<NonNullable<HubOutputs[K]>[P]> } | undefined;

/** Reads one capability's part of the hub outputs, failing clearly when the main stack has it off. */
export function hubPart<K extends "goldenAmi" | "inventory" | "automation" | "delivery">(
    hub: HubOutputs,
    part: K,
): NonNullable<HubOutputs[K]> {
    const value = hub[part];
    if (value === undefined) {
        throw new Error(
            `the main stack exports no "${part}" outputs: turn ${part}.enabled on in the main stack before enabling it in a member`,
        );
    }
    return value as NonNullable<HubOutputs[K]>;
}
