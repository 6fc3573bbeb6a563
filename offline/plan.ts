import * as fs from "node:fs";
import * as path from "node:path";
import { fleetAccountOf, mainStackVariable } from "../stacks/config/fleet";
import { parseStackConfig } from "../stacks/config/load";
import type { OfflineOrganization } from "./organizations";
import { runUnderMocks, type ProgramRun } from "./recorder";
import { readStackFile, stackFilePath } from "./stackFiles";

export interface StackPlan {
    stack: string;
    run: ProgramRun;
    /** Account ID to a label: "main account", or `member "dev"`. */
    accountLabels: Map<string, string>;
}

export const projectRoot = path.resolve(__dirname, "..");

function labels(values: Record<string, unknown>): Map<string, string> {
    const result = new Map<string, string>();
    if (typeof values.mainAccountId === "string") result.set(values.mainAccountId, "main account");
    const management = values.management as { accountId?: unknown } | undefined;
    if (typeof management?.accountId === "string" && !result.has(management.accountId))
        result.set(management.accountId, "management account");
    if (typeof values.accountId === "string") result.set(values.accountId, `member "${String(values.name)}"`);
    for (const member of Array.isArray(values.members) ? (values.members as { accountId?: unknown; name?: unknown }[]) : []) {
        if (typeof member.accountId === "string") result.set(member.accountId, `member "${String(member.name)}"`);
    }
    return result;
}

/**
 * Runs the real program for one stack under mocks, with that stack's Pulumi.<stack>.yaml. A member
 * stack's StackReference is answered with the outputs of the main stack's own offline plan.
 */
export async function planStack(stack: string, root = projectRoot, stackFile = stackFilePath(root, stack)): Promise<StackPlan> {
    const fleetAccount = fleetAccountOf(stack);
    if (fleetAccount && !fs.existsSync(stackFile)) return planFleetMember(stack, fleetAccount, root);
    const file = readStackFile(stackFile);
    // Validate the values as YAML typed them: an unquoted account ID is a number here (and one starting with 0
    // has lost its zeros), which Pulumi would pass on as a string. Throws every problem at once.
    parseStackConfig(file.values, { stack });
    const accountLabels = labels(file.values);
    let mainOutputs: Record<string, unknown> | undefined;
    // A member stack reads main's outputs; so does a deployments stack with a fleet (fleet.mainStack).
    const fleetMain = (file.values.fleet as { mainStack?: unknown } | undefined)?.mainStack;
    const mainStack = file.values.stackRole === "deployments" ? fleetMain : file.values.mainStack;
    if ((file.values.stackRole === "member" || file.values.stackRole === "deployments") && typeof mainStack === "string") {
        const mainPlan = await planStack(mainStack.split("/").pop() ?? mainStack, root);
        mainOutputs = mainPlan.run.outputs;
        for (const [account, label] of mainPlan.accountLabels) if (!accountLabels.has(account)) accountLabels.set(account, label);
    }
    const run = await runUnderMocks({
        stack,
        config: file.config,
        secretKeys: file.secretKeys,
        ambientAccount:
            typeof file.values.mainAccountId === "string" ? file.values.mainAccountId : (file.values.accountId as string | undefined),
        stackOutputs: (name) => (name === mainStack ? mainOutputs : undefined),
        organizationalUnits: offlineOrganization(file.config),
    });
    return { stack, run, accountLabels };
}

/** The stack file's `offline:organizationalUnits`: what the plan answers for the Organizations data sources. */
function offlineOrganization(config: Record<string, string>): OfflineOrganization | undefined {
    const value = config["offline:organizationalUnits"];
    return value === undefined ? undefined : (JSON.parse(value) as OfflineOrganization);
}

/**
 * A fleet stack has no stack file: it is planned as the real one runs, with no config, reading the offline
 * plan of the main stack (MULTI_ACCOUNT_OPS_MAIN_STACK's last part, else `main`).
 */
async function planFleetMember(stack: string, accountId: string, root: string): Promise<StackPlan> {
    const mainName = process.env[mainStackVariable]?.split("/").pop() || "main";
    const mainPlan = await planStack(mainName, root);
    const accountLabels = new Map(mainPlan.accountLabels);
    accountLabels.set(accountId, `fleet account ${accountId}`);
    const run = await runUnderMocks({
        stack,
        config: {},
        ambientAccount: accountId,
        stackOutputs: (name) => (name.split("/").pop() === mainName ? mainPlan.run.outputs : undefined),
    });
    return { stack, run, accountLabels };
}
