import * as http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback HTTP proxy that holds every request `delayMs` before passing it to `target`: it stands
 * in for the network latency of real AWS endpoints in front of moto, which answers in about a millisecond.
 */
export async function startDelayProxy(
    target: string,
    delayMs: number,
): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
    const upstream = new URL(target);
    let count = 0;
    const server = http.createServer((request, response) => {
        count++;
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
            setTimeout(() => {
                const forward = http.request(
                    {
                        hostname: upstream.hostname,
                        port: upstream.port,
                        path: request.url,
                        method: request.method,
                        headers: request.headers,
                    },
                    (answer) => {
                        response.writeHead(answer.statusCode ?? 502, answer.headers);
                        answer.pipe(response);
                    },
                );
                forward.on("error", (error) => {
                    response.writeHead(502);
                    response.end(String(error));
                });
                forward.end(Buffer.concat(chunks));
            }, delayMs);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, requests: () => count, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
