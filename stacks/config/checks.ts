import { closest, distance } from "fastest-levenshtein";
import * as ipaddr from "ipaddr.js";
import type { z } from "zod";
import { managedInstancesSettings } from "./features";
import { cidrProblem } from "./primitives";

/**
 * Checks that need more than one key, or AWS's own rules beyond a single value's shape. Each problem
 * names the key, the value and the fix.
 */

type Raw = Record<string, unknown>;
const isObject = (value: unknown): value is Raw => typeof value === "object" && value !== null && !Array.isArray(value);
const show = (value: unknown): string => JSON.stringify(value);

/** The keys a schema accepts at `path` (through defaults, optionals, lists and maps), for "did you mean". */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
    let current: unknown = schema;
    const unwrap = (node: unknown): unknown => {
        let def = (node as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
        while (def && ["default", "prefault", "optional", "nullable", "readonly", "catch", "nonoptional"].includes(String(def.type))) {
            node = def.innerType;
            def = (node as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
        }
        if (def?.type === "pipe") return unwrap(def.in);
        return node;
    };
    for (const part of path) {
        current = unwrap(current);
        const def = (current as { _zod: { def: Record<string, unknown> } })._zod.def;
        if (def.type === "object") current = (def.shape as Record<string, unknown>)[String(part)];
        else if (def.type === "array") current = def.element;
        else if (def.type === "record") current = def.valueType;
        else return [];
        if (current === undefined) return [];
    }
    const def = (unwrap(current) as { _zod: { def: Record<string, unknown> } })._zod.def;
    return def.type === "object" ? Object.keys(def.shape as Record<string, unknown>) : [];
}

/** "did you mean …?" for a mistyped key: the closest known key, when it is close enough to be the intended one. */
export function didYouMean(key: string, known: readonly string[]): string {
    if (known.length === 0) return "";
    const best = closest(key, [...known]);
    const allowed = Math.max(2, Math.floor(best.length / 3));
    const sameIgnoringCase = best.toLowerCase() === key.toLowerCase();
    return sameIgnoringCase || distance(key.toLowerCase(), best.toLowerCase()) <= allowed ? `; did you mean "${best}"?` : "";
}

function networkProblems(where: string, settings: Raw): string[] {
    const problems: string[] = [];
    const vpc = settings.vpcCidr;
    const subnets = Array.isArray(settings.privateSubnetCidrs) ? (settings.privateSubnetCidrs as unknown[]) : [];
    if (typeof vpc !== "string" || cidrProblem(vpc) !== undefined) return problems;
    const vpcRange = ipaddr.IPv4.parseCIDR(vpc);
    const parsed: { index: number; value: string; range: [ipaddr.IPv4, number] }[] = [];
    subnets.forEach((subnet, index) => {
        if (typeof subnet !== "string" || cidrProblem(subnet) !== undefined) return;
        const range = ipaddr.IPv4.parseCIDR(subnet);
        if (range[1] < vpcRange[1] || !range[0].match(vpcRange)) {
            problems.push(
                `${where}.privateSubnetCidrs[${index}] ${show(subnet)} is outside ${where}.vpcCidr ${show(vpc)}; pick a block inside it`,
            );
            return;
        }
        for (const other of parsed) {
            if (range[0].match(other.range) || other.range[0].match(range)) {
                problems.push(
                    `${where}.privateSubnetCidrs[${index}] ${show(subnet)} overlaps ${where}.privateSubnetCidrs[${other.index}] ${show(other.value)}; subnets of one VPC must not overlap`,
                );
            }
        }
        parsed.push({ index, value: subnet, range });
    });
    return problems;
}

function organizationProblems(raw: Raw): string[] {
    const problems: string[] = [];
    const organizationId = raw.organizationId;
    const distribution = isObject(raw.goldenAmi) && isObject(raw.goldenAmi.distribution) ? raw.goldenAmi.distribution : {};
    if (typeof organizationId !== "string") return problems;
    for (const key of ["organizationArns", "organizationalUnitArns"] as const) {
        const list = Array.isArray(distribution[key]) ? (distribution[key] as unknown[]) : [];
        list.forEach((arn, index) => {
            const org = typeof arn === "string" ? /:(?:organization|ou)\/(o-[a-z0-9]+)/.exec(arn)?.[1] : undefined;
            if (org !== undefined && org !== organizationId) {
                problems.push(
                    `goldenAmi.distribution.${key}[${index}] ${show(arn)} belongs to organization ${org}, not organizationId ${show(organizationId)}; use an ARN of ${organizationId}`,
                );
            }
        });
    }
    return problems;
}

interface RawAccount {
    accountId?: unknown;
    name?: unknown;
    organizationalUnitId?: unknown;
    features?: Record<string, unknown>;
}

function accountsOf(raw: Raw, key: "members" | "memberStacks"): RawAccount[] {
    return Array.isArray(raw[key]) ? (raw[key] as unknown[]).filter(isObject) : [];
}

export interface CheckOptions {
    /** The stack being planned or deployed. */
    stack?: string;
}

/** Main-stack checks beyond the schema; they run even when the schema failed, so every problem shows at once. */
export function mainStackProblems(raw: Raw, options: CheckOptions): string[] {
    const problems: string[] = [...organizationProblems(raw)];
    const members = accountsOf(raw, "members");
    const memberStacks = accountsOf(raw, "memberStacks");

    // The network keys on their own (with their defaults), so a mistake elsewhere in managedInstances doesn't hide these.
    const network = isObject(raw.managedInstances) ? raw.managedInstances : {};
    problems.push(
        ...networkProblems("managedInstances", {
            vpcCidr: network.vpcCidr ?? managedInstancesSettings.shape.vpcCidr.parse(undefined),
            privateSubnetCidrs: network.privateSubnetCidrs ?? managedInstancesSettings.shape.privateSubnetCidrs.parse(undefined),
        }),
    );

    const inventory = isObject(raw.inventory) ? raw.inventory : {};
    const bucketAccount = isObject(inventory.bucketAccount) ? inventory.bucketAccount.accountId : undefined;
    if (typeof bucketAccount === "string" && /^\d{12}$/.test(bucketAccount)) {
        const management = isObject(raw.management) ? raw.management.accountId : undefined;
        const known = [raw.mainAccountId, management, ...members.map((m) => m.accountId), ...memberStacks.map((m) => m.accountId)];
        if (!known.includes(bucketAccount)) {
            problems.push(
                `inventory.bucketAccount.accountId ${show(bucketAccount)} is none of mainAccountId, management.accountId, members or memberStacks; add the account (e.g. your log-archive account) to members, or fix the ID`,
            );
        }
    }

    const delivery = isObject(raw.delivery) ? raw.delivery : {};
    const stacks = Array.isArray(delivery.stacks) ? (delivery.stacks as unknown[]) : ["main"];
    if (delivery.enabled === true && options.stack !== undefined && !stacks.includes(options.stack)) {
        problems.push(
            `delivery.stacks ${show(stacks)} leaves out this stack ${show(options.stack)}: the deployer role would refuse its tokens; add ${show(options.stack)} to delivery.stacks`,
        );
    }

    // Role B has one owner per account: the StackSet in its OUs, the hub everywhere else. The hub can only
    // leave role B to the StackSet for members whose OU it knows.
    const goldenAmi = isObject(raw.goldenAmi) ? raw.goldenAmi : {};
    const publisherOn = !isObject(goldenAmi.publisher) || goldenAmi.publisher.enabled !== false;
    const roleStackSet = isObject(goldenAmi.roleStackSet) ? goldenAmi.roleStackSet : {};
    if (goldenAmi.enabled === true && publisherOn && roleStackSet.enabled === true) {
        const stackSetOus = Array.isArray(roleStackSet.organizationalUnitIds) ? (roleStackSet.organizationalUnitIds as unknown[]) : [];
        for (const [key, list] of [
            ["members", members],
            ["memberStacks", memberStacks],
        ] as const) {
            list.forEach((member, index) => {
                const on = member.features?.goldenAmi ?? goldenAmi.enabled;
                if (on === true && member.organizationalUnitId === undefined) {
                    problems.push(
                        `${key}[${index}].organizationalUnitId is required while goldenAmi.roleStackSet is enabled: the StackSet already creates role B in every account of ${stackSetOus.join(", ")}, so the hub must know whether ${show(member.name)} is in one of them; set it to the account's OU ID`,
                    );
                }
            });
        }
    }

    // One owner per account: the hub (members) or the account's own stack (memberStacks).
    const owners = new Map<unknown, string>([[raw.mainAccountId, "mainAccountId"]]);
    members.forEach((member, index) => owners.set(member.accountId, `members[${index}]`));
    const stackNames = new Map<unknown, number>();
    memberStacks.forEach((member, index) => {
        const owner = owners.get(member.accountId);
        if (owner !== undefined)
            problems.push(
                `memberStacks[${index}].accountId ${show(member.accountId)} is already ${owner}; an account is managed by the main stack or by its own member stack, never both`,
            );
        else owners.set(member.accountId, `memberStacks[${index}]`);
        const stack = (member as { stack?: unknown }).stack;
        const first = stackNames.get(stack);
        if (first !== undefined)
            problems.push(
                `memberStacks[${index}].stack ${show(stack)} is also memberStacks[${first}].stack; every member account needs its own stack, e.g. member-${String(member.name)}`,
            );
        else stackNames.set(stack, index);
    });
    return problems;
}

/** Member-stack checks: its own network settings. */
export function memberStackProblems(raw: Raw): string[] {
    return isObject(raw.managedInstances) ? networkProblems("managedInstances", raw.managedInstances) : [];
}
