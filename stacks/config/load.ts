import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { deploymentsStackSchema, mainStackSchema, memberStackSchema, type StackConfig } from "./schema";
import { didYouMean, knownKeysAt, mainStackProblems, memberStackProblems } from "./checks";

export const configNamespace = "multi-account-ops";

export { secretPlaceholder } from "./primitives";

export class StackConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(
            `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${p}`).join("\n"),
        );
        this.name = "StackConfigError";
    }
}

export function formatPath(path: readonly PropertyKey[]): string {
    return path.map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`)).join("");
}

function describeIssue(issue: z.core.$ZodIssue, schema: z.ZodType): string[] {
    const where = formatPath(issue.path);
    if (issue.code === "unrecognized_keys") {
        const known = knownKeysAt(schema, issue.path);
        return issue.keys.map((key) => `${formatPath([...issue.path, key])} is not a known key${didYouMean(key, known)}`);
    }
    if (issue.input === undefined) {
        return [`${where} is required`];
    }
    const shown = JSON.stringify(issue.input);
    if (issue.code === "invalid_type") {
        const digits = typeof issue.input === "number" ? String(issue.input) : "";
        const hint =
            issue.expected === "string" && typeof issue.input === "number"
                ? `: YAML read it as a number${/^\d{9,11}$/.test(digits) ? " and dropped its leading zeros" : ""}; quote it, ${JSON.stringify(/^\d{9,11}$/.test(digits) && /accountId$/i.test(String(issue.path.at(-1))) ? digits.padStart(12, "0") : digits)}`
                : "";
        return [`${where} ${shown} must be ${issue.expected === "array" ? "a list" : `a ${issue.expected}`}${hint}`];
    }
    if (issue.code === "invalid_value") {
        return [`${where} ${shown} must be ${issue.values.map((v) => JSON.stringify(v)).join(" or ")}`];
    }
    if (issue.code === "too_small" && Array.isArray(issue.input)) {
        return [`${where} ${issue.message}`];
    }
    return [`${where} ${shown} ${issue.message}`];
}

interface RawMember {
    accountId?: unknown;
    name?: unknown;
}

/** Checks that span several keys; they run even when single-key checks failed, so every problem shows at once. */
function crossKeyProblems(raw: Record<string, unknown>): string[] {
    const problems: string[] = [];
    const members: RawMember[] = Array.isArray(raw.members) ? (raw.members as RawMember[]) : [];
    const seenIds = new Map<unknown, number>();
    const seenNames = new Map<unknown, number>();
    members.forEach((member, index) => {
        if (typeof member !== "object" || member === null) return;
        const id = member.accountId;
        if (id !== undefined) {
            const first = seenIds.get(id);
            if (first !== undefined) {
                problems.push(`members[${index}].accountId ${JSON.stringify(id)} duplicates members[${first}].accountId`);
            } else {
                seenIds.set(id, index);
            }
            if (raw.mainAccountId !== undefined && id === raw.mainAccountId) {
                problems.push(`members[${index}].accountId ${JSON.stringify(id)} is the main account; list only member accounts`);
            }
        }
        if (member.name !== undefined) {
            const first = seenNames.get(member.name);
            if (first !== undefined) {
                problems.push(`members[${index}].name ${JSON.stringify(member.name)} duplicates members[${first}].name`);
            } else {
                seenNames.set(member.name, index);
            }
        }
    });
    members.forEach((member, index) => {
        const features = (member as { features?: Record<string, unknown> }).features;
        if (typeof features !== "object" || features === null) return;
        for (const [feature, on] of Object.entries(features)) {
            const stackWide = raw[feature] as { enabled?: unknown } | undefined;
            if (on === true && stackWide?.enabled !== true) {
                problems.push(
                    `members[${index}].features.${feature} true needs ${feature}.enabled true: the hub side of ${feature} would be missing`,
                );
            }
        }
    });
    const goldenAmi = raw.goldenAmi as { roleStackSet?: { enabled?: unknown; organizationalUnitIds?: unknown } } | undefined;
    const stackSet = goldenAmi?.roleStackSet;
    if (stackSet?.enabled === true && !(Array.isArray(stackSet.organizationalUnitIds) && stackSet.organizationalUnitIds.length > 0)) {
        problems.push(
            `goldenAmi.roleStackSet.organizationalUnitIds ${JSON.stringify(stackSet.organizationalUnitIds ?? [])} must list at least one OU when the StackSet is enabled`,
        );
    }
    const inventory = raw.inventory as
        { enabled?: unknown; collection?: unknown; quickSetup?: { organizationalUnitIds?: unknown } } | undefined;
    const quickSetupOus = inventory?.quickSetup?.organizationalUnitIds;
    if (
        inventory?.enabled === true &&
        inventory.collection === "quickSetup" &&
        !(Array.isArray(quickSetupOus) && quickSetupOus.length > 0)
    ) {
        problems.push(
            `inventory.quickSetup.organizationalUnitIds ${JSON.stringify(quickSetupOus ?? [])} must list at least one OU when inventory.collection is "quickSetup"`,
        );
    }
    const delivery = raw.delivery as
        { enabled?: unknown; pulumiOrganization?: unknown; github?: { actionsOidc?: unknown; repository?: unknown } } | undefined;
    if (delivery?.enabled === true && delivery.pulumiOrganization === undefined)
        problems.push("delivery.pulumiOrganization is required when delivery.enabled is true");
    if (delivery?.github?.actionsOidc === true && delivery.github.repository === undefined)
        problems.push("delivery.github.repository is required when delivery.github.actionsOidc is true");
    if (Array.isArray(raw.extraRegions) && raw.extraRegions.includes(raw.homeRegion)) {
        problems.push(`extraRegions ${JSON.stringify(raw.extraRegions)} repeats homeRegion ${JSON.stringify(raw.homeRegion)}`);
    }
    return problems;
}

export interface ParseOptions {
    /** Top-level keys Pulumi holds as secrets. */
    secretKeys?: ReadonlySet<string>;
    /** The stack being planned or deployed (checked against delivery.stacks). */
    stack?: string;
}

/**
 * Validates a stack's configuration (keys without the namespace). Throws one StackConfigError
 * listing every problem, each naming the key and the value.
 */
export function parseStackConfig(raw: Record<string, unknown>, options: ParseOptions = {}): StackConfig {
    const secretKeys = options.secretKeys ?? new Set<string>();
    const problems: string[] = [];
    let role = raw.stackRole;
    if (role !== "main" && role !== "member" && role !== "deployments") {
        problems.push(
            role === undefined
                ? 'stackRole is required: "main", "member" or "deployments"'
                : `stackRole ${JSON.stringify(role)} must be "main", "member" or "deployments"`,
        );
        // Still check the rest, against the schema the other keys point to.
        role = "members" in raw || "mainAccountId" in raw ? "main" : "member";
    }
    const schema = role === "main" ? mainStackSchema : role === "deployments" ? deploymentsStackSchema : memberStackSchema;
    const result = schema.safeParse({ ...raw, stackRole: role }, { reportInput: true });
    if (!result.success) {
        for (const issue of result.error.issues) problems.push(...describeIssue(issue, schema));
    }
    problems.push(...crossKeyProblems(raw));
    if (role === "main") problems.push(...mainStackProblems(raw, { stack: options.stack }));
    if (role === "member") problems.push(...memberStackProblems(raw));
    if (!result.success || problems.length > 0) {
        throw new StackConfigError(problems);
    }
    const overrides =
        role === "member"
            ? { managedInstances: raw.managedInstances, automation: raw.automation, inventoryCollection: raw.inventoryCollection }
            : undefined;
    return { ...result.data, secretKeys, ...(overrides ? { overrides } : {}) } as StackConfig;
}

/** Structured values reach the program as JSON strings; plain strings (account IDs included) stay strings. */
function decodeConfigValue(value: string): unknown {
    if (!/^\s*[[{]/.test(value)) return value;
    try {
        return JSON.parse(value) as unknown;
    } catch {
        return value;
    }
}

interface InternalConfigRuntime {
    isConfigSecret?: (key: string) => boolean;
}

/** Reads this project's namespace from the running Pulumi program's configuration and validates it. */
export function readStackConfig(): StackConfig {
    const prefix = `${configNamespace}:`;
    // isConfigSecret is internal to @pulumi/pulumi; without it nothing is treated as a secret placeholder.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const internal = require("@pulumi/pulumi/runtime/config") as InternalConfigRuntime;
    const raw: Record<string, unknown> = {};
    const secretKeys = new Set<string>();
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (!key.startsWith(prefix)) continue;
        const shortKey = key.slice(prefix.length);
        raw[shortKey] = decodeConfigValue(value);
        if (internal.isConfigSecret?.(key)) secretKeys.add(shortKey);
    }
    return parseStackConfig(raw, { secretKeys, stack: pulumi.getStack() });
}
