import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { bootstrapStackSchema, deploymentsStackSchema, mainStackSchema, memberStackSchema, type StackConfig } from "./schema";
import { didYouMean, knownKeysAt, mainStackProblems, memberStackProblems } from "./checks";
import { fleetProblems } from "./fleet";

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

interface RawGoldenAmi {
    enabled?: unknown;
    pipeline?: { subnetId?: unknown; securityGroupIds?: unknown };
    encryption?: { kmsKeyArn?: unknown };
    distribution?: { targetAccountIds?: unknown; targetAccountRoles?: unknown };
    roleStackSet?: { enabled?: unknown };
    publisher?: { enabled?: unknown };
}

/** The golden AMI settings that depend on each other or on the members. */
function goldenAmiProblems(raw: Record<string, unknown>, members: RawMember[]): string[] {
    const problems: string[] = [];
    const goldenAmi = raw.goldenAmi as RawGoldenAmi | undefined;
    if (goldenAmi?.enabled !== true) return problems;
    const pipeline = goldenAmi.pipeline;
    const securityGroupIds = Array.isArray(pipeline?.securityGroupIds) ? pipeline.securityGroupIds : [];
    // pulumi-aws InfrastructureConfiguration: "subnetId ... Also requires securityGroupIds"; and groups without a subnet would be ignored.
    if (pipeline?.subnetId !== undefined && securityGroupIds.length === 0)
        problems.push(
            `goldenAmi.pipeline.securityGroupIds [] must list at least one security group when goldenAmi.pipeline.subnetId is set`,
        );
    if (pipeline?.subnetId === undefined && securityGroupIds.length > 0)
        problems.push(
            `goldenAmi.pipeline.subnetId is required when goldenAmi.pipeline.securityGroupIds is set (the groups belong to its VPC)`,
        );
    const keyArn = goldenAmi.encryption?.kmsKeyArn;
    const regionCount = 1 + (Array.isArray(raw.extraRegions) ? raw.extraRegions.length : 0);
    // A KMS key lives in one region; only a multi-Region key has the same key ID (mrk-...) in every region the AMI goes to.
    if (typeof keyArn === "string" && regionCount > 1 && !keyArn.includes(":key/mrk-"))
        problems.push(
            `goldenAmi.encryption.kmsKeyArn ${JSON.stringify(keyArn)} must be a multi-Region key (key/mrk-...) with a replica in every stack region: the AMI is copied to ${regionCount} regions`,
        );

    if (raw.stackRole !== "main") return problems;
    const distribution = goldenAmi.distribution;
    const targets = Array.isArray(distribution?.targetAccountIds) ? (distribution.targetAccountIds as unknown[]) : [];
    const declared =
        typeof distribution?.targetAccountRoles === "object" && distribution.targetAccountRoles !== null
            ? (distribution.targetAccountRoles as Record<string, unknown>)
            : {};
    // goldenAmi is on stack-wide here, so a member has it unless it turns it off.
    const membersWithGoldenAmi = new Set(
        members
            .filter((member) => (member as { features?: { goldenAmi?: unknown } }).features?.goldenAmi !== false)
            .map((member) => member.accountId),
    );
    targets.forEach((target, index) => {
        if (typeof target !== "string") return;
        const how = declared[target];
        if (membersWithGoldenAmi.has(target)) {
            if (how !== undefined)
                problems.push(
                    `goldenAmi.distribution.targetAccountRoles.${target} ${JSON.stringify(how)} is not needed: ${target} is a member with goldenAmi on, the hub creates its role`,
                );
            return;
        }
        if (how === undefined) {
            problems.push(
                `goldenAmi.distribution.targetAccountIds[${index}] ${JSON.stringify(target)} cannot be reached: Image Builder copies need EC2ImageBuilderDistributionCrossAccountRole there, ` +
                    `and it is not a member with goldenAmi on. Make it one, or set goldenAmi.distribution.targetAccountRoles.${target} to "memberStack" (its member stack sets goldenAmi.receivesCopies: true) or "stackSet" (it is in goldenAmi.roleStackSet's OUs)`,
            );
        } else if (how === "stackSet" && (goldenAmi.roleStackSet?.enabled !== true || goldenAmi.publisher?.enabled === false)) {
            problems.push(
                `goldenAmi.distribution.targetAccountRoles.${target} "stackSet" needs goldenAmi.roleStackSet.enabled true (and the publisher on, which the StackSet comes with)`,
            );
        }
    });
    for (const account of Object.keys(declared)) {
        if (!targets.includes(account))
            problems.push(
                `goldenAmi.distribution.targetAccountRoles.${account} names an account that is not in goldenAmi.distribution.targetAccountIds`,
            );
    }
    return problems;
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
    problems.push(...goldenAmiProblems(raw, members));
    const memberStackFeatures = raw.features as { goldenAmi?: unknown } | undefined;
    if (
        raw.stackRole === "member" &&
        (raw.goldenAmi as { receivesCopies?: unknown } | undefined)?.receivesCopies === true &&
        memberStackFeatures?.goldenAmi !== true
    )
        problems.push("goldenAmi.receivesCopies true needs features.goldenAmi true: the copy role comes with the golden AMI capability");
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
    const management = raw.management as { accountId?: unknown; roleName?: unknown } | undefined;
    if (
        raw.stackRole === "main" &&
        typeof management === "object" &&
        management !== null &&
        management.accountId !== undefined &&
        management.accountId !== raw.mainAccountId &&
        management.roleName === undefined
    ) {
        // https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access.html: Organizations
        // creates OrganizationAccountAccessRole only in accounts it creates, never in the management account.
        problems.push(
            `management.roleName is required when management.accountId ${JSON.stringify(management.accountId)} is set: AWS Organizations ` +
                "never creates OrganizationAccountAccessRole in the management account, so there is no role to assume there by default. " +
                'Run the bootstrap stack (stackRole: bootstrap) once with management-account credentials and set roleName to its role (default "multi-account-ops-management")',
        );
    }
    const memberDelivery = raw.delivery as { pulumiOrganization?: unknown } | undefined;
    const memberFeatures = raw.features as { delivery?: unknown } | undefined;
    if (raw.stackRole === "member" && memberFeatures?.delivery === true && memberDelivery?.pulumiOrganization === undefined)
        problems.push(
            "delivery.pulumiOrganization is required when features.delivery is true: it is the audience of this stack's OIDC roles",
        );
    if (raw.stackRole === "bootstrap" && raw.managementAccountId !== undefined && raw.managementAccountId === raw.mainAccountId)
        problems.push(
            `managementAccountId ${JSON.stringify(raw.managementAccountId)} is the main account: the bootstrap is only for a main account that is not the management account`,
        );
    const previewToken = raw.previewToken as { tokenType?: unknown; teamName?: unknown; userLogin?: unknown } | undefined;
    if (raw.stackRole === "deployments") {
        const tokenType = previewToken?.tokenType ?? "team";
        if (tokenType === "team" && previewToken?.teamName === undefined)
            problems.push('previewToken.teamName is required when previewToken.tokenType is "team" (the default)');
        if (tokenType === "personal" && previewToken?.userLogin === undefined)
            problems.push('previewToken.userLogin is required when previewToken.tokenType is "personal"');
    }
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
    if (role !== "main" && role !== "member" && role !== "deployments" && role !== "bootstrap") {
        problems.push(
            role === undefined
                ? 'stackRole is required: "main", "member", "deployments" or "bootstrap"'
                : `stackRole ${JSON.stringify(role)} must be "main", "member", "deployments" or "bootstrap"`,
        );
        // Still check the rest, against the schema the other keys point to.
        role = "members" in raw || "mainAccountId" in raw ? "main" : "member";
    }
    const schema =
        role === "main"
            ? mainStackSchema
            : role === "deployments"
              ? deploymentsStackSchema
              : role === "bootstrap"
                ? bootstrapStackSchema
                : memberStackSchema;
    const result = schema.safeParse({ ...raw, stackRole: role }, { reportInput: true });
    if (!result.success) {
        for (const issue of result.error.issues) problems.push(...describeIssue(issue, schema));
    }
    problems.push(...crossKeyProblems(raw));
    if (role === "main") problems.push(...mainStackProblems(raw, { stack: options.stack }), ...fleetProblems(raw));
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
