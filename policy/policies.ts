import type { Policy, PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { rules, type PlannedResource } from "./rules";

function planned(resource: PolicyResource): PlannedResource {
    return {
        type: resource.type,
        name: resource.name,
        props: resource.props as Record<string, unknown>,
        urn: resource.urn,
        propertyDependencies: Object.fromEntries(
            Object.entries(resource.propertyDependencies).map(([property, dependencies]) => [property, dependencies.map((d) => d.urn)]),
        ),
    };
}

/**
 * The pack's policies, all mandatory: single-resource rules as resource policies (re-checked on resolved
 * inputs right before each resource is created, wherever the pack runs on `up`), cross-resource rules as stack policies.
 */
export const policies: Policy[] = rules.map((rule): ResourceValidationPolicy | StackValidationPolicy =>
    rule.kind === "resource"
        ? {
              name: rule.name,
              description: rule.description,
              enforcementLevel: "mandatory",
              validateResource: (args, reportViolation) => {
                  if (!rule.types.includes(args.type)) return;
                  for (const violation of rule.validate({ type: args.type, name: args.name, props: args.props as Record<string, unknown> }))
                      reportViolation(violation);
              },
          }
        : {
              name: rule.name,
              description: rule.description,
              enforcementLevel: "mandatory",
              validateStack: (stack, reportViolation) => {
                  for (const violation of rule.check(stack.resources.map(planned))) reportViolation(violation);
              },
          },
);
