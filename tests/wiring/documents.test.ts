import { strict as assert } from "node:assert";
import type { PolicyDocument } from "../../components/iam";
import { allowEverything, decide, withSimulatableIssuer, type Decision } from "../helpers/iam";
import {
    intendedTrust,
    pulumiToken,
    stackSetAccount,
    stackSetStandIn,
    strangerAccount,
    strangerOrganization,
    type Caller,
    type TrustRow,
} from "./intendedTrust";
import { asList, documentsOf, statementsOf, wiringPlans, type FoundDocument, type WiringPlan } from "./plans";

/**
 * Wiring over the whole plan: every IAM document the program deploys (policies, trust policies,
 * resource policies, documents inside StackSet templates), checked against expectations taken from
 * the stack config, never from the code under test.
 *
 * Rules relied on:
 * - aws:PrincipalOrgID / aws:SourceOrgID / aws:ResourceOrgID compare with the organization ID, the
 *   *OrgPaths keys with paths `o-xxx/r-xxx/ou-xxx/`, which start with it: "AWS global condition context keys",
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 * - A role's trust policy is its resource policy; a cross-account AssumeRole needs it to name the
 *   caller (and the caller's identity policy to allow it): "Cross account policy evaluation logic",
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
 * - aws:SourceAccount is how a service principal's trust is kept to one account (confused deputy):
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */

interface PlanDocuments {
    plan: WiringPlan;
    documents: FoundDocument[];
}

const organizationKey = /^aws:(Principal|Source|Resource)OrgID$/i;
const organizationPathKey = /^aws:(Principal|Source|Resource)OrgPaths$/i;
const organizationIdToken = /\bo-[a-z0-9]{10,32}\b/g;
/** Any 12-digit number in an IAM document is read as an account ID (ARNs, principals, condition values). */
const accountToken = /(?<!\d)\d{12}(?!\d)/g;

/** The organization a plan's config names: its own (main, bootstrap) or its main stack's (member). */
function organizationOf(plan: WiringPlan): string {
    const id = plan.mainValues.organizationId;
    if (typeof id !== "string") throw new Error(`${plan.label}: neither its config nor its main stack's names an organizationId`);
    return id;
}

/**
 * Every account ID the config names anywhere (main, members, management, bucket account, sharing, extra accounts),
 * the accounts its fleet OUs hold, and the stand-in for "each account of a StackSet's OUs".
 */
function configuredAccounts(plan: WiringPlan): Set<string> {
    return new Set([
        ...(JSON.stringify([plan.values, plan.mainValues, plan.organization ?? {}]).match(accountToken) ?? []),
        stackSetStandIn,
    ]);
}

function where(found: FoundDocument): string {
    return `${found.registration.type} ${found.registration.name} (${found.registration.account ?? "?"}) ${found.path}`;
}

function roleArnOf(found: FoundDocument): string {
    const trust = found.trust;
    if (!trust) throw new Error(`${where(found)} is not a trust policy`);
    const account = trust.templated ? stackSetAccount : (found.registration.account ?? "unknown-account");
    return `arn:aws:iam::${account}:role${trust.rolePath}${trust.roleName}`;
}

/** The account a simulated request runs against: a stand-in organization account for StackSet roles. */
function accountOfRole(arn: string): string {
    const account = /^arn:aws:iam::([^:]+):/.exec(arn)?.[1] ?? "";
    return account === stackSetAccount ? stackSetStandIn : account;
}

function callerKey(caller: Caller): string {
    // The organization is part of the key: the same ARN presented from another organization is another caller.
    if (caller.kind === "role") return `role ${caller.arn} of ${caller.organizationId}`;
    if (caller.kind === "service") return `service ${caller.service}${caller.sourceAccount ? ` from ${caller.sourceAccount}` : ""}`;
    return `${caller.issuer} token aud=${caller.audience} sub=${caller.subject}`;
}

