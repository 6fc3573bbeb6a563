import { strict as assert } from "node:assert";
import * as path from "node:path";
import { planStack } from "../../offline/plan";
import { planResources, renderText } from "../../offline/render";
import { projectRoot } from "../helpers/program";

/**
 * tests/fixtures/Pulumi.acme.yaml was written from the README's quick start alone for a realistic
 * organization (main != management, 2 workload OUs, 5 members, 2 regions, OU sharing, a log-archive
 * bucket account). It planned on the first try; this checks the plan shows what was intended.
 */
describe("a new user's organization (tests/fixtures/Pulumi.acme.yaml)", function () {
    this.timeout(180_000);
    const fixture = path.join(projectRoot, "tests", "fixtures", "Pulumi.acme.yaml");

    it("plans, and the plan shows what was intended", async () => {
        const plan = await planStack("acme", projectRoot, fixture);
        const resources = planResources(plan.run.registrations);
        const providers = resources.filter((r) => r.type === "pulumi:providers:aws").map((r) => r.account);
        assert.deepEqual([...providers].sort(), [
            "100000000000",
            "100000000001",
            "100000000010",
            "200000000001",
            "200000000002",
            "300000000001",
            "300000000002",
        ]);
        // The inventory bucket and the Athena/Glue tables land in the log-archive account, in the home region.
        const bucket = resources.find((r) => r.type === "aws:s3/bucket:Bucket" && r.name.startsWith("inventory-bucket"));
        assert.equal(bucket?.account, "100000000010");
        assert.equal(bucket?.region, "ap-northeast-1");
        for (const table of resources.filter((r) => r.type === "aws:glue/catalogTable:CatalogTable"))
            assert.deepEqual([table.account, table.region], ["100000000010", "ap-northeast-1"], table.name);
        // Role B in the four workload members, not in log-archive (goldenAmi off there).
        const roleB = resources.filter((r) => r.type === "aws:iam/role:Role" && r.inputs.name === "LambdaExecutionRoleForSSMParam");
        assert.deepEqual(roleB.map((r) => r.account).sort(), ["200000000001", "200000000002", "300000000001", "300000000002"]);
        // The AMI is shared with the prod OU, and the org reader role is made in the management account.
        const distribution = resources.find((r) => r.type === "aws:imagebuilder/distributionConfiguration:DistributionConfiguration");
        assert.match(JSON.stringify(distribution?.inputs), /ou\/o-acme12345678\/ou-ac12-prodwrk1/);
        assert.ok(
            resources.some(
                (r) => r.type === "aws:iam/role:Role" && r.account === "100000000000" && r.inputs.name === "multi-account-ops-org-reader",
            ),
        );
        // prod-batch stays in its one region; the others get both.
        const vpcRegions = (account: string): (string | null)[] =>
            resources
                .filter((r) => r.type === "aws:ec2/vpc:Vpc" && r.account === account)
                .map((r) => r.region)
                .sort();
        assert.deepEqual(vpcRegions("300000000002"), ["ap-northeast-1"]);
        assert.deepEqual(vpcRegions("200000000001"), ["ap-northeast-1", "us-east-1"]);
        const text = renderText(plan.stack, plan.run.registrations, plan.accountLabels);
        assert.match(text, /^account 100000000000 \(management account\)$/m);
        assert.match(text, /^account 100000000010 \(member "log-archive"\)$/m);
    });
});
