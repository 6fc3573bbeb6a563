import type { Registration } from "./recorder";

/** One cross-account (or service) trust relationship: `principal` may assume `role`. */
export interface TrustEdge {
    principal: string;
    role: string;
    conditions: string[];
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

/** Reads every role's trust policy and lists who may assume it. */
export function trustEdges(registrations: readonly Registration[]): TrustEdge[] {
    const edges: TrustEdge[] = [];
    for (const role of registrations) {
        if (role.type !== "aws:iam/role:Role" || typeof role.inputs.assumeRolePolicy !== "string") continue;
        const policy = JSON.parse(role.inputs.assumeRolePolicy) as { Statement?: Statement | Statement[] };
        for (const statement of asList(policy.Statement)) {
            if (statement.Effect !== "Allow") continue;
            if (!asList(statement.Action).some((action) => action.startsWith("sts:AssumeRole"))) continue;
            const conditions = Object.entries(statement.Condition ?? {}).flatMap(([operator, keys]) =>
                Object.keys(keys).map((key) => `${operator} ${key}`),
            );
            const principal = statement.Principal;
            const principals = typeof principal === "string" ? [principal] : Object.values(principal ?? {}).flatMap((p) => asList(p));
            for (const who of principals) edges.push({ principal: who, role: roleArnOf(role), conditions });
        }
    }
    return edges;
}