/** Whether a row names this caller: the same role, the same token, or the same service (from the row's account, if bound). */
function names(row: TrustRow, caller: Caller): boolean {
    return row.callers.some((named) => {
        if (named.kind === "service" && caller.kind === "service")
            return named.service === caller.service && (named.sourceAccount === undefined || named.sourceAccount === caller.sourceAccount);
        return callerKey(named) === callerKey(caller);
    });
}

/**
 * Like withSimulatableIssuer for Pulumi: iam-simulate knows no GitHub Actions condition keys, so the
 * GitHub issuer becomes one it knows (Cognito's aud/sub), in the document and the request alike.
 */
function simulatableGitHub<T>(value: T): T {
    return JSON.parse(JSON.stringify(value).split("token.actions.githubusercontent.com:").join("cognito-identity.amazonaws.com:")) as T;
}

async function simulate(caller: Caller, roleArn: string, trust: PolicyDocument): Promise<Decision> {
    const resource = { resource: roleArn, resourceAccount: accountOfRole(roleArn) };
    if (caller.kind === "role")
        return decide({
            principal: caller.arn,
            action: "sts:AssumeRole",
            ...resource,
            resourcePolicy: trust,
            identityPolicies: [allowEverything],
            context: { "aws:PrincipalOrgID": caller.organizationId },
        });
    if (caller.kind === "service")
        return decide({
            principal: caller.service,
            action: "sts:AssumeRole",
            ...resource,
            resourcePolicy: trust,
            context: caller.sourceAccount ? { "aws:SourceAccount": caller.sourceAccount } : {},
        });
    const host = caller.issuer === "pulumi" ? "api.pulumi.com/oidc" : "token.actions.githubusercontent.com";
    return decide({
        principal: caller.provider,
        action: "sts:AssumeRoleWithWebIdentity",
        ...resource,
        resourcePolicy: simulatableGitHub(withSimulatableIssuer(trust)),
        context: simulatableGitHub(withSimulatableIssuer({ [`${host}:aud`]: caller.audience, [`${host}:sub`]: caller.subject })),
    });
}

