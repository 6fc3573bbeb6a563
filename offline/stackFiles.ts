import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { configNamespace, secretPlaceholder } from "../stacks/config/load";

export interface StackFile {
    /** Namespaced keys, values as the Pulumi language host passes them: plain strings, JSON for the rest. */
    config: Record<string, string>;
    secretKeys: string[];
    /** The same config, decoded, without the namespace. */
    values: Record<string, unknown>;
}

/** `secure:` values can't be decrypted offline; they become a placeholder and stay secret. */
function hasSecure(value: unknown): boolean {
    if (Array.isArray(value)) return value.some(hasSecure);
    if (typeof value === "object" && value !== null) return "secure" in value || Object.values(value).some(hasSecure);
    return false;
}

function replaceSecure(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(replaceSecure);
    if (typeof value === "object" && value !== null) {
        if ("secure" in value) return secretPlaceholder;
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSecure(v)]));
    }
    return value;
}

export function stackFilePath(projectRoot: string, stack: string): string {
    return path.join(projectRoot, `Pulumi.${stack}.yaml`);
}

export function readStackFile(file: string): StackFile {
    if (!fs.existsSync(file)) throw new Error(`no stack config file ${file}`);
    const document = (parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    const config: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const secretKeys: string[] = [];
    for (const [key, rawValue] of Object.entries(document.config ?? {})) {
        const fullKey = key.includes(":") ? key : `${configNamespace}:${key}`;
        const value = replaceSecure(rawValue);
        if (hasSecure(rawValue)) secretKeys.push(fullKey);
        config[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
        if (fullKey.startsWith(`${configNamespace}:`)) values[fullKey.slice(configNamespace.length + 1)] = value;
    }
    return { config, secretKeys, values };
}
