/**
 * A latency stand-in for STS and SSM, run in its own process by bench/amiPublisher.ts: it answers the
 * calls the publisher makes (AssumeRole, GetParameter, PutParameter, LabelParameterVersion,
 * GetParameterHistory) after a fixed delay, from canned answers, so nearly all of the time is the
 * delay and nearly none is the server's CPU (moto spends ~5.5 ms of CPU per call). Being another
 * process, its CPU never counts in the bench's process.cpuUsage(). Prints its URL on stdout.
 * Usage: node -r ts-node/register/transpile-only bench/latencyStandIn.ts <delayMs>
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

const delayMs = Number(process.argv[2] ?? "25");
const expiration = new Date(Date.now() + 3600_000).toISOString();
const assumeRoleAnswer =
    `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>` +
    `<AccessKeyId>ASIASTANDIN000000000</AccessKeyId><SecretAccessKey>stand-in-secret</SecretAccessKey>` +
    `<SessionToken>stand-in-token</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
    `<AssumedRoleUser><AssumedRoleId>AROASTANDIN:ami-publisher</AssumedRoleId><Arn>arn:aws:sts::000000000000:assumed-role/x/ami-publisher</Arn>` +
    `</AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>stand-in</RequestId></ResponseMetadata></AssumeRoleResponse>`;
const notFound = JSON.stringify({ __type: "ParameterNotFound", message: "Parameter not found." });

/** The value put per caller key, region and parameter name: what `name:1` then returns. */
const values = new Map<string, string>();

function answer(response: http.ServerResponse, status: number, type: string, body: string): void {
    setTimeout(() => {
        response.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
        response.end(body);
    }, delayMs);
}

const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
        const target = String(request.headers["x-amz-target"] ?? "");
        if (target === "") {
            answer(response, 200, "text/xml", assumeRoleAnswer);
            return;
        }
        const input = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { Name: string; Value?: string };
        const authorization = String(request.headers.authorization ?? "");
        const key = `${/Credential=([^/]+\/\d+\/[^/]+)/.exec(authorization)?.[1] ?? ""}|${request.headers["x-amz-security-token"] ?? ""}`;
        const [name, version] = input.Name.split(":");
        const json = "application/x-amz-json-1.1";
        switch (target) {
            case "AmazonSSM.PutParameter":
                values.set(`${key}|${name}`, input.Value ?? "");
                answer(response, 200, json, '{"Version":1,"Tier":"Standard"}');
                return;
            case "AmazonSSM.GetParameter": {
                const value = values.get(`${key}|${name}`);
                if (version === undefined || value === undefined) answer(response, 400, json, notFound);
                else answer(response, 200, json, JSON.stringify({ Parameter: { Name: name, Value: value, Version: 1, Type: "String" } }));
                return;
            }
            case "AmazonSSM.LabelParameterVersion":
                answer(response, 200, json, '{"InvalidLabels":[],"ParameterVersion":1}');
                return;
            case "AmazonSSM.GetParameterHistory":
                answer(response, 200, json, '{"Parameters":[]}');
                return;
            default:
                answer(response, 400, json, JSON.stringify({ __type: "UnknownOperationException", message: target }));
        }
    });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
    console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