/** Callers the design does not name for this row, derived from its own callers: strangers and unnamed insiders. */
function deniedCallers(row: TrustRow, plan: WiringPlan, everyCaller: Caller[], designStacks: string[]): { why: string; caller: Caller }[] {
    const org = organizationOf(plan);
    const roleAccount = accountOfRole(row.roleArn);
    const insiders = [...configuredAccounts(plan)];
    const denied: { why: string; caller: Caller }[] = [];
    for (const caller of row.callers) {
        if (caller.kind === "role") {
            const [, account = "", name = ""] = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(caller.arn) ?? [];
            denied.push({
                why: "the same role name in a stranger account",
                caller: { kind: "role", arn: `arn:aws:iam::${strangerAccount}:role/${name}`, organizationId: strangerOrganization },
            });
            if (row.organizationBound)
                denied.push({
                    why: "the same principal presented from another organization",
                    caller: { ...caller, organizationId: strangerOrganization },
                });
            denied.push({
                why: "an unnamed role of the caller's account",
                caller: { kind: "role", arn: `arn:aws:iam::${account}:role/not-in-the-design`, organizationId: org },
            });
            denied.push({
                why: "the caller's account root",
                caller: { kind: "role", arn: `arn:aws:iam::${account}:root`, organizationId: org },
            });
            const otherInsider = insiders.find((id) => id !== account);
            if (otherInsider)
                denied.push({
                    why: "the same role name in another account of the organization",
                    caller: { kind: "role", arn: `arn:aws:iam::${otherInsider}:role/${name}`, organizationId: org },
                });
        } else if (caller.kind === "service") {
            if (row.sourceAccountBound)
                denied.push({ why: "the service acting for a stranger account", caller: { ...caller, sourceAccount: strangerAccount } });
            denied.push({
                why: "a service the design does not name",
                caller: { kind: "service", service: "sns.amazonaws.com", sourceAccount: roleAccount },
            });
        } else {
            // A web-identity role is not an AWS principal's to assume: a stranger's role, or one of our own, is refused.
            denied.push({
                why: "a role of a stranger account (not a token)",
                caller: {
                    kind: "role",
                    arn: `arn:aws:iam::${strangerAccount}:role/not-in-the-design`,
                    organizationId: strangerOrganization,
                },
            });
            denied.push({
                why: "an unnamed role of our organization in the role's own account (not a token)",
                caller: { kind: "role", arn: `arn:aws:iam::${roleAccount}:role/not-in-the-design`, organizationId: org },
            });
            const strangerSubject = caller.subject
                .replace(/(pulumi:deploy:org:)[^:]+/, "$1stranger-org")
                .replace(/^repo:[^/]+/, "repo:stranger-owner");
            denied.push({
                why: "a stranger's token",
                caller: { ...caller, audience: caller.issuer === "pulumi" ? "stranger-org" : caller.audience, subject: strangerSubject },
            });
            if (caller.issuer === "pulumi")
                denied.push({ why: "our subject with another organization's audience", caller: { ...caller, audience: "stranger-org" } });
            const otherStack = caller.subject
                .replace(/:stack:[^:]+:/, ":stack:not-a-stack:")
                .replace(/:ref:refs\/heads\/.+$|:pull_request$/, ":ref:refs/heads/not-the-branch");
            denied.push({
                why: "a token of our organization for a stack or branch the design does not name",
                caller: { ...caller, subject: otherStack },
            });
            const [, organization = "", stack = "", operation = ""] =
                /^pulumi:deploy:org:([^:]+):project:[^:]+:stack:([^:]+):operation:([^:]+):/.exec(caller.subject) ?? [];
            if (caller.issuer === "pulumi") {
                // Each stack's roles take only that stack's tokens (issue 12): every other stack of the design is refused.
                for (const other of designStacks.filter((name) => name !== stack))
                    denied.push({
                        why: `another stack's (${other}) token`,
                        caller: { ...caller, subject: pulumiToken(organization, other, operation) },
                    });
                if (operation !== "preview")
                    denied.push({
                        why: "a preview token on a deploy role",
                        caller: { ...caller, subject: pulumiToken(organization, stack, "preview") },
                    });
            } else {
                // A pull-request job's token names its stack's environment: another stack's environment is refused.
                const environment = /:environment:preview-([^:]+)$/.exec(caller.subject)?.[1];
                if (environment !== undefined)
                    for (const other of designStacks.filter((name) => name !== environment))
                        denied.push({
                            why: `another stack's (${other}) pull-request token`,
                            caller: { ...caller, subject: caller.subject.replace(/preview-[^:]+$/, `preview-${other}`) },
                        });
            }
        }
    }
    // Every other caller of this plan's table that this row does not name: e.g. the preview role on the deploy role.
    for (const caller of everyCaller) if (!names(row, caller)) denied.push({ why: "a caller the design names for another role", caller });
    return denied.filter((entry) => !names(row, entry.caller));
}

