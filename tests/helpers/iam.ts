import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "../../components/iam";

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

export interface Request {
    /** An IAM or service principal, or iam-simulate's anonymousPrincipal. */
    principal: Parameters<typeof runSimulation>[0]["request"]["principal"];
    action: string;
    resource: string;
    /** The account that owns the resource (for cross-account evaluation). */
    resourceAccount: string;
    /** The principal's identity policies (none for service principals and anonymous callers). */
    identityPolicies?: PolicyDocument[];
    resourcePolicy?: PolicyDocument;
    context?: Record<string, string | string[]>;
}

/**
 * Evaluates one request with @cloud-copilot/iam-simulate. A simulation error (an invalid policy, an
 * unknown action or context key) throws, so a test can never pass on a document the simulator rejected.
 */
export async function decide(request: Request): Promise<Decision> {
    // AWS sets these for every IAM principal; the simulator expects them to be given.
    const principal = request.principal;
    const iamPrincipal = typeof principal === "string" ? /^arn:[\w-]+:(iam|sts)::(\d{12}):/.exec(principal) : null;
    const derived: Record<string, string> =
        iamPrincipal && typeof principal === "string" ? { "aws:PrincipalArn": principal, "aws:PrincipalAccount": iamPrincipal[2] } : {};
    const result = await runSimulation(
        {
            request: {
                principal: request.principal,
                action: request.action,
                resource: { resource: request.resource, accountId: request.resourceAccount },
                contextVariables: { ...derived, ...request.context },
            },
            identityPolicies: (request.identityPolicies ?? []).map((policy, i) => ({ name: `identity-${i}`, policy })),
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy: request.resourcePolicy,
        },
        {},
    );
    if (result.resultType === "error") throw new Error(`iam-simulate rejected the simulation: ${JSON.stringify(result.errors)}`);
    // A context key the simulator drops would make a condition fail "because missing": never let that pass silently.
    const ignored = result.resultType === "single" ? (result.result.ignoredContextKeys ?? []) : [];
    if (ignored.length > 0) throw new Error(`iam-simulate ignored context keys ${ignored.join(", ")}: the simulation would not test them`);
    return result.overallResult as Decision;
}

/** An identity policy that allows everything, to show a denial comes from the document under test. */
export const allowEverything: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

/**
 * iam-simulate accepts only the web-identity condition keys of the identity providers it knows, and
 * Pulumi Cloud (`api.pulumi.com/oidc:aud`, `:sub`) is not among them: it would drop those keys. This
 * renames the issuer, in a trust policy and in the request context alike, to one it knows
 * (`accounts.google.com:aud`/`:sub`). The conditions, operators and values stay exactly the same.
 */
export function withSimulatableIssuer<T>(value: T): T {
    return JSON.parse(JSON.stringify(value).split("api.pulumi.com/oidc:").join("accounts.google.com:")) as T;
}

/**
 * iam-simulate does not know KMS's `kms:EncryptionContext:<key>` condition keys (its key-variable match
 * works only for `/`-separated keys such as `aws:PrincipalTag/<key>`): it would drop them from the
 * request. This renames them, in a policy and in the request context alike, to a global key variable it
 * does know (`aws:PrincipalTag/kms.EncryptionContext.<key>`), so the condition is still evaluated. The
 * conditions, operators and values stay exactly the same.
 */
export function withSimulatableEncryptionContext<T>(value: T): T {
    return JSON.parse(JSON.stringify(value).replace(/kms:EncryptionContext:/g, "aws:PrincipalTag/kms.EncryptionContext.")) as T;
}
