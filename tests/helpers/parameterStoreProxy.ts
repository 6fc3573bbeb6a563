import * as http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback proxy in front of moto that plays the parts of real AWS that moto does not model:
 *
 * - Parameter Store's asynchronous validation of `aws:ec2:image` values. PutParameter answers at once,
 *   but the new version exists only after validation ("a successful HTTP 200 response does not
 *   guarantee that your parameter was successfully created or updated. The aws:ec2:image value is
 *   validated asynchronously, and the PutParameter call returns before the validation is complete",
 *   PutParameter API reference, DataType: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html;
 *   https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-ec2-aliases.html).
 *   Until then the new version is hidden: GetParameter of `name:version` answers ParameterVersionNotFound
 *   (what Parameter Store answers for a version that does not exist), GetParameter of `name` returns the
 *   previous version, and LabelParameterVersion on it answers ParameterVersionNotFound. The version
 *   appears after `hiddenPolls` reads of `name:version` (Infinity: validation failed, it never appears).
 * - A missing role: AssumeRole on a role ARN in `missingRoles` answers AccessDenied, as STS does when
 *   the role does not exist (moto's STS assumes any role ARN).
 * - A failed label call (`failLabels`): LabelParameterVersion answers AccessDeniedException.
 *
 * Versions are tracked per caller (access key), region and name, so the test's own inspection
 * clients, which assume other sessions, always see moto's true state.
 */
export interface ParameterStoreProxy {
    url: string;
    /** Reads of a new aws:ec2:image version that answer "not found" before it appears. */
    hiddenPolls: number;
    failLabels: boolean;
    missingRoles: Set<string>;
    /** Every SSM and STS call, in order: `Operation name-or-role`. */
    calls: string[];
    /** Back to a plain pass-through, forgetting hidden versions (moto itself is reset between tests). */
    reset(): void;
    close(): Promise<void>;
}

interface Pending {
    version: number;
    pollsLeft: number;
}

function credentialScope(request: http.IncomingMessage): { accessKey: string; region: string; service: string } {
    const match = /Credential=([^/]+)\/\d+\/([^/]+)\/([^/]+)\//.exec(String(request.headers.authorization ?? ""));
    return { accessKey: match?.[1] ?? "", region: match?.[2] ?? "", service: match?.[3] ?? "" };
}

function ssmError(response: http.ServerResponse, type: string, message: string): void {
    response.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
    response.end(JSON.stringify({ __type: type, message }));
}

export async function startParameterStoreProxy(target: string): Promise<ParameterStoreProxy> {
    const upstream = new URL(target);
    const pending = new Map<string, Pending>();

    const forward = (
        request: http.IncomingMessage,
        body: Buffer,
        response: http.ServerResponse,
        onAnswer?: (text: string) => void,
    ): void => {
        const headers = { ...request.headers, "content-length": String(body.length) };
        const outgoing = http.request(
            { hostname: upstream.hostname, port: upstream.port, path: request.url, method: request.method, headers },
            (answer) => {
                const chunks: Buffer[] = [];
                answer.on("data", (chunk: Buffer) => chunks.push(chunk));
                answer.on("end", () => {
                    const text = Buffer.concat(chunks);
                    if (answer.statusCode === 200) onAnswer?.(text.toString("utf8"));
                    response.writeHead(answer.statusCode ?? 502, answer.headers);
                    response.end(text);
                });
            },
        );
        outgoing.on("error", (error) => {
            response.writeHead(502);
            response.end(String(error));
        });
        outgoing.end(body);
    };

    const proxy: ParameterStoreProxy = {
        url: "",
        hiddenPolls: 0,
        failLabels: false,
        missingRoles: new Set(),
        calls: [],
        reset: () => {
            proxy.hiddenPolls = 0;
            proxy.failLabels = false;
            proxy.missingRoles.clear();
            proxy.calls.length = 0;
            pending.clear();
        },
        close: () => new Promise((resolve) => server.close(() => resolve())),
    };

    const server = http.createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
            const body = Buffer.concat(chunks);
            const scope = credentialScope(request);

            if (scope.service === "sts") {
                const form = new URLSearchParams(body.toString("utf8"));
                const roleArn = form.get("RoleArn") ?? "";
                proxy.calls.push(`${form.get("Action")} ${roleArn}`);
                if (form.get("Action") === "AssumeRole" && proxy.missingRoles.has(roleArn)) {
                    response.writeHead(403, { "content-type": "text/xml" });
                    response.end(
                        `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>` +
                            `<Code>AccessDenied</Code><Message>User: arn:aws:sts::123456789012:assumed-role/publisher/ami-publisher ` +
                            `is not authorized to perform: sts:AssumeRole on resource: ${roleArn}</Message></Error>` +
                            `<RequestId>proxy</RequestId></ErrorResponse>`,
                    );
                    return;
                }
                forward(request, body, response);
                return;
            }
            if (scope.service !== "ssm") {
                forward(request, body, response);
                return;
            }

            const operation = String(request.headers["x-amz-target"] ?? "").replace("AmazonSSM.", "");
            const input = JSON.parse(body.toString("utf8") || "{}") as Record<string, unknown>;
            const selector = String(input.Name ?? "");
            const [name, qualifier] = selector.split(":");
            const key = `${scope.accessKey}|${scope.region}|${name}`;
            const hidden = pending.get(key);
            proxy.calls.push(`${operation} ${selector}${input.ParameterVersion !== undefined ? `:${String(input.ParameterVersion)}` : ""}`);

            if (operation === "PutParameter" && input.DataType === "aws:ec2:image") {
                forward(request, body, response, (text) => {
                    const version = (JSON.parse(text) as { Version: number }).Version;
                    if (proxy.hiddenPolls > 0) pending.set(key, { version, pollsLeft: proxy.hiddenPolls });
                });
                return;
            }
            if (operation === "GetParameter" && hidden) {
                if (qualifier === String(hidden.version)) {
                    if (hidden.pollsLeft > 0) {
                        hidden.pollsLeft--;
                        ssmError(response, "ParameterVersionNotFound", `Systems Manager could not find version ${qualifier} of ${name}.`);
                        return;
                    }
                    pending.delete(key);
                } else if (qualifier === undefined) {
                    // The latest visible version is still the previous one.
                    if (hidden.version === 1) {
                        ssmError(response, "ParameterNotFound", `Parameter ${name} not found.`);
                        return;
                    }
                    const previous = Buffer.from(JSON.stringify({ ...input, Name: `${name}:${hidden.version - 1}` }));
                    forward(request, previous, response);
                    return;
                }
            }
            if (operation === "LabelParameterVersion") {
                if (hidden && Number(input.ParameterVersion) === hidden.version) {
                    ssmError(response, "ParameterVersionNotFound", `Systems Manager could not find version ${hidden.version} of ${name}.`);
                    return;
                }
                if (proxy.failLabels) {
                    ssmError(response, "AccessDeniedException", `not authorized to perform: ssm:LabelParameterVersion on ${name}`);
                    return;
                }
            }
            forward(request, body, response);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return proxy;
}
