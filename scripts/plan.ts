import * as path from "node:path";
import { parseArgs } from "node:util";
import { StackConfigError } from "../stacks/config/load";
import { planStack, projectRoot } from "../offline/plan";
import { planResources, renderText } from "../offline/render";

const usage = "usage: npm run plan -- --stack <name> [--json] [--file <Pulumi.<name>.yaml to read instead>]";

async function main(): Promise<number> {
    const { values } = parseArgs({
        options: { stack: { type: "string" }, json: { type: "boolean", default: false }, file: { type: "string" } },
        strict: true,
    });
    if (!values.stack) {
        console.error(usage);
        return 2;
    }
    const plan = await planStack(values.stack, projectRoot, values.file ? path.resolve(values.file) : undefined);
    if (values.json) {
        process.stdout.write(JSON.stringify({ stack: plan.stack, resources: planResources(plan.run.registrations) }, null, 2) + "\n");
    } else {
        process.stdout.write(renderText(plan.stack, plan.run.registrations, plan.accountLabels) + "\n");
    }
    return 0;
}

function fail(error: unknown): void {
    if (error instanceof StackConfigError) console.error(error.message);
    else console.error(`plan failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
}

// No process.exit(): on a pipe stdout is written asynchronously, and exiting would cut the plan at 64 KiB.
// Setting the exit code lets Node flush every pending write first, then end.
process.on("unhandledRejection", fail);
main().then((code) => {
    process.exitCode = code;
}, fail);
