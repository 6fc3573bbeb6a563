import { createHash } from "node:crypto";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { unknown as unknownSentinel } from "@pulumi/pulumi/output";
import { deserializeProperties } from "@pulumi/pulumi/runtime/rpc";
import { partitionOf } from "../components/arns";
import { isGlobalType, mockState } from "./mockState";
import { answerOrganizationsCall, isOrganizationsCall, type OfflineOrganization } from "./organizations";

/** One resource the program registered under mocks, with the account and region it lands in. */
export interface Registration {
    urn: string;
    type: string;
    name: string;
    parent: string | undefined;
    custom: boolean;
    /** `urn::id` of the provider that creates it, for custom resources. */
    provider: string | undefined;
    /** The account whose provider creates it (`allowedAccountIds` of that provider). */
    account: string | undefined;
    /** `region` input, else the provider's region; `global` for IAM and other global services. */
    region: string | undefined;
    inputs: Record<string, unknown>;
    /** Resource options the engine would apply: ignoreChanges, and the names of structured aliases. */
    ignoreChanges?: string[];
    aliasNames?: string[];
    /** Input property to the URNs it depends on, as the engine hands them to CrossGuard (known even when the value is not). */
    propertyDependencies?: Record<string, string[]>;
    /** The `retainOnDelete` option (registered resources only). */
    retainOnDelete?: boolean;
    /** URNs of the resources it depends on (`dependsOn` and input dependencies). */
    dependencies?: string[];
}

export interface ProgramRun {
    registrations: Registration[];
    /** The program's stack outputs, fully resolved. */
    outputs: Record<string, unknown>;
}

export interface RunOptions {
    project?: string;
    stack: string;
    /** Namespaced config (`multi-account-ops:members`), values as Pulumi passes them: strings, JSON for objects. */
    config: Record<string, string>;
    secretKeys?: string[];
    /** Answers StackReferences by their `name` input. */
    stackOutputs?: (stackName: string) => Record<string, unknown> | undefined;
    /** Account used where no explicit provider is set (the ambient credentials). */
    ambientAccount?: string;
    /** Loads the program; the default is the project's index.ts. */
    program?: () => Promise<unknown>;
    /**
     * Runs as a first preview does: Pulumi's dry run, where a resource being created has only its
     * inputs; every computed output (IDs, ARNs) is unknown. The mock returns no ID and no outputs
     * beyond the inputs, which the runtime reads as unknown during a dry run (rpc.ts deserializeProperty).
     */
    preview?: boolean;
    /** Answers the Organizations data sources (fleet discovery): OU ID to its accounts. */
    organizationalUnits?: OfflineOrganization;
    /** The Pulumi organization the program sees (pulumi.getOrganization()); default "organization". */
    organization?: string;
}

interface ProviderFacts {
    account: string | undefined;
    region: string | undefined;
}

function firstOf(value: unknown): string | undefined {
    const list = typeof value === "string" && value.startsWith("[") ? (JSON.parse(value) as unknown) : value;
    return Array.isArray(list) && typeof list[0] === "string" ? list[0] : undefined;
}

/** Provider configuration reaches the engine JSON-encoded; decode it so plans show plain values. */
function decodeProviderInputs(inputs: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(inputs).map(([key, value]) => {
            if (typeof value !== "string") return [key, value];
            try {
                return [key, JSON.parse(value) as unknown];
            } catch {
                return [key, value];
            }
        }),
    );
}

/** Minimal view of the gRPC requests the mock monitor receives. */
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getCustom(): boolean;
    getObject(): Parameters<typeof deserializeProperties>[0];
    getIgnorechangesList?(): string[];
    getAliasesList?(): { getSpec?(): { getName(): string } | undefined }[];
    getAliasurnsList?(): string[];
    getPropertydependenciesMap?(): { forEach(callback: (value: { getUrnsList(): string[] }, key: string) => void): void };
    getRetainondelete?(): boolean | undefined;
    getDependenciesList?(): string[];
}
interface ReadRequest extends Omit<RegisterRequest, "getObject" | "getCustom"> {
    getProperties(): Parameters<typeof deserializeProperties>[0];
}
interface UrnResponse {
    getUrn(): string;
    getId?(): string;
}
type Callback = (err: unknown, response: UrnResponse | undefined) => void;

