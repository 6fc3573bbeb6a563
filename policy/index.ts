import { PolicyPack, type StackValidationPolicy } from "@pulumi/policy";
import { checkedProperties, plannedResources } from "./preview";
import { rules } from "./rules";

/** CrossGuard: fails a preview that breaks any rule in policy/rules.ts (`pulumi preview --policy-pack policy`). */
const policies: StackValidationPolicy[] = rules.map((rule) => ({
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    validateStack: (stack, reportViolation) => {
        // Unknown values (a first preview) are left out, not thrown: see policy/preview.ts.
        for (const violation of rule.check(plannedResources(stack.resources).resources)) reportViolation(violation);
    },
}));

policies.push({
    name: "unknown-during-preview",
    description: "Lists the checked properties whose values are unknown in this preview; the rules check them once they are known.",
    enforcementLevel: "advisory",
    validateStack: (stack, reportViolation) => {
        const { unknown } = plannedResources(stack.resources);
        for (const { resource, path } of unknown)
            if (checkedProperties.test(path)) reportViolation(`${resource}${path} is unknown during this preview: not checked yet`);
    },
});

new PolicyPack("multi-account-ops", { policies });
