import { UnknownValueError } from "@pulumi/policy";
import { unknownDuringPreview, type PlannedResource } from "./rules";

/**
 * CrossGuard hands a stack policy each resource's properties behind a proxy that throws
 * UnknownValueError on any value not known yet (a first preview: ARNs, IDs, documents built from
 * them). A throwing stack policy is downgraded to an advisory "can't run during preview" for the
 * whole stack (@pulumi/policy server.js), so one unknown ARN would silence a mandatory rule for every
 * resource. Instead each property is read on its own: known values stay, unknown ones become
 * `unknownDuringPreview` and are listed, so the rules still check everything known and the
 * unknowns are reported by name (the advisory policy in index.ts).
 */
export function knownProperties(props: unknown, path = ""): { value: unknown; unknown: string[] } {
    const unknown: string[] = [];
    const read = (value: unknown, at: string): unknown => {
        if (typeof value !== "object" || value === null) return value;
        const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
        const result = (Array.isArray(value) ? [] : {}) as Record<string | number, unknown>;
        for (const key of keys) {
            const where = Array.isArray(value) ? `${at}[${key}]` : `${at}.${String(key)}`;
            try {
                result[key] = read((value as Record<string | number, unknown>)[key], where);
            } catch (error) {
                if (!(error instanceof UnknownValueError)) throw error;
                unknown.push(where);
                result[key] = unknownDuringPreview;
            }
        }
        return result;
    };
    return { value: read(props, path), unknown };
}

/** The rules' view of the stack: known properties only, and which ones were unknown. */
export function plannedResources(resources: readonly { type: string; name: string; props: unknown }[]): {
    resources: PlannedResource[];
    unknown: { resource: string; path: string }[];
} {
    const unknown: { resource: string; path: string }[] = [];
    const planned = resources.map((resource) => {
        const known = knownProperties(resource.props);
        unknown.push(...known.unknown.map((path) => ({ resource: resource.name, path })));
        return { type: resource.type, name: resource.name, props: known.value as Record<string, unknown> };
    });
    return { resources: planned, unknown };
}

/** Properties the rules read; an unknown one is reported, so a rule never passes it silently. */
export const checkedProperties =
    /^\.(assumeRolePolicy|policy|bucket|deadLetterConfig|destinationConfig|functionName|name|kmsMasterKeyId|metadataOptions|associatePublicIpAddress|privateDnsEnabled|vpcEndpointType|blockPublicAcls|blockPublicPolicy|ignorePublicAcls|restrictPublicBuckets)\b/;
