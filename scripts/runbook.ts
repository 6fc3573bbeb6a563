import {
    DescribeDocumentCommand,
    GetAutomationExecutionCommand,
    type SSMClient,
    StartAutomationExecutionCommand,
    type StartAutomationExecutionCommandInput,
    type StepExecution,
} from "@aws-sdk/client-ssm";
import { errorName } from "../handlers/shared/errors";

/** A problem with the command line or the environment: printed as one line, never as a stack trace. */
export class RunbookError extends Error {}

export interface RunbookRequest {
    document: string;
    parameters: Record<string, string[]>;
    accounts: string[];
    regions: string[];
    executionRoleName: string;
    maxConcurrency?: string;
    maxErrors?: string;
    /** Print the StartAutomationExecution request and stop: no AWS call. */
    dryRun?: boolean;
}

export interface MainStackFacts {
    /** Accounts with the Automation execution role: members and member-stack accounts with automation on. */
    memberAccountIds: string[];
    executionRoleName: string;
    /** Regions the stack (or a member's own regions) covers: where execution roles and log settings exist. */
    regions: string[];
}

export const usage = [
    "usage: npm run automation -- --document <name> [--parameters k=v ...] --accounts <ids|all> --regions <list>",
    "                             [--max-concurrency N] [--max-errors N] [--stack main] [--dry-run] [--help]",
    "  Starts one multi-account Automation execution from the main account and follows it to the end.",
    "  --accounts   member account IDs with automation on, or all of them with `all`",
    "  --regions    regions of the main stack (homeRegion, extraRegions, members' own regions)",
    "  --dry-run    print the exact StartAutomationExecution request and exit, without calling AWS",
    "  --help       print this and exit",
].join("\n");

/** True when the command line asks for help: answered before the config is read or AWS is called. */
export function wantsHelp(argv: readonly string[]): boolean {
    return argv.includes("--help") || argv.includes("-h");
}

function list(value: string): string[] {
    return value
        .split(/[,\s]+/)
        .map((part) => part.trim())
        .filter(Boolean);
}

/** Reads the command line; every problem is a RunbookError naming the flag and the value. */
export function parseRunbookArgs(argv: string[], main: MainStackFacts): RunbookRequest {
    const flags = new Map<string, string[]>();
    let current: string | undefined;
    for (const arg of argv) {
        if (arg.startsWith("--")) {
            current = arg.slice(2);
            if (!["document", "parameters", "accounts", "regions", "max-concurrency", "max-errors", "stack", "dry-run"].includes(current))
                throw new RunbookError(`unknown option --${current}\n${usage}`);
            flags.set(current, flags.get(current) ?? []);
            if (current === "dry-run") current = undefined;
        } else if (current) {
            flags.get(current)?.push(arg);
        } else {
            throw new RunbookError(`unexpected argument "${arg}"\n${usage}`);
        }
    }
    const single = (name: string): string | undefined => {
        const values = flags.get(name);
        if (values === undefined) return undefined;
        if (values.length !== 1) throw new RunbookError(`--${name} takes one value, got ${values.length}`);
        return values[0];
    };
    const document = single("document");
    if (!document) throw new RunbookError(`--document is required\n${usage}`);
    const accountsFlag = flags.get("accounts");
    if (!accountsFlag?.length) throw new RunbookError(`--accounts is required (account IDs, or "all" for every member of the main stack)`);
    const accounts = accountsFlag.length === 1 && accountsFlag[0] === "all" ? main.memberAccountIds : accountsFlag.flatMap(list);
    for (const account of accounts) {
        if (!/^\d{12}$/.test(account)) throw new RunbookError(`--accounts "${account}" is not a 12-digit account ID`);
        if (!main.memberAccountIds.includes(account))
            throw new RunbookError(
                `--accounts "${account}" has no Automation execution role: it is not a member (or memberStacks account) with automation on in the main stack; those are ${main.memberAccountIds.join(", ") || "none"}`,
            );
    }
    const regions = (flags.get("regions") ?? []).flatMap(list);
    if (regions.length === 0) throw new RunbookError("--regions is required (e.g. --regions ap-northeast-1,us-east-1)");
    for (const region of regions)
        if (!main.regions.includes(region))
            throw new RunbookError(`--regions "${region}" is not a region of the main stack; its regions are ${main.regions.join(", ")}`);
    const parameters: Record<string, string[]> = {};
    for (const pair of flags.get("parameters") ?? []) {
        const equals = pair.indexOf("=");
        if (equals <= 0) throw new RunbookError(`--parameters "${pair}" is not key=value`);
        const key = pair.slice(0, equals);
        parameters[key] = [...(parameters[key] ?? []), pair.slice(equals + 1)];
    }
    const count = (name: string): string | undefined => {
        const value = single(name);
        if (value !== undefined && !/^\d+%?$/.test(value)) throw new RunbookError(`--${name} "${value}" is not a number or a percentage`);
        return value;
    };
    return {
        document,
        parameters,
        accounts,
        regions,
        executionRoleName: main.executionRoleName,
        maxConcurrency: count("max-concurrency"),
        maxErrors: count("max-errors"),
        dryRun: flags.has("dry-run"),
    };
}