/** The stock mock monitor, recording each registration with its parent and URN. */
class RecordingMonitor extends MockMonitor {
    readonly registrations: Registration[] = [];

    constructor(
        mocks: pulumi.runtime.Mocks,
        private readonly facts: (provider: string | undefined, type: string, inputs: Record<string, unknown>) => ProviderFacts,
        private readonly onProvider: (reference: string, facts: ProviderFacts) => void,
    ) {
        super(mocks);
    }

    private record(
        req: RegisterRequest | ReadRequest,
        response: UrnResponse,
        custom: boolean,
        rawInputs: Record<string, unknown>,
        propertyDependencies?: Record<string, string[]>,
    ): void {
        const type = req.getType();
        const inputs = type.startsWith("pulumi:providers:") ? decodeProviderInputs(rawInputs) : rawInputs;
        const provider = req.getProvider() || undefined;
        const facts = this.facts(provider, type, inputs);
        const urn = response.getUrn();
        // Dependents register only after this callback, so their provider is known by then.
        if (type.startsWith("pulumi:providers:")) this.onProvider(`${urn}::${response.getId?.() ?? ""}`, facts);
        const register = req as Partial<RegisterRequest>;
        this.registrations.push({
            urn,
            type,
            name: req.getName(),
            parent: req.getParent() || undefined,
            custom,
            provider,
            inputs,
            ignoreChanges: register.getIgnorechangesList?.() ?? [],
            // Structured alias specs when the monitor takes them, else the URNs the SDK computed.
            aliasNames: [
                ...(register.getAliasesList?.() ?? []).flatMap((alias) => {
                    const name = alias.getSpec?.()?.getName();
                    return name ? [name] : [];
                }),
                ...(register.getAliasurnsList?.() ?? []).map((aliasUrn) => aliasUrn.split("::").pop() ?? aliasUrn),
            ],
            propertyDependencies,
            ...(register.getRetainondelete?.() ? { retainOnDelete: true } : {}),
            ...(register.getDependenciesList ? { dependencies: register.getDependenciesList() } : {}),
            ...facts,
        });
    }

    override async registerResource(req: RegisterRequest, callback: Callback): Promise<void> {
        await super.registerResource(req, (err: unknown, response: UrnResponse | undefined) => {
            if (!err && response) {
                const propertyDependencies: Record<string, string[]> = {};
                req.getPropertydependenciesMap?.().forEach((urns, property) => (propertyDependencies[property] = urns.getUrnsList()));
                this.record(req, response, req.getCustom(), deserializeProperties(req.getObject()), propertyDependencies);
            }
            callback(err, response);
        });
    }

    override async readResource(req: ReadRequest, callback: Callback): Promise<void> {
        await super.readResource(req, (err: unknown, response: UrnResponse | undefined) => {
            if (!err && response) this.record(req, response, true, deserializeProperties(req.getProperties()));
            callback(err, response);
        });
    }
}

/** Drops this project's modules from the require cache so the program runs afresh. */
function forgetProjectModules(projectRoot: string): void {
    for (const key of Object.keys(require.cache)) {
        if (key.startsWith(projectRoot) && !key.includes("node_modules")) delete require.cache[key];
    }
}

const projectRoot = path.resolve(__dirname, "..");

interface OutputInternals {
    /** Internal to @pulumi/pulumi: resolves even when the value is unknown (then with the unknown sentinel). */
    promise(withUnknowns?: boolean): Promise<unknown>;
}

async function settle(value: unknown, preview: boolean): Promise<unknown> {
    // In a dry run an unknown output never calls apply; read it with its unknowns instead.
    if (preview) return (pulumi.output(value as object) as unknown as OutputInternals).promise(true);
    return new Promise((resolve) => {
        (pulumi.output(value as object) as pulumi.Output<unknown>).apply((resolved) => {
            resolve(resolved);
            return resolved;
        });
    });
}

interface RpcRuntime {
    waitForRPCs?: () => Promise<void>;
}

interface DebuggableRuntime {
    leakedPromises?: () => [Set<Promise<unknown>>, string];
}

