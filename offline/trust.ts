import { parse } from "yaml";
import type { Registration } from "./recorder";

/** One cross-account (or service) trust relationship: `principal` may assume `role`. */
export interface TrustEdge {
    principal: string;
    role: string;
    conditions: string[];
    /** For roles a StackSet creates: "via StackSet, every account of ou-…". */
    via?: string;
}

interface Statement {
    Effect?: string;
    Action?: string | string[];
    Principal?: string | Record<string, string | string[]>;
    Condition?: Record<string, Record<string, unknown>>;
}

function asList<T>(value: T | T[] | undefined): T[] {
    if (value === undefined) return [];
    return Array.isArray(value) ? value : [value];
}

function roleArnOf(role: Registration): string {
    const name = typeof role.inputs.name === "string" ? role.inputs.name : role.name;
    const path = typeof role.inputs.path === "string" ? role.inputs.path : "/";
    return `arn:aws:iam::${role.account ?? "?"}:role${path}${name}`;
}

/** A StackSet template's `{"Fn::Sub": "arn:${AWS::Partition}:…"}` as the string each stack instance gets (the partition as aws). */
function templateString(value: unknown): string {
    const sub = typeof value === "object" && value !== null ? (value as Record<string, unknown>)["Fn::Sub"] : undefined;
    return (typeof sub === "string" ? sub : String(value)).replaceAll("${AWS::Partition}", "aws");
}

function edgesOf(policy: { Statement?: Statement | Statement[] }, role: string, via?: string): TrustEdge[] {
    const edges: TrustEdge[] = [];
    for (const statement of asList(policy.Statement)) {
        if (statement.Effect !== "Allow") continue;
        if (!asList(statement.Action).some((action) => action.startsWith("sts:AssumeRole"))) continue;
        const conditions = Object.entries(statement.Condition ?? {}).flatMap(([operator, keys]) =>
            Object.keys(keys).map((key) => `${operator} ${key}`),
        );
        const principal = statement.Principal;
        const principals = typeof principal === "string" ? [principal] : Object.values(principal ?? {}).flatMap((p) => asList(p));
        for (const who of principals)
            edges.push({
                principal: templateString(who).replaceAll("${AWS::AccountId}", "<account>"),
                role,
                conditions,
                ...(via ? { via } : {}),
            });
    }
    return edges;
}

interface TemplateRole {
    Type?: string;
    Properties?: { RoleName?: unknown; Path?: unknown; AssumeRolePolicyDocument?: { Statement?: Statement | Statement[] } };
}

/**
 * Roles a service-managed StackSet creates exist only inside its template body; their trust edges are read
 * from there and labelled with the OUs its stack instances target (every current and future account of them).
 */
function stackSetEdges(registrations: readonly Registration[]): TrustEdge[] {
    const edges: TrustEdge[] = [];
    for (const stackSet of registrations) {
        if (stackSet.type !== "aws:cloudformation/stackSet:StackSet" || typeof stackSet.inputs.templateBody !== "string") continue;
        const ous = registrations
            .filter(
                (r) => r.type === "aws:cloudformation/stackSetInstance:StackSetInstance" && r.inputs.stackSetName === stackSet.inputs.name,
            )
            .flatMap((r) =>
                asList((r.inputs.deploymentTargets as { organizationalUnitIds?: string[] } | undefined)?.organizationalUnitIds),
            );
        const via = `via StackSet, every account of ${ous.length ? ous.join(", ") : "(no OU)"}`;
        const template = parse(stackSet.inputs.templateBody) as { Resources?: Record<string, TemplateRole> };
        for (const resource of Object.values(template.Resources ?? {})) {
            if (resource.Type !== "AWS::IAM::Role" || !resource.Properties?.AssumeRolePolicyDocument) continue;
            const name = typeof resource.Properties.RoleName === "string" ? resource.Properties.RoleName : "(generated name)";
            const path = typeof resource.Properties.Path === "string" ? resource.Properties.Path : "/";
            edges.push(...edgesOf(resource.Properties.AssumeRolePolicyDocument, `arn:aws:iam::<account>:role${path}${name}`, via));
        }
    }
    return edges;
}

/** Reads every role's trust policy, including the roles inside StackSet templates, and lists who may assume it. */
export function trustEdges(registrations: readonly Registration[]): TrustEdge[] {
    const edges: TrustEdge[] = [];
    for (const role of registrations) {
        if (role.type !== "aws:iam/role:Role" || typeof role.inputs.assumeRolePolicy !== "string") continue;
        const policy = JSON.parse(role.inputs.assumeRolePolicy) as { Statement?: Statement | Statement[] };
        edges.push(...edgesOf(policy, roleArnOf(role)));
    }
    return [...edges, ...stackSetEdges(registrations)];
}
