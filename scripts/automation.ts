import * as path from "node:path";
import { SSMClient } from "@aws-sdk/client-ssm";
import { readStackFile, stackFilePath } from "../offline/stackFiles";
import { parseStackConfig, StackConfigError } from "../stacks/config/load";
import { accountsWithFeature, stackRegions } from "../stacks/config/resolve";
import { parseRunbookArgs, RunbookError, runRunbook, startRequest, usage, wantsHelp } from "./runbook";

/** `npm run automation -- ...`: runs an Automation runbook across the organization from the main account. */
async function main(): Promise<number> {
    const argv = process.argv.slice(2);
    if (wantsHelp(argv)) {
        console.log(usage);
        return 0;
    }
    const stackIndex = argv.indexOf("--stack");
    const stack = stackIndex >= 0 ? argv[stackIndex + 1] : "main";
    const config = parseStackConfig(readStackFile(stackFilePath(path.resolve(__dirname, ".."), stack)).values, { stack });
    if (config.stackRole !== "main") throw new RunbookError(`--stack ${stack} is a member stack; runbooks start from the main stack`);
    // Accounts and regions are checked against the config here, before any AWS call.
    const request = parseRunbookArgs(argv, {
        memberAccountIds: accountsWithFeature(config, "automation"),
        executionRoleName: config.automation.executionRoleName,
        regions: [...new Set([...stackRegions(config), ...config.members.flatMap((member) => member.regions ?? [])])],
    });
    if (request.dryRun) {
        console.log(JSON.stringify({ StartAutomationExecution: startRequest(request) }, null, 2));
        return 0;
    }
    const ssm = new SSMClient({ region: config.homeRegion });
    return runRunbook(request, {
        ssm,
        print: (line) => console.log(line),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
}

// process.exitCode, not process.exit(): output still queued for a pipe is written before the process ends.
main().then(
    (code) => {
        process.exitCode = code;
    },
    (error: unknown) => {
        if (error instanceof RunbookError || error instanceof StackConfigError) console.error(error.message);
        else console.error(`automation failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = error instanceof RunbookError ? 2 : 1;
    },
);
