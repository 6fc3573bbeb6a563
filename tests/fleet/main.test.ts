import { strict as assert } from "node:assert";
import type { PolicyDocument } from "../../components/iam";
import type { ProgramRun } from "../../offline/recorder";
import { StackConfigError } from "../../stacks/config/load";
import type { FleetOutputs } from "../../stacks/fleet";
import { allowEverything, decide, withSimulatableIssuer } from "../helpers/iam";
import { exampleConfig, named, ofType, policyOf, runProgram } from "../helpers/program";
import { fleetMainConfig, fleetOfSize, fleetOu, otherOu, runMain } from "./helpers";

const main = "111111111111";
const org = "o-exampleorg1";
const management = "999999999999";

/** Every resource of a run, by type and name, without the fleet's own outputs. */
function resourceKeys(run: ProgramRun): string[] {
    return run.registrations.filter((r) => r.custom).map((r) => `${r.type} ${r.name}`);
}

function inlinePolicy(run: ProgramRun, roleName: string, policyName: string): PolicyDocument {
    const role = ofType(run, "aws:iam/role:Role").find((r) => r.inputs.name === roleName);
    assert.ok(role, `no role ${roleName}`);
    const inline = (role.inputs.inlinePolicies as { name: string; policy: string }[] | undefined)?.find((p) => p.name === policyName);
    if (inline) return JSON.parse(inline.policy) as PolicyDocument;
    const attached = ofType(run, "aws:iam/rolePolicy:RolePolicy").find((r) => r.inputs.role === roleName && r.inputs.name === policyName);
    assert.ok(attached, `no inline policy ${policyName} on ${roleName}`);
    return policyOf(attached) as unknown as PolicyDocument;
}

