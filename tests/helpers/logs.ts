/** Runs `work` while capturing the structured (JSON) lines written to stdout and stderr, e.g. by Powertools Logger. */
export async function captureLogs<T>(work: () => Promise<T>): Promise<{ result?: T; error?: unknown; lines: Record<string, unknown>[] }> {
    const streams = [process.stdout, process.stderr];
    const originals = streams.map((stream) => stream.write.bind(stream));
    const chunks: string[] = [];
    for (const stream of streams) {
        stream.write = ((chunk: string | Uint8Array): boolean => {
            chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
            return true;
        }) as typeof stream.write;
    }
    try {
        return { result: await work(), lines: parse(chunks) };
    } catch (error) {
        return { error, lines: parse(chunks) };
    } finally {
        streams.forEach((stream, i) => (stream.write = originals[i]));
    }
}

function parse(chunks: string[]): Record<string, unknown>[] {
    return chunks
        .join("")
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
}
