import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

/** CrossGuard: fails a preview that breaks any rule in policy/rules.ts (`pulumi preview --policy-pack policy`). */
new PolicyPack("multi-account-ops", { policies });
