/**
 * The AMI publisher against moto: one image shared with N = 50 and N = 200 accounts, the handler at
 * its default concurrency side by side with a sequential baseline (MAX_CONCURRENCY=1: one account
 * after another, like the seed, with the same calls per account). Each case runs twice: straight to
 * moto (CPU-bound here), and through a proxy adding 25 ms to every AWS request (network-bound, like
 * real AWS). Prints the ratios and the delayed run against its ideal. Run: npm run bench:publisher
 */
import { handler } from "../handlers/amiPublisher";
import { imageMessage, snsEvent } from "../tests/helpers/imageEvents";
import { motoEndpoint, resetMoto } from "../tests/helpers/moto";
import { startDelayProxy } from "./delayProxy";

const delayMs = 25;
const defaultConcurrency = 10;
/** Per receiving account: AssumeRole, GetParameter, PutParameter, LabelParameterVersion, AddTagsToResource. */
const callsPerTarget = 5;

function eventFor(accounts: number): ReturnType<typeof snsEvent> {
    const userIds = Array.from({ length: accounts }, (_, i) => String(100000000000 + i));
    return snsEvent(
        imageMessage({
            amis: [{ region: "us-east-1", image: "ami-0bench00000000001" }],
            distributions: [{ region: "us-east-1", amiDistributionConfiguration: { launchPermission: { userIds } } }],
        }),
    );
}

async function timeOnce(endpoint: string, accounts: number, concurrency: number): Promise<number> {
    await resetMoto();
    process.env.AWS_ENDPOINT_URL = endpoint;
    process.env.MAX_CONCURRENCY = String(concurrency);
    const started = performance.now();
    const summary = await handler(eventFor(accounts));
    const elapsed = performance.now() - started;
    if (summary.written !== accounts + 1) throw new Error(`expected ${accounts + 1} writes, got ${JSON.stringify(summary)}`);
    return elapsed;
}

async function main(): Promise<void> {
    const moto = motoEndpoint();
    const proxy = await startDelayProxy(moto, delayMs);
    try {
        console.log(
            `AMI publisher: default concurrency ${defaultConcurrency} vs sequential, on moto; ${callsPerTarget} AWS calls per account`,
        );
        console.log("accounts  transport        sequential ms  concurrent ms  speed-up  ideal ms  concurrent/ideal");
        for (const accounts of [50, 200]) {
            for (const [label, endpoint] of [
                ["moto direct", moto],
                [`+${delayMs} ms/request`, proxy.url],
            ] as const) {
                const sequential = await timeOnce(endpoint, accounts, 1);
                const concurrent = await timeOnce(endpoint, accounts, defaultConcurrency);
                const targets = accounts + 1;
                const ideal = endpoint === proxy.url ? Math.ceil(targets / defaultConcurrency) * callsPerTarget * delayMs : undefined;
                console.log(
                    `${String(accounts).padStart(8)}  ${label.padEnd(15)}  ${sequential.toFixed(0).padStart(13)}  ${concurrent.toFixed(0).padStart(13)}  ${(sequential / concurrent).toFixed(1).padStart(7)}x  ${
                        ideal === undefined ? "       -" : String(ideal).padStart(8)
                    }  ${ideal === undefined ? "               -" : `${(concurrent / ideal).toFixed(2)}x`.padStart(16)}`,
                );
            }
        }
        console.log(`(target: at least 5x at 50 accounts; the +${delayMs} ms rows are what real, network-bound AWS calls look like)`);
    } finally {
        await proxy.close();
    }
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1; // not process.exit(): that would cut output still queued for a pipe
});
