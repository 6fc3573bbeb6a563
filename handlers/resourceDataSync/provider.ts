/**
 * The Pulumi dynamic provider for an organization-based SSM resource data sync. Pulumi serializes
 * this object with everything it references; SDK clients are made inside each method.
 */
import type * as pulumi from "@pulumi/pulumi";
import { checkSyncInputs, isUnknown, type SyncInputs } from "./inputs";
import { createSync, deleteSync, readSync } from "./operations";

/** Changing any of these needs a new sync; the name is unique, so the old one goes first. */
const replacingProperties: (keyof SyncInputs)[] = ["syncName", "bucketName", "bucketRegion", "prefix", "kmsKeyArn", "region"];

function normalized(value: unknown): unknown {
    return value === "" || value === null ? undefined : value;
}

export const resourceDataSyncProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds: SyncInputs, news: SyncInputs) {
        return { inputs: news, failures: checkSyncInputs(news as unknown as Record<string, unknown>) };
    },

    async diff(_id: string, olds: SyncInputs, news: SyncInputs) {
        const replaces = replacingProperties.filter((key) => isUnknown(news[key]) || normalized(olds[key]) !== normalized(news[key]));
        // A new roleArn only changes how Pulumi reaches the account: stored, but not a change to the sync.
        const credentialsChanged = isUnknown(news.roleArn) || normalized(olds.roleArn) !== normalized(news.roleArn);
        return {
            changes: replaces.length > 0 || credentialsChanged,
            replaces,
            deleteBeforeReplace: replaces.length > 0,
            stables: replaces.length === 0 ? ["syncName"] : [],
        };
    },

    async create(inputs: SyncInputs) {
        const outs = await createSync(inputs);
        return { id: inputs.syncName, outs };
    },

    async read(id: string, props: SyncInputs) {
        const current = await readSync({ ...props, syncName: id });
        if (!current) return { id: "", props: {} };
        return { id, props: current };
    },

    async update(_id: string, olds: SyncInputs & Record<string, unknown>, news: SyncInputs) {
        // Only roleArn can change without a replace, and the sync itself has nothing to update.
        return { outs: { ...olds, roleArn: news.roleArn } };
    },

    async delete(id: string, props: SyncInputs) {
        await deleteSync({ ...props, syncName: id });
    },
};
