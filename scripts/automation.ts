import * as path from "node:path";
import { SSMClient } from "@aws-sdk/client-ssm";
import { readStackFile, stackFilePath } from "../offline/stackFiles";
import { parseStackConfig, StackConfigError } from "../stacks/config/load";
import { accountsWithFeature } from "../stacks/config/resolve";
import { parseRunbookArgs, RunbookError, runRunbook } from "./runbook";

/** `npm run automation -- ...`: runs an Automation runbook across the organization from the main account. */
async function main(): Promise<number> {
    const argv = process.argv.slice(2);
    const stackIndex = argv.indexOf("--stack");
    const stack = stackIndex >= 0 ? argv[stackIndex + 1] : "main";
    const config = parseStackConfig(readStackFile(stackFilePath(path.resolve(__dirname, ".."), stack)).values);
    if (config.stackRole !== "main") throw new RunbookError(`--stack ${stack} is a member stack; runbooks start from the main stack`);
    const request = parseRunbookArgs(argv, {
        memberAccountIds: accountsWithFeature(config, "automation"),
        executionRoleName: config.automation.executionRoleName,
    });
    const ssm = new SSMClient({ region: config.homeRegion });
    return runRunbook(request, {
        ssm,
        print: (line) => console.log(line),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
}

main().then(
    (code) => process.exit(code),
    (error: unknown) => {
        if (error instanceof RunbookError || error instanceof StackConfigError) console.error(error.message);
        else console.error(`automation failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(error instanceof RunbookError ? 2 : 1);
    },
);