/**
 * A run that failed part-way leaves its unresolved registrations behind for good. Pulumi's runtime counts
 * them at process exit as leaked promises ("819 promises were still active") and sets exit code 1; they
 * belong to a program we stopped on purpose, so forget them (leakedPromises() takes and clears the set).
 */
function forgetAbandonedRun(): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as DebuggableRuntime;
    if (typeof debuggable.leakedPromises !== "function")
        throw new Error("@pulumi/pulumi no longer exposes leakedPromises; the offline recorder needs updating");
    debuggable.leakedPromises();
}

/** Assets and archives become plain JSON: each file's SHA-256 and size (an archive's contents arrive as a promise). */
async function describeAssets(value: unknown): Promise<unknown> {
    // An unknown input (a preview) stays the runtime's unknown sentinel, so tests can see it.
    if (value === unknownSentinel) return value;
    if (value instanceof pulumi.asset.AssetArchive) {
        const assets = (await (value.assets as unknown as Promise<Record<string, unknown>>)) ?? {};
        const files: Record<string, unknown> = {};
        for (const [name, asset] of Object.entries(assets)) files[name] = await describeAssets(asset);
        return { archive: files };
    }
    if (pulumi.asset.Asset.isInstance(value)) {
        const text = await (value as unknown as { text?: Promise<string> }).text;
        if (text === undefined) return { asset: "file or remote" };
        return { sha256: createHash("sha256").update(text).digest("hex"), bytes: Buffer.byteLength(text) };
    }
    if (Array.isArray(value)) return Promise.all((value as unknown[]).map(describeAssets));
    if (typeof value === "object" && value !== null) {
        const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await describeAssets(v)] as const));
        return Object.fromEntries(entries);
    }
    return value;
}

async function loadProgram(options: RunOptions): Promise<Record<string, unknown>> {
    forgetProjectModules(projectRoot);
    const loaded = (await (options.program ?? (() => import("../index")))()) as Record<string, unknown>;
    const exported = "default" in loaded && loaded.default !== undefined ? (loaded.default as Record<string, unknown>) : loaded;
    const outputs = (await settle(exported, options.preview ?? false)) as Record<string, unknown>;
    const runtime = pulumi.runtime as unknown as RpcRuntime;
    if (typeof runtime.waitForRPCs !== "function")
        throw new Error("@pulumi/pulumi no longer exposes waitForRPCs; the offline recorder needs updating");
    await runtime.waitForRPCs();
    return outputs;
}

/**
 * Runs the real program under Pulumi's runtime mocks and records every registration. Used by the
 * tests and by the offline plan, so both see exactly what the program registers.
 */
