import { strict as assert } from "node:assert";
import { renderText } from "../../offline/render";
import { trustEdges } from "../../offline/trust";
import { exampleConfig, runProgram } from "../helpers/program";

describe("trust edges of roles a StackSet creates", () => {
    it("shows publisher -> role B and deployer -> member deploy role, labelled with the StackSet's OUs", async () => {
        const config = exampleConfig("main") as Record<string, unknown> & {
            members: Record<string, unknown>[];
            memberStacks: Record<string, unknown>[];
            goldenAmi: Record<string, unknown>;
            delivery: { organizationalUnitIds: string[] };
        };
        config.goldenAmi.roleStackSet = { enabled: true, organizationalUnitIds: ["ou-ab12-11111111", "ou-ab12-22222222"] };
        for (const member of [...config.members, ...config.memberStacks]) member.organizationalUnitId = "ou-ab12-33333333";
        // The example leaves main's delivery StackSet off (the bootstrap stack makes those roles): turn it on here.
        config.delivery.organizationalUnitIds = ["ou-ab12-44444444"];
        const run = await runProgram("main", config);
        const edges = trustEdges(run.registrations);
        const roleB = edges.find((e) => e.role === "arn:aws:iam::<account>:role/LambdaExecutionRoleForSSMParam");
        assert.deepEqual(roleB, {
            principal: "arn:aws:iam::111111111111:role/multi-account-ops-ami-publisher",
            role: "arn:aws:iam::<account>:role/LambdaExecutionRoleForSSMParam",
            conditions: ["StringEquals aws:PrincipalOrgID"],
            via: "via StackSet, every account of ou-ab12-11111111, ou-ab12-22222222",
        });
        const ous = config.delivery.organizationalUnitIds.join(", ");
        const text = renderText("main", run.registrations, new Map());
        assert.ok(
            text.includes(
                `  arn:aws:iam::111111111111:role/multi-account-ops-deployer -> arn:aws:iam::<account>:role/multi-account-ops-deploy  [StringEquals aws:PrincipalOrgID]  (via StackSet, every account of ${ous})`,
            ),
            text.slice(text.indexOf("trust edges")),
        );
        assert.ok(
            text.includes(
                "-> arn:aws:iam::<account>:role/LambdaExecutionRoleForSSMParam  [StringEquals aws:PrincipalOrgID]  (via StackSet, every account of ou-ab12-11111111, ou-ab12-22222222)",
            ),
        );
    });
});
