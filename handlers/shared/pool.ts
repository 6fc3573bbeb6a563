/**
 * Runs `work` over `items` with at most `limit` in flight, and settles every item: one failure
 * never stops the others, so a handler can try every target and then report all failures.
 */
export async function settleAll<T, R>(
    items: readonly T[],
    limit: number,
    work: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
    const results: PromiseSettledResult<R>[] = new Array(items.length);
    let next = 0;
    async function worker(): Promise<void> {
        while (next < items.length) {
            const index = next++;
            try {
                results[index] = { status: "fulfilled", value: await work(items[index]) };
            } catch (reason) {
                results[index] = { status: "rejected", reason };
            }
        }
    }
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    return results;
}