describe("fleet mode: the main stack", function () {
    // Several whole-program runs per test on a shared machine.
    this.timeout(300_000);
    let small: ProgramRun;
    let large: ProgramRun;

    before(async () => {
        // Everything about the hub must be the same for 5 and 50 accounts below the OU.
        small = await runMain(fleetMainConfig(), fleetOfSize(5));
        large = await runMain(fleetMainConfig(), fleetOfSize(50));
    });

    it("registers exactly the same resources for a fleet of 5 and of 50 (the hub does not grow)", () => {
        assert.deepEqual(resourceKeys(large), resourceKeys(small));
        // …and the documents don't grow either: no input lists the fleet's accounts.
        const largeInputs = JSON.stringify(large.registrations.map((r) => r.inputs));
        assert.ok(!largeInputs.includes("300000000049"), "an account of the fleet appears in a main-stack resource");
    });

    it("exports the discovered accounts: ACTIVE ones of the OU, not the hub's members, the main or management account", async () => {
        const organization = {
            [fleetOu]: [
                { id: "300000000001", name: "a" },
                { id: "300000000002", name: "closed", state: "SUSPENDED" },
                { id: "222222222222", name: "dev (hub member)" },
                { id: "555555555555", name: "sandbox (its own member stack)" },
                { id: main, name: "main" },
                { id: management, name: "management" },
                { id: "300000000003", name: "excluded" },
                { id: "300000000004", name: "nested", nested: true },
            ],
        };
        const run = await runMain(fleetMainConfig({ excludeAccountIds: ["300000000003"], accountIds: ["300000000099"] }), organization);
        const fleet = run.outputs.fleet as FleetOutputs;
        assert.deepEqual(
            fleet.accounts.map((a) => a.accountId),
            ["300000000001", "300000000004", "300000000099"],
        );
        assert.equal(fleet.accounts[0].stack, "member-300000000001");
        // Direct children only: the nested account drops out (and, without the exclusion, 300000000003 is in).
        const children = await runMain(fleetMainConfig({ includeNestedOus: false }), organization);
        assert.deepEqual(
            (children.outputs.fleet as FleetOutputs).accounts.map((a) => a.accountId),
            ["300000000001", "300000000003"],
        );
    });

    it("puts canaries first, named or from a canary OU", async () => {
        const organization = { ...fleetOfSize(4), [otherOu]: [{ id: "300000000003", name: "fleet-3" }] };
        const run = await runMain(
            fleetMainConfig({ canary: { accountIds: ["300000000002"], organizationalUnitIds: [otherOu] } }),
            organization,
        );
        const accounts = (run.outputs.fleet as FleetOutputs).accounts;
        assert.deepEqual(
            accounts.map((a) => [a.accountId, a.canary]),
            [
                ["300000000002", true],
                ["300000000003", true],
                ["300000000000", false],
                ["300000000001", false],
            ],
        );
    });

    it("fails the plan, naming the OU, when nothing answers for a fleet OU", async () => {
        await assert.rejects(runMain(fleetMainConfig(), {}), /no accounts are known for ou-ab12-fleet0001/);
    });

    it("shares the golden AMI with the fleet OU by ARN, and role A reaches role B below it by organization path", () => {
        const pipeline = ofType(small, "aws:imagebuilder/distributionConfiguration:DistributionConfiguration")[0];
        const distributions = pipeline.inputs.distributions as {
            amiDistributionConfiguration: { launchPermission: { organizationalUnitArns?: string[] } };
        }[];
        for (const d of distributions)
            assert.ok(
                d.amiDistributionConfiguration.launchPermission.organizationalUnitArns?.includes(
                    `arn:aws:organizations::${management}:ou/${org}/${fleetOu}`,
                ),
            );
        const roleA = inlinePolicy(small, "multi-account-ops-ami-publisher", "publish-latest-ami");
        const ouStatement = roleA.Statement.find((s) => s.Sid === "AssumeParameterWriterRolesInSharedOUs");
        assert.deepEqual(ouStatement?.Condition, { "ForAnyValue:StringLike": { "aws:ResourceOrgPaths": [`${org}/*/${fleetOu}/*`] } });
    });

    describe("the Automation administration role (iam-simulate, the plan's own document)", () => {
        const adminRole = `arn:aws:iam::${main}:role/AWS-SystemsManager-AutomationAdministrationRole`;
        const execution = (account: string, name = "AWS-SystemsManager-AutomationExecutionRole"): string =>
            `arn:aws:iam::${account}:role/${name}`;
        const assume = (document: PolicyDocument, target: string, paths: string[]): Promise<string> =>
            decide({
                principal: adminRole,
                action: "sts:AssumeRole",
                resource: target,
                resourceAccount: target.split(":")[4],
                identityPolicies: [document],
                resourcePolicy: {
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { AWS: adminRole }, Action: "sts:AssumeRole" }],
                },
                context: { "aws:ResourceOrgPaths": paths },
            });

        it("may assume the execution role in an account below the fleet OU (nested too), a fleet stack's role", async () => {
            const document = inlinePolicy(small, "AWS-SystemsManager-AutomationAdministrationRole", "assume-execution-roles");
            assert.equal(await assume(document, execution("300000000001"), [`${org}/r-ab12/${fleetOu}/`]), "Allowed");
            assert.equal(
                await assume(document, execution("300000000001"), [`${org}/r-ab12/ou-ab12-parent01/${fleetOu}/ou-ab12-child001/`]),
                "Allowed",
            );
        });
        it("may not assume it in an account of another OU, nor another role below the fleet OU", async () => {
            const document = inlinePolicy(small, "AWS-SystemsManager-AutomationAdministrationRole", "assume-execution-roles");
            assert.equal(await assume(document, execution("300000000001"), [`${org}/r-ab12/${otherOu}/`]), "ImplicitlyDenied");
            assert.equal(await assume(document, execution("300000000001", "Admin"), [`${org}/r-ab12/${fleetOu}/`]), "ImplicitlyDenied");
        });
    });

    it("lets Athena project the fleet's accounts from the query (injected), and every named query names its accounts", () => {
        for (const table of ofType(small, "aws:glue/catalogTable:CatalogTable")) {
            const parameters = table.inputs.parameters as Record<string, string>;
            assert.equal(parameters["projection.accountid.type"], "injected");
            assert.equal(parameters["projection.accountid.values"], undefined);
        }
        const queries = ofType(small, "aws:athena/namedQuery:NamedQuery");
        assert.ok(queries.length > 0);
        for (const query of queries) assert.match(String(query.inputs.query), /WHERE accountid IN \(/);
    });

    describe("the bootstrap StackSet: each fleet account's deploy role trusts only its own stack", () => {
        /** What CloudFormation makes of the template in one account: Fn::Sub with that account's pseudo parameters. */
        function trustIn(run: ProgramRun, account: string): PolicyDocument {
            const stackSet = named(run, "aws:cloudformation/stackSet:StackSet", "fleet-bootstrap-stack-set");
            const template = JSON.parse(String(stackSet.inputs.templateBody)) as {
                Resources: { DeployRole: { Properties: { AssumeRolePolicyDocument: unknown } } };
            };
            const resolve = (value: unknown): unknown => {
                if (Array.isArray(value)) return value.map(resolve);
                if (typeof value === "object" && value !== null) {
                    const sub = (value as { "Fn::Sub"?: string })["Fn::Sub"];
                    if (typeof sub === "string") return sub.split("${AWS::AccountId}").join(account).split("${AWS::Partition}").join("aws");
                    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
                }
                return value;
            };
            return resolve(template.Resources.DeployRole.Properties.AssumeRolePolicyDocument) as PolicyDocument;
        }
        const subject = (stack: string, operation: string, organization = "my-org"): string =>
            `pulumi:deploy:org:${organization}:project:multi-account-ops:stack:${stack}:operation:${operation}:scope:write`;
        const withToken = (account: string, aud: string, sub: string): Promise<string> =>
            decide({
                principal: `arn:aws:iam::${account}:oidc-provider/api.pulumi.com/oidc`,
                action: "sts:AssumeRoleWithWebIdentity",
                resource: `arn:aws:iam::${account}:role/multi-account-ops-fleet-deploy`,
                resourceAccount: account,
                resourcePolicy: withSimulatableIssuer(trustIn(small, account)),
                context: withSimulatableIssuer({ "api.pulumi.com/oidc:aud": aud, "api.pulumi.com/oidc:sub": sub }),
            });

        it("targets the fleet OUs from the management account, one StackSet whatever the fleet's size", () => {
            const instances = named(small, "aws:cloudformation/stackSetInstance:StackSetInstance", "fleet-bootstrap-instances");
            assert.deepEqual((instances.inputs.deploymentTargets as { organizationalUnitIds: string[] }).organizationalUnitIds, [fleetOu]);
            assert.equal(instances.account, management);
        });
        it("lets member-<X>'s deployments and drift runs assume the role in X", async () => {
            assert.equal(await withToken("300000000001", "my-org", subject("member-300000000001", "update")), "Allowed");
            assert.equal(await withToken("300000000001", "my-org", subject("member-300000000001", "detect-drift")), "Allowed");
        });
        it("denies another account's stack, the main stack, a preview, and another Pulumi organization", async () => {
            assert.equal(await withToken("300000000001", "my-org", subject("member-300000000002", "update")), "ImplicitlyDenied");
            assert.equal(await withToken("300000000001", "my-org", subject("main", "update")), "ImplicitlyDenied");
            assert.equal(await withToken("300000000001", "my-org", subject("member-300000000001", "preview")), "ImplicitlyDenied");
            assert.equal(
                await withToken("300000000001", "other-org", subject("member-300000000001", "update", "other-org")),
                "ImplicitlyDenied",
            );
        });
        it("is not a principal anyone else can use: a role with admin rights in the account is denied", async () => {
            const decision = await decide({
                principal: "arn:aws:iam::300000000001:role/admin",
                action: "sts:AssumeRole",
                resource: "arn:aws:iam::300000000001:role/multi-account-ops-fleet-deploy",
                resourceAccount: "300000000001",
                identityPolicies: [allowEverything],
                resourcePolicy: withSimulatableIssuer(trustIn(small, "300000000001")),
            });
            assert.equal(decision, "ImplicitlyDenied");
        });
    });

    describe("config checks", () => {
        const problemsOf = async (values: Record<string, unknown>): Promise<string> => {
            try {
                await runProgram("main", values, { organizationalUnits: fleetOfSize(1) });
            } catch (error) {
                // The program's modules are loaded afresh for each run, so compare the class by name.
                if (error instanceof Error && error.name === StackConfigError.name) return error.message;
                throw error;
            }
            assert.fail("the config was accepted");
        };
        it("a fleet with neither OU nor account", async () => {
            assert.match(
                await problemsOf(fleetMainConfig({ organizationalUnitIds: [] })),
                /fleet.organizationalUnitIds \[\] must list at least one OU/,
            );
        });
        it("an account run both by the hub and by its own stack", async () => {
            assert.match(
                await problemsOf(fleetMainConfig({ accountIds: ["222222222222"] })),
                /fleet.accountIds\[0\] "222222222222" is already members\[0\]: an account is run by the hub, by its own member stack or by its fleet stack, never two of them/,
            );
        });
        it("a member stack named like a fleet stack, a fleet canary run by its own member stack, delivery as a fleet capability, all at once", async () => {
            const values = fleetMainConfig({ canary: { accountIds: ["555555555555"] }, features: { delivery: true } });
            values.memberStacks = [{ accountId: "555555555555", name: "sandbox", stack: "member-555555555555" }];
            const message = await problemsOf(values);
            assert.match(message, /3 problems/);
            assert.match(message, /fleet.canary.accountIds\[0\] "555555555555" is already memberStacks\[0\]/);
            assert.match(message, /memberStacks\[0\].stack "member-555555555555" has a fleet stack's name/);
            assert.match(message, /fleet.features.delivery true is not a fleet capability/);
        });
        it("the deploy roles' StackSet without a Pulumi organization to trust", async () => {
            const values = fleetMainConfig();
            values.delivery = { enabled: false };
            assert.match(
                await problemsOf(values),
                /fleet.bootstrap.enabled \(the default\) needs delivery.enabled true and delivery.pulumiOrganization/,
            );
        });
        it("a fleet capability the hub has off", async () => {
            const values = fleetMainConfig({ overrides: { "300000000000": { features: { automation: true } } } });
            values.automation = { ...(values.automation as object), enabled: false };
            assert.match(await problemsOf(values), /fleet.overrides.300000000000.features.automation true needs automation.enabled true/);
        });
        it("no members and no fleet; but a fleet alone is enough", async () => {
            const none = exampleConfig("main");
            none.members = [];
            none.fleet = { enabled: false };
            assert.match(await problemsOf(none), /members must list at least one member account \(or turn fleet.enabled on\)/);
            const fleetOnly = fleetMainConfig();
            fleetOnly.members = [];
            const run = await runMain(fleetOnly, fleetOfSize(2));
            assert.equal((run.outputs.fleet as FleetOutputs).accounts.length, 2);
        });
    });
});
