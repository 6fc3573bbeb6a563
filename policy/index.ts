import { PolicyPack, type StackValidationPolicy } from "@pulumi/policy";
import { rules } from "./rules";

/** CrossGuard: fails a preview that breaks any rule in policy/rules.ts (`pulumi preview --policy-pack policy`). */
const policies: StackValidationPolicy[] = rules.map((rule) => ({
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    validateStack: (stack, reportViolation) => {
        const resources = stack.resources.map((resource) => ({
            type: resource.type,
            name: resource.name,
            props: resource.props as Record<string, unknown>,
        }));
        for (const violation of rule.check(resources)) reportViolation(violation);
    },
}));

new PolicyPack("multi-account-ops", { policies });