/** The StartAutomationExecution request for one multi-account run (also what --dry-run prints). */
export function startRequest(request: RunbookRequest): StartAutomationExecutionCommandInput {
    return {
        DocumentName: request.document,
        Parameters: Object.keys(request.parameters).length > 0 ? request.parameters : undefined,
        TargetLocations: [
            {
                Accounts: request.accounts,
                Regions: request.regions,
                ExecutionRoleName: request.executionRoleName,
                TargetLocationMaxConcurrency: request.maxConcurrency,
                TargetLocationMaxErrors: request.maxErrors,
            },
        ],
    };
}

const finished = new Set([
    "Success",
    "Failed",
    "TimedOut",
    "Cancelled",
    "Rejected",
    "CompletedWithSuccess",
    "CompletedWithFailure",
    "Exited",
    "ChangeCalendarOverrideRejected",
]);
const succeeded = new Set(["Success", "CompletedWithSuccess"]);

function where(step: StepExecution): string {
    const location = step.TargetLocation;
    const accounts = location?.Accounts?.join(",");
    const regions = location?.Regions?.join(",");
    return accounts || regions ? `${accounts ?? "?"}/${regions ?? "?"}` : "main";
}

export interface RunbookIo {
    ssm: SSMClient;
    print: (line: string) => void;
    sleep: (ms: number) => Promise<void>;
    pollIntervalMs?: number;
}

/** Starts one multi-account execution and follows it to the end. Resolves to the exit code. */
export async function runRunbook(request: RunbookRequest, io: RunbookIo): Promise<number> {
    const { ssm } = io;
    try {
        await ssm.send(new DescribeDocumentCommand({ Name: request.document }));
    } catch (error) {
        if (errorName(error) === "InvalidDocument")
            throw new RunbookError(`unknown document "${request.document}": no such Automation runbook is visible to the main account`);
        throw explain(error);
    }
    let executionId: string | undefined;
    try {
        const started = await ssm.send(new StartAutomationExecutionCommand(startRequest(request)));
        executionId = started.AutomationExecutionId;
    } catch (error) {
        throw explain(error);
    }
    if (!executionId) throw new RunbookError("StartAutomationExecution returned no execution ID");
    io.print(
        `started ${request.document} as ${executionId} in ${request.accounts.length} account(s) x ${request.regions.length} region(s)`,
    );

    const reported = new Set<string>();
    for (;;) {
        const { AutomationExecution: execution } = await ssm.send(
            new GetAutomationExecutionCommand({ AutomationExecutionId: executionId }),
        );
        const failures: StepExecution[] = [];
        for (const step of execution?.StepExecutions ?? []) {
            const status = step.StepStatus ?? "Pending";
            if (!finished.has(status)) continue;
            if (!succeeded.has(status)) failures.push(step);
            const key = step.StepExecutionId ?? `${step.StepName}/${where(step)}`;
            if (reported.has(key)) continue;
            reported.add(key);
            io.print(`${where(step)}  ${step.StepName}: ${status}${step.FailureMessage ? ` (${step.FailureMessage})` : ""}`);
        }
        const status = execution?.AutomationExecutionStatus ?? "Pending";
        if (finished.has(status)) {
            if (succeeded.has(status) && failures.length === 0) {
                io.print(`${executionId}: ${status}`);
                return 0;
            }
            io.print(`${executionId}: ${status}`);
            for (const step of failures) {
                const child = step.Outputs?.ExecutionId?.[0];
                io.print(
                    `  look in ${where(step)}: Systems Manager > Automation${child ? `, execution ${child}` : ""} shows the step output (the main account only sees the summary)`,
                );
            }
            return 1;
        }
        await io.sleep(io.pollIntervalMs ?? 5000);
    }
}

function explain(error: unknown): Error {
    const name = errorName(error);
    if (name === "CredentialsProviderError" || name === "ExpiredTokenException" || name === "UnrecognizedClientException") {
        return new RunbookError(`no usable AWS credentials for the main account (${name}): set AWS_PROFILE or sign in, then run again`);
    }
    if (name === "InvalidAutomationExecutionParametersException")
        return new RunbookError(`the runbook rejected the parameters: ${(error as Error).message}`);
    return error instanceof Error ? error : new Error(String(error));
}