export async function runUnderMocks(options: RunOptions): Promise<ProgramRun> {
    const providers = new Map<string, ProviderFacts>();
    const ambient: ProviderFacts = { account: options.ambientAccount, region: undefined };
    const project = options.project ?? "multi-account-ops";
    const homeRegion: string | undefined = options.config[`${project}:homeRegion`];

    const facts = (provider: string | undefined, type: string, inputs: Record<string, unknown>): ProviderFacts => {
        if (type.startsWith("pulumi:providers:")) {
            return {
                account: firstOf(inputs.allowedAccountIds) ?? ambient.account,
                region: typeof inputs.region === "string" ? inputs.region : homeRegion,
            };
        }
        const base = (provider && providers.get(provider)) || ambient;
        // Dynamic resources have no aws provider; they reach another account by assuming their roleArn input.
        const assumed =
            !provider && typeof inputs.roleArn === "string" ? /^arn:[\w-]+:iam::(\d{12}):role\//.exec(inputs.roleArn)?.[1] : undefined;
        const account = assumed ?? base.account;
        const region = isGlobalType(type) ? "global" : typeof inputs.region === "string" ? inputs.region : (base.region ?? homeRegion);
        return { account, region };
    };

    let rejectRun: (reason: unknown) => void = () => undefined;
    const mocks: pulumi.runtime.Mocks = {
        newResource(args) {
            const inputs = (args.inputs ?? {}) as Record<string, unknown>;
            if (args.type === "pulumi:pulumi:StackReference") {
                const name = String(inputs.name);
                const outputs = options.stackOutputs?.(name);
                if (!outputs) throw new Error(`offline plan: no outputs are known for stack reference "${name}"`);
                return { id: name, state: { name, outputs, secretOutputNames: [] } };
            }
            if (options.preview && !args.type.startsWith("pulumi:providers:")) return { id: undefined, state: { ...inputs } };
            const f = facts(args.provider, args.type, inputs);
            const result = mockState({
                type: args.type,
                name: args.name,
                inputs,
                partition: partitionOf(f.region && f.region !== "global" ? f.region : (homeRegion ?? "us-east-1")),
                ...f,
            });
            return result;
        },
        call(args) {
            const f = (args.provider && providers.get(args.provider)) || ambient;
            if (isOrganizationsCall(args.token)) {
                try {
                    return answerOrganizationsCall(
                        args.token,
                        args.inputs as Record<string, unknown>,
                        options.organizationalUnits,
                        partitionOf(homeRegion ?? "us-east-1"),
                    );
                } catch (error) {
                    // The engine reports a failed invoke without its message; fail the run with it.
                    rejectRun(error);
                    throw error;
                }
            }
            switch (args.token) {
                case "aws:index/getCallerIdentity:getCallerIdentity":
                    return {
                        accountId: f.account ?? "000000000000",
                        arn: `arn:aws:sts::${f.account}:assumed-role/offline/plan`,
                        userId: "offline",
                    };
                case "aws:index/getRegion:getRegion":
                    return { name: f.region ?? homeRegion, region: f.region ?? homeRegion };
                case "aws:index/getAvailabilityZones:getAvailabilityZones": {
                    const region = String(args.inputs.region ?? f.region ?? homeRegion);
                    return { names: [`${region}a`, `${region}c`], zoneIds: [`${region}-az1`, `${region}-az2`], id: region };
                }
                case "aws:ssm/getParameter:getParameter":
                    // Every AMI parameter resolves to the same placeholder offline.
                    return {
                        name: args.inputs.name,
                        value: "ami-0123456789abcdef0",
                        type: "String",
                        arn: `arn:aws:ssm:${String(args.inputs.region ?? homeRegion)}:${f.account}:parameter${String(args.inputs.name)}`,
                    };
                case "aws:index/getPartition:getPartition":
                    return { partition: partitionOf(f.region ?? homeRegion ?? "us-east-1"), dnsSuffix: "amazonaws.com" };
                default:
                    return {};
            }
        },
    };

    pulumi.runtime.setAllConfig(options.config, options.secretKeys ?? []);
    const organization = options.organization ?? "organization";
    await pulumi.runtime.setMocks(mocks, project, options.stack, options.preview ?? false, organization);
    const monitor = new RecordingMonitor(mocks, facts, (reference, providerFacts) => providers.set(reference, providerFacts));
    pulumi.runtime.setMockOptions(monitor, project, options.stack, options.preview ?? false, organization);

    // An error inside an apply (a bad hub output, say) surfaces as an unhandled rejection, not as a
    // rejected registration; fail the run with it instead of waiting forever for the outputs.
    const failed = new Promise<never>((_, reject) => (rejectRun = reject));
    const onRejection = (reason: unknown): void => rejectRun(reason);
    process.on("unhandledRejection", onRejection);
    // Pulumi reads `new Error().stack` for every promise it tracks (runtime/debuggable.js, for its leak report). Under
    // ts-node every one of those stacks is source-mapped frame by frame, which took over 40% of a plan. While the
    // program runs, stacks are formatted natively (JavaScript positions); an error's stack read afterwards, as a
    // failing test's is, is still mapped. Runs never overlap: Pulumi's mock runtime is one global state.
    const stackTraces: { prepareStackTrace?: typeof Error.prepareStackTrace } = Error;
    const sourceMappedStackTrace = stackTraces.prepareStackTrace;
    stackTraces.prepareStackTrace = undefined;
    let outputs: Record<string, unknown>;
    try {
        outputs = await Promise.race([failed, loadProgram(options)]);
    } catch (error) {
        forgetAbandonedRun();
        throw error;
    } finally {
        stackTraces.prepareStackTrace = sourceMappedStackTrace;
        process.off("unhandledRejection", onRejection);
    }
    for (const registration of monitor.registrations)
        registration.inputs = (await describeAssets(registration.inputs)) as Record<string, unknown>;
    return { registrations: monitor.registrations, outputs };
}
