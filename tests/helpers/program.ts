import * as path from "node:path";
import type { OfflineOrganization } from "../../offline/organizations";
import { runUnderMocks, type ProgramRun, type Registration, type RunOptions } from "../../offline/recorder";
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

const plans = new Map<string, Promise<ProgramRun>>();

/**
 * Plans once per distinct input in this mocha process: most test files plan the example main stack, and a plan is
 * the suite's main cost (about 1.5 s each). A run that reads other stacks' outputs through a function can't be keyed,
 * so it always plans; so does every run under Stryker. The run is deep-frozen: a test that changed it would change every other test's view, so it
 * throws instead.
 */
export function planOnce(options: RunOptions): Promise<ProgramRun> {
    // Stryker reruns the loaded test files in the same process with another mutant active
    // (@stryker-mutator/mocha-runner: reloadEnvironment false): a kept plan would hide every mutant.
    if (options.stackOutputs || process.env.STRYKER_MUTATOR_WORKER !== undefined) return runUnderMocks(options);
    // The program also reads these variables (stacks/config/resolve.ts, stacks/fleetMember.ts).
    const key = JSON.stringify([options, Object.entries(process.env).filter(([name]) => name.startsWith("MULTI_ACCOUNT_OPS_"))]);
    let plan = plans.get(key);
    if (!plan) {
        plan = runUnderMocks(options).then(deepFreeze);
        // A failed plan is not kept: the next test plans again and sees the same error, not a stale promise.
        plan.catch(() => plans.delete(key));
        plans.set(key, plan);
    }
    return plan;
}

function deepFreeze<T>(value: T): T {
    if (value && typeof value === "object" && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const child of Object.values(value)) deepFreeze(child);
    }
    return value;
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
    return planOnce({
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
