import { StandardRetryStrategy } from "@smithy/util-retry";
import { errorName } from "./errors";

// An array, not a Set: Pulumi's closure serialization (dynamic providers) loses a Set's contents.
const throttlingErrors = [
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "ProvisionedThroughputExceededException",
];

export function isThrottling(error: unknown): boolean {
    const retryable = (error as { $retryable?: { throttling?: boolean } } | undefined)?.$retryable;
    return throttlingErrors.includes(errorName(error) ?? "") || retryable?.throttling === true;
}

/**
 * Calls `operation`, retrying throttling errors with the SDK's standard strategy (exponential
 * backoff with jitter, at most `maxAttempts` calls). Other errors are thrown at once.
 */
export async function withThrottlingRetry<T>(operation: () => Promise<T>, maxAttempts = 6): Promise<T> {
    const strategy = new StandardRetryStrategy(maxAttempts);
    let token = await strategy.acquireInitialRetryToken("aws");
    for (;;) {
        try {
            const result = await operation();
            strategy.recordSuccess(token);
            return result;
        } catch (error) {
            if (!isThrottling(error)) throw error;
            try {
                token = await strategy.refreshRetryTokenForRetry(token, { errorType: "THROTTLING" });
            } catch {
                throw error;
            }
            await new Promise((resolve) => setTimeout(resolve, token.getRetryDelay()));
        }
    }
}
