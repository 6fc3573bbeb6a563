/**
 * The Pulumi dynamic provider for an organization-based SSM resource data sync. Pulumi serializes
 * this object with everything it references; SDK clients are made inside each method.
 * Dynamic providers: https://www.pulumi.com/docs/iac/concepts/providers/dynamic-providers/
 */
import type * as pulumi from "@pulumi/pulumi";
import { checkSyncInputs, isUnknown, type SyncInputs, type SyncOutputs } from "./inputs";
import { createSync, deleteSync, readSync, updateSync } from "./operations";

/** Changing any of these needs a new sync; the name is unique per account and region, so the old one goes first. */
const replacingProperties: (keyof SyncInputs)[] = ["syncName", "bucketName", "bucketRegion", "prefix", "kmsKeyArn", "region", "accountId"];

/**
 * Empty and absent are the same setting: the inputs carry `kmsKeyArn: ""` for "no key", while `read`
 * (after a refresh) reports the sync's absent key as undefined.
 */
function normalized(value: unknown): unknown {
    return value === "" || value === null ? undefined : value;
}

function changed(olds: Partial<SyncOutputs>, news: SyncInputs, key: keyof SyncInputs): boolean {
    // State written before accountId existed: the account never changed, it was just not recorded.
    if (key === "accountId" && olds.accountId === undefined) return false;
    return isUnknown(news[key]) || normalized(olds[key]) !== normalized(news[key]);
}

export const resourceDataSyncProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds: SyncInputs, news: SyncInputs) {
        return { inputs: news, failures: checkSyncInputs(news as unknown as Record<string, unknown>) };
    },

    async diff(_id: string, olds: Partial<SyncOutputs>, news: SyncInputs) {
        const replaces = replacingProperties.filter((key) => changed(olds, news, key));
        // A new roleArn only changes how Pulumi reaches the account; recording ownership for older
        // state needs one update. onExisting matters only when the sync is created: never a change.
        const updates = changed(olds, news, "roleArn") || olds.ownership === undefined;
        return {
            changes: replaces.length > 0 || updates,
            replaces,
            deleteBeforeReplace: replaces.length > 0,
            stables: replaces.length === 0 ? ["syncName", "accountId", "region"] : [],
        };
    },

    async create(inputs: SyncInputs) {
        return createSync(inputs);
    },

    async read(id: string, props: Partial<SyncOutputs>) {
        const current = await readSync(id, props ?? {});
        if (!current) return { id: "", props: {} };
        return { id, props: current };
    },

    async update(id: string, olds: Partial<SyncOutputs>, news: SyncInputs) {
        return { outs: await updateSync(id, olds, news) };
    },

    async delete(id: string, props: Partial<SyncOutputs>) {
        await deleteSync(id, props);
    },
};
