import { createHash } from "node:crypto";
import type { Registration } from "./recorder";
import { trustEdges } from "./trust";

export interface PlanResource {
    urn: string;
    type: string;
    name: string;
    account: string | null;
    region: string | null;
    inputs: Record<string, unknown>;
}

/** A dynamic resource's serialized provider is tens of KB of generated code: the plan shows its digest instead. */
function summarizeProvider(inputs: Record<string, unknown>): Record<string, unknown> {
    const code = inputs.__provider;
    if (typeof code !== "string") return inputs;
    return {
        ...inputs,
        __provider: `[serialized dynamic provider: ${Buffer.byteLength(code)} bytes, sha256 ${createHash("sha256").update(code).digest("hex").slice(0, 16)}]`,
    };
}

/** Resources a provider creates, in registration order: components and stack references are not created in any account. */
export function planResources(registrations: readonly Registration[]): PlanResource[] {
    return registrations
        .filter((r) => r.custom && r.type !== "pulumi:pulumi:StackReference")
        .map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            account: r.account ?? null,
            region: r.region ?? null,
            inputs: summarizeProvider(r.inputs),
        }));
}

const hiddenInputs = new Set(["region", "tags", "tagsAll", "__provider"]);

function keyInputs(inputs: Record<string, unknown>): string {
    const shown: string[] = [];
    for (const [key, value] of Object.entries(inputs)) {
        if (hiddenInputs.has(key) || shown.length >= 4) continue;
        if (typeof value === "string" && value.length <= 80 && !value.startsWith("{")) shown.push(`${key}=${value}`);
        else if (typeof value === "number" || typeof value === "boolean") shown.push(`${key}=${String(value)}`);
    }
    return shown.join(" ");
}

export function renderText(stack: string, registrations: readonly Registration[], accountLabels: ReadonlyMap<string, string>): string {
    const resources = planResources(registrations);
    const byAccount = new Map<string, Map<string, PlanResource[]>>();
    for (const resource of resources) {
        const account =
            resource.account ?? (resource.type.startsWith("pulumiservice:") ? "Pulumi Cloud (no AWS account)" : "unknown account");
        const regions = byAccount.get(account) ?? new Map<string, PlanResource[]>();
        const region = resource.region ?? (resource.type.startsWith("pulumiservice:") ? "global" : "unknown region");
        regions.set(region, [...(regions.get(region) ?? []), resource]);
        byAccount.set(account, regions);
    }
    const lines = [
        `Offline plan of stack "${stack}": ${resources.length} resources in ${byAccount.size} accounts (Pulumi mocks, no cloud calls).`,
        "",
    ];
    for (const [account, regions] of byAccount) {
        lines.push(`account ${account}${accountLabels.has(account) ? ` (${accountLabels.get(account)})` : ""}`);
        for (const [region, list] of [...regions].sort(([a], [b]) => a.localeCompare(b))) {
            lines.push(`  ${region}`);
            for (const r of list) lines.push(`    + ${r.type}  ${r.name}${keyInputs(r.inputs) ? `  ${keyInputs(r.inputs)}` : ""}`);
        }
        lines.push("");
    }
    const edges = trustEdges(registrations);
    lines.push("trust edges (principal -> role it may assume):");
    if (edges.length === 0) lines.push("  (none)");
    for (const edge of edges) {
        lines.push(
            `  ${edge.principal} -> ${edge.role}${edge.conditions.length ? `  [${edge.conditions.join(", ")}]` : ""}${edge.via ? `  (${edge.via})` : ""}`,
        );
    }
    return lines.join("\n");
}
