import * as path from "node:path";
import type { OfflineOrganization } from "../../offline/organizations";
import { runUnderMocks, type ProgramRun, type Registration } from "../../offline/recorder";
import { readStackFile } from "../../offline/stackFiles";
import { configNamespace } from "../../stacks/config/load";

export const projectRoot = path.resolve(__dirname, "..", "..");

/** The example stack file's config, decoded and without the namespace, for tests to copy and change. */
export function exampleConfig(stack: "main" | "member" | "deployments" | "bootstrap"): Record<string, unknown> {
    return structuredClone(readStackFile(path.join(projectRoot, `Pulumi.${stack}.yaml`)).values);
}

export interface ProgramOptions {
    stackOutputs?: (name: string) => Record<string, unknown> | undefined;
    secretKeys?: string[];
    /** Answers the Organizations data sources (fleet discovery): OU ID to its accounts. */
    organizationalUnits?: OfflineOrganization;
}

/** Runs index.ts under mocks with these config values (without the namespace); every registration is recorded. */
export async function runProgram(stack: string, values: Record<string, unknown>, options: ProgramOptions = {}): Promise<ProgramRun> {
    const config = Object.fromEntries(
        Object.entries(values).map(([key, value]) => [
            `${configNamespace}:${key}`,
            typeof value === "string" ? value : JSON.stringify(value),
        ]),
    );
    const ambientAccount = (values.mainAccountId ?? values.accountId) as string | undefined;
    return runUnderMocks({
        stack,
        config,
        ambientAccount,
        stackOutputs: options.stackOutputs,
        secretKeys: options.secretKeys?.map((k) => `${configNamespace}:${k}`),
        organizationalUnits: options.organizationalUnits,
    });
}

export function ofType(run: ProgramRun, type: string): Registration[] {
    return run.registrations.filter((r) => r.type === type);
}

export function named(run: ProgramRun, type: string, name: string): Registration {
    const found = run.registrations.find((r) => r.type === type && r.name === name);
    if (!found)
        throw new Error(
            `no ${type} named ${name}; registered: ${
                ofType(run, type)
                    .map((r) => r.name)
                    .join(", ") || "none"
            }`,
        );
    return found;
}

/** Parses a JSON policy input (the resources receive policies as JSON strings). */
export function policyOf(registration: Registration, input = "policy"): Record<string, unknown> {
    const value = registration.inputs[input];
    if (typeof value !== "string") throw new Error(`${registration.name}.${input} is not a JSON string`);
    return JSON.parse(value) as Record<string, unknown>;
}
