import { strict as assert } from "node:assert";
import { unknown } from "@pulumi/pulumi/output";
import { UnknownValueError, unknownCheckingProxy } from "@pulumi/policy";
import * as policyProxy from "@pulumi/policy/proxy";
import { runUnderMocks, type ProgramRun, type Registration } from "../../offline/recorder";
import { planResources } from "../../offline/render";
import { rules, type PlannedResource } from "../../policy/rules";
import { configNamespace } from "../../stacks/config/load";
import { wiringPlans, type WiringPlan } from "./plans";

/**
 * A first preview: nothing exists yet, so every computed output (ARNs, IDs, and the documents built
 * from them) is unknown. Pulumi's mocks model this with a dry run (`setMocks(..., preview = true)`)
 * in which an output the mock does not return is unknown (@pulumi/pulumi runtime/rpc.ts
 * deserializeProperty; "Unit testing Pulumi programs", https://www.pulumi.com/docs/iac/guides/testing/unit/).
 */

/** Unknown inputs reach the mock monitor as the runtime's `unknown` sentinel (kept by the recorder). */
function hasUnknown(value: unknown): boolean {
    if (value === unknown) return true;
    if (Array.isArray(value)) return value.some(hasUnknown);
    if (typeof value === "object" && value !== null) return Object.values(value).some(hasUnknown);
    return false;
}

/** CrossGuard's sentinel for an unknown string (internal to @pulumi/policy, so not in its typings). */
const unknownStringValue = (policyProxy as unknown as { unknownStringValue: string }).unknownStringValue;

/** How CrossGuard hands the props to a stack policy: unknowns as its typed sentinels, behind its checking proxy. */
function asCrossGuardProps(value: unknown): unknown {
    if (value === unknown) return unknownStringValue;
    if (Array.isArray(value)) return value.map(asCrossGuardProps);
    if (typeof value === "object" && value !== null)
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asCrossGuardProps(v)]));
    return value;
}

const shape = (registrations: readonly Registration[]): string[] =>
    planResources(registrations)
        .map((r) => `${r.type} ${r.name}`)
        .sort();

describe("a first preview: every computed output unknown", function () {
    this.timeout(600_000);
    let known: WiringPlan;
    let preview: ProgramRun;

    before(async () => {
        const plans = await wiringPlans();
        const found = plans.find((plan) => plan.label === "generated: every option on (main)");
        if (!found) throw new Error("the every-option main plan is missing");
        known = found;
        preview = await runUnderMocks({
            stack: "main",
            config: Object.fromEntries(
                Object.entries(known.values).map(([key, value]) => [
                    `${configNamespace}:${key}`,
                    typeof value === "string" ? value : JSON.stringify(value),
                ]),
            ),
            ambientAccount: known.values.mainAccountId as string,
            preview: true,
        });
    });

    it("registers exactly the resources the known plan has: no component throws or drops a resource on unknowns", () => {
        assert.deepEqual(shape(preview.registrations), shape(known.run.registrations));
    });

    it("really sees unknowns: ARN-built documents are unknown", () => {
        const unknownDocuments = preview.registrations.filter(
            (r) => r.type === "aws:iam/role:Role" && hasUnknown(r.inputs.assumeRolePolicy ?? null),
        );
        const roleB = preview.registrations.filter((r) => r.name.endsWith("ami-parameter-writer-role"));
        assert.ok(
            roleB.length > 0 && roleB.every((r) => hasUnknown(r.inputs.assumeRolePolicy ?? null)),
            "role B's trust should depend on the publisher's unknown ARN",
        );
        assert.ok(unknownDocuments.length >= 3, `only ${unknownDocuments.length} trust policies were unknown`);
    });

    it("runs every policy-pack rule on the unknowns (no UnknownValueError, which would downgrade it to advisory) and reports nothing the known plan does not", () => {
        // As CrossGuard hands them over (policy/policies.ts): the URN and each input's dependencies, which
        // the engine knows even when the value is unknown; stack rules link resources through them.
        const dependenciesOf = new Map(preview.registrations.map((r) => [r.urn, r.propertyDependencies]));
        const stack: PlannedResource[] = planResources(preview.registrations).map((r) => ({
            type: r.type,
            name: r.name,
            urn: r.urn,
            propertyDependencies: dependenciesOf.get(r.urn) ?? {},
            props: unknownCheckingProxy(asCrossGuardProps(r.inputs) as Record<string, unknown>),
        }));
        const knownStack: PlannedResource[] = planResources(known.run.registrations).map((r) => ({
            type: r.type,
            name: r.name,
            props: r.inputs,
        }));
        const knownViolations = rules.flatMap((rule) => rule.check(knownStack));
        for (const rule of rules) {
            const violations = rule.check(stack);
            for (const violation of violations)
                assert.ok(knownViolations.includes(violation), `${rule.name}: ${violation} appears only when values are unknown`);
        }
        // The proxy really guards the unknowns: reading role B's trust directly throws, as in CrossGuard.
        const roleB = stack.find((r) => r.name.endsWith("ami-parameter-writer-role"));
        assert.ok(roleB, "role B is in the preview");
        // (@pulumi/policy's message: "string value at .assumeRolePolicy can't be known during preview").
        assert.throws(() => String(roleB.props.assumeRolePolicy), UnknownValueError);
    });
});
