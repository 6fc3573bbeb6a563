import { strict as assert } from "node:assert";
import { isThrottling, withThrottlingRetry } from "../../handlers/shared/retry";

function named(name: string, extra: Record<string, unknown> = {}): Error {
    return Object.assign(new Error(name), { name, ...extra });
}

describe("throttling retry (the SDK's standard retry strategy)", () => {
    it("recognises each throttling error name and the SDK's throttling flag, and nothing else", () => {
        for (const name of [
            "ThrottlingException",
            "Throttling",
            "TooManyRequestsException",
            "RequestLimitExceeded",
            "ProvisionedThroughputExceededException",
        ])
            assert.equal(isThrottling(named(name)), true, name);
        assert.equal(isThrottling(named("SomethingElse", { $retryable: { throttling: true } })), true);
        assert.equal(isThrottling(named("SomethingElse", { $retryable: { throttling: false } })), false);
        assert.equal(isThrottling(named("SomethingElse", { $retryable: {} })), false);
        assert.equal(isThrottling(named("AccessDeniedException")), false);
        assert.equal(isThrottling(named("")), false);
        assert.equal(isThrottling(undefined), false);
        assert.equal(isThrottling("ThrottlingException as text"), false);
    });

    it("returns the first success without retrying", async () => {
        let calls = 0;
        assert.equal(await withThrottlingRetry(async () => (calls++, "done")), "done");
        assert.equal(calls, 1);
    });

    it("retries throttling until it succeeds", async function () {
        this.timeout(30_000);
        let calls = 0;
        const result = await withThrottlingRetry(async () => {
            calls++;
            if (calls < 3) throw named("ThrottlingException");
            return calls;
        });
        assert.equal(result, 3);
    });

    it("throws any other error at once", async () => {
        let calls = 0;
        const denied = named("AccessDeniedException");
        await assert.rejects(
            withThrottlingRetry(async () => {
                calls++;
                throw denied;
            }),
            (error) => error === denied,
        );
        assert.equal(calls, 1);
    });

    it("gives up after maxAttempts calls with the last throttling error", async function () {
        this.timeout(30_000);
        let calls = 0;
        const errors: Error[] = [];
        await assert.rejects(
            withThrottlingRetry(async () => {
                calls++;
                const error = named("Throttling");
                errors.push(error);
                throw error;
            }, 2),
            (error) => error === errors[errors.length - 1],
        );
        assert.equal(calls, 2);
    });
});