describe("wiring: every IAM document of every plan, against the config", function () {
    this.timeout(600_000);
    let plans: PlanDocuments[] = [];
    /** Every stack name of the design: the stacks planned, main's delivery stacks, the deployments stack's stacks. */
    let designStacks: string[] = [];

    before(async () => {
        plans = (await wiringPlans()).map((plan) => ({ plan, documents: plan.run.registrations.flatMap(documentsOf) }));
        const named = new Set<string>();
        for (const { plan } of plans) {
            named.add(plan.stack);
            const delivery = plan.values.delivery as { stacks?: unknown } | undefined;
            if (plan.stackRole === "main") for (const stack of asList(delivery?.stacks)) named.add(String(stack));
            if (plan.stackRole === "deployments")
                for (const stack of asList(plan.values.stacks as { name: string }[] | undefined)) named.add(stack.name);
            // Every fleet stack a main stack discovered: each one's token is refused by the others' roles.
            const fleet = plan.run.outputs.fleet as { accounts?: { stack: string }[] } | undefined;
            for (const account of fleet?.accounts ?? []) named.add(account.stack);
        }
        designStacks = [...named].sort();
    });

    it("plans every stack file and the generated every-option stacks, and finds their documents (StackSet templates included)", () => {
        const labels = plans.map(({ plan }) => plan.label);
        for (const expected of [
            "Pulumi.main.yaml",
            "Pulumi.member.yaml",
            "Pulumi.deployments.yaml",
            "Pulumi.bootstrap.yaml",
            "generated: every option on (main)",
            "generated: every option on (member)",
            "generated: every option on (bootstrap)",
            "generated: fleet (main)",
            "generated: fleet (member-313131313131, no config file)",
            "generated: fleet (deployments)",
            "Pulumi.main-fleet.yaml",
            "Pulumi.deployments-fleet.yaml",
        ])
            assert.ok(labels.includes(expected), `${expected} was not planned; planned: ${labels.join(", ")}`);
        const all = plans.flatMap(({ documents }) => documents);
        assert.ok(all.filter((d) => d.trust?.templated).length >= 3, "the StackSet templates' role trust policies were not found");
        assert.ok(
            all.some((d) => d.registration.type === "aws:s3/bucketPolicy:BucketPolicy"),
            "no bucket policy was found",
        );
        assert.ok(
            all.some((d) => d.registration.type === "aws:kms/key:Key"),
            "no key policy was found",
        );
    });

    it("names the configured organization in every organization condition, and starts every org path with it", () => {
        const problems: string[] = [];
        let checked = 0;
        for (const { plan, documents } of plans) {
            for (const found of documents) {
                const org = organizationOf(plan);
                for (const statement of statementsOf(found.document)) {
                    for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
                        for (const [key, raw] of Object.entries(keys)) {
                            const values = asList(raw).map(String);
                            if (organizationKey.test(key)) {
                                checked++;
                                for (const value of values)
                                    if (value !== org)
                                        problems.push(`${plan.label}: ${where(found)} ${operator} ${key} is ${value}, not ${org}`);
                            }
                            if (organizationPathKey.test(key)) {
                                checked++;
                                for (const value of values)
                                    if (!value.startsWith(`${org}/`))
                                        problems.push(
                                            `${plan.label}: ${where(found)} ${operator} ${key} ${value} does not start with ${org}/`,
                                        );
                            }
                        }
                    }
                }
                for (const token of JSON.stringify(found.document).match(organizationIdToken) ?? [])
                    if (token !== org) problems.push(`${plan.label}: ${where(found)} names organization ${token}, not ${org}`);
            }
        }
        assert.deepEqual(problems, []);
        assert.ok(checked >= 10, `only ${checked} organization conditions were found: the check would pass on nothing`);
    });

    it("names only accounts the config names (AWS service principals and aws-managed policies aside)", () => {
        const problems: string[] = [];
        for (const { plan, documents } of plans) {
            const known = configuredAccounts(plan);
            for (const found of documents)
                for (const account of new Set(JSON.stringify(found.document).match(accountToken) ?? []))
                    if (!known.has(account))
                        problems.push(`${plan.label}: ${where(found)} names account ${account}, which no config names`);
        }
        assert.deepEqual(problems, []);
    });

    it("never trusts an account's :root alone", () => {
        const problems: string[] = [];
        for (const { plan, documents } of plans)
            for (const found of documents.filter((d) => d.trust))
                for (const statement of statementsOf(found.document))
                    for (const principal of Object.values(typeof statement.Principal === "object" ? statement.Principal : {}).flatMap((p) =>
                        asList(p),
                    ))
                        if (/:root$/.test(principal) && !JSON.stringify(statement.Condition ?? {}).includes("aws:PrincipalArn"))
                            problems.push(`${plan.label}: ${where(found)} trusts ${principal} without an aws:PrincipalArn condition`);
        assert.deepEqual(problems, []);
    });

    it("knows every trust policy: each one is an intended trust edge of the table", () => {
        const unknown: string[] = [];
        for (const { plan, documents } of plans) {
            const rows = new Map(intendedTrust(plan).map((row) => [row.roleArn, row]));
            for (const found of documents.filter((d) => d.trust))
                if (!rows.has(roleArnOf(found)))
                    unknown.push(
                        `${plan.label}: trust policy of ${roleArnOf(found)} (${where(found)}) is not an intended trust edge; declare it in tests/wiring/intendedTrust.ts`,
                    );
        }
        assert.deepEqual(unknown, []);
    });

    it("uses every row of the table in some plan, so the table holds no stale edge", () => {
        const used = new Set<string>();
        const all = new Set<string>();
        for (const { plan, documents } of plans) {
            const rows = new Map(intendedTrust(plan).map((row) => [row.roleArn, row]));
            for (const row of rows.values()) all.add(row.edge);
            for (const found of documents.filter((d) => d.trust)) {
                const row = rows.get(roleArnOf(found));
                if (row) used.add(row.edge);
            }
        }
        assert.deepEqual(
            [...all].filter((edge) => !used.has(edge)),
            [],
        );
    });

    it("makes no OIDC provider for a URL whose existing provider the config names (IAM allows one per URL per account)", () => {
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html
        const problems: string[] = [];
        let named = 0;
        for (const { plan } of plans) {
            const delivery = plan.values.delivery as { existingOidcProviders?: Record<string, string> } | undefined;
            for (const arn of Object.values(delivery?.existingOidcProviders ?? {})) {
                named++;
                const [, account = "", host = ""] = /^arn:[\w-]+:iam::(\d{12}):oidc-provider\/(.+)$/.exec(arn) ?? [];
                for (const provider of plan.run.registrations.filter(
                    (r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
                ))
                    if (provider.account === account && provider.inputs.url === `https://${host}`)
                        problems.push(`${plan.label}: makes ${provider.name} for ${host} in ${account}, where config names ${arn}`);
            }
        }
        assert.deepEqual(problems, []);
        assert.ok(named >= 4, `only ${named} existing providers are named: the generated main and member should name both`);
    });

    it("points each stack's Deployments at the deploy role its config names, one whose intended trust takes that stack's update token", () => {
        const problems: string[] = [];
        let checked = 0;
        for (const { plan } of plans.filter(({ plan }) => plan.stackRole === "deployments")) {
            const organization = String(plan.values.pulumiOrganization);
            const configured = plan.values.stacks as { name: string; accountId: string; deployerRoleName?: string }[];
            for (const stack of configured) {
                checked++;
                // The schema's default deployer name, as main's and the member stack's delivery.deployerRoleName.
                const expected = `arn:aws:iam::${stack.accountId}:role/${stack.deployerRoleName ?? "multi-account-ops-deployer"}`;
                const settings = plan.run.registrations.find(
                    (r) => r.type === "pulumiservice:index:DeploymentSettings" && r.inputs.stack === stack.name,
                );
                const oidc = (settings?.inputs.operationContext as { oidc?: { aws?: { roleARN?: string } } } | undefined)?.oidc;
                if (oidc?.aws?.roleARN !== expected) {
                    problems.push(`${plan.label}: ${stack.name} deploys as ${String(oidc?.aws?.roleARN)}, not ${expected}`);
                    continue;
                }
                const update = pulumiToken(organization, stack.name, "update");
                const trusted = plans.some(
                    ({ plan: other }) =>
                        other.stack === stack.name &&
                        intendedTrust(other).some(
                            (row) =>
                                row.roleArn === expected &&
                                row.callers.some((caller) => caller.kind === "oidc" && caller.subject === update),
                        ),
                );
                if (!trusted) problems.push(`${plan.label}: no plan of stack ${stack.name} has ${expected} taking ${update}`);
            }
        }
        assert.deepEqual(problems, []);
        assert.ok(checked >= 2, `only ${checked} deployment stacks were checked`);
    });

    it("points each fleet stack's Deployments at the fleet deploy role in that stack's own account, the role whose intended trust takes only that stack's tokens", () => {
        const problems: string[] = [];
        let checked = 0;
        for (const { plan } of plans.filter(({ plan }) => plan.stackRole === "deployments")) {
            const mainStack = (plan.values.fleet as { mainStack?: string } | undefined)?.mainStack;
            if (!mainStack) continue;
            const main = plans.find(
                ({ plan: other }) =>
                    other.stackRole === "main" &&
                    other.run.outputs.fleet &&
                    other.stack === mainStack.split("/").pop() &&
                    other.label.startsWith("generated") === plan.label.startsWith("generated"),
            )?.plan;
            if (!main) {
                problems.push(`${plan.label}: no planned main stack ${mainStack} with a fleet`);
                continue;
            }
            const fleet = main.values.fleet as { deployRoleName?: string };
            const roleName = fleet.deployRoleName ?? "multi-account-ops-fleet-deploy";
            // The table's row for the StackSet role: its callers are the stand-in account's own stack's tokens only.
            const row = intendedTrust(main).find((r) => r.roleArn === `arn:aws:iam::${stackSetAccount}:role/${roleName}`);
            const stacks = new Set((row?.callers ?? []).map((c) => (c.kind === "oidc" ? /:stack:([^:]+):/.exec(c.subject)?.[1] : c.kind)));
            if (!row || [...stacks].join() !== `member-${stackSetStandIn}`)
                problems.push(
                    `${main.label}: the fleet deploy role's row takes ${[...stacks].join(", ") || "nothing"}, not only member-${stackSetStandIn}`,
                );
            const accounts = (main.run.outputs.fleet as { accounts: { accountId: string; stack: string }[] }).accounts;
            for (const account of accounts) {
                checked++;
                const settings = plan.run.registrations.find(
                    (r) => r.type === "pulumiservice:index:DeploymentSettings" && r.inputs.stack === account.stack,
                );
                const oidc = (settings?.inputs.operationContext as { oidc?: { aws?: { roleARN?: string } } } | undefined)?.oidc;
                const expected = `arn:aws:iam::${account.accountId}:role/${roleName}`;
                if (oidc?.aws?.roleARN !== expected)
                    problems.push(`${plan.label}: ${account.stack} deploys as ${String(oidc?.aws?.roleARN)}, not ${expected}`);
            }
        }
        assert.deepEqual(problems, []);
        assert.ok(checked >= 6, `only ${checked} fleet stacks were checked`);
    });

    it("allows each intended caller and denies strangers, other organizations and unnamed principals (iam-simulate)", async () => {
        const problems: string[] = [];
        let allowed = 0;
        let denied = 0;
        for (const { plan, documents } of plans) {
            const rows = intendedTrust(plan);
            const byArn = new Map(rows.map((row) => [row.roleArn, row]));
            const everyCaller = [...new Map(rows.flatMap((row) => row.callers).map((caller) => [callerKey(caller), caller])).values()];
            for (const found of documents.filter((d) => d.trust)) {
                const roleArn = roleArnOf(found);
                const row = byArn.get(roleArn);
                if (!row) continue; // reported by the "knows every trust policy" test
                const trust = found.document as unknown as PolicyDocument;
                for (const caller of row.callers) {
                    allowed++;
                    const decision = await simulate(caller, roleArn, trust);
                    if (decision !== "Allowed")
                        problems.push(`${plan.label}: ${callerKey(caller)} should assume ${roleArn} (${row.edge}), got ${decision}`);
                }
                for (const { why, caller } of deniedCallers(row, plan, everyCaller, designStacks)) {
                    denied++;
                    const decision = await simulate(caller, roleArn, trust);
                    if (decision === "Allowed") problems.push(`${plan.label}: ${why}, ${callerKey(caller)}, may assume ${roleArn}`);
                }
            }
        }
        assert.deepEqual(problems, []);
        assert.ok(allowed > 40 && denied > 200, `too few simulations: ${allowed} allowed, ${denied} denied cases`);
    });
});
