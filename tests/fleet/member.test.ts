import { strict as assert } from "node:assert";
import type { ProgramRun } from "../../offline/recorder";
import { mainStackVariable } from "../../stacks/config/fleet";
import { ofType } from "../helpers/program";
import { fleetMainConfig, runFleetMember, runMain } from "./helpers";

describe("fleet mode: a fleet account's own stack (no config file)", function () {
    this.timeout(300_000);
    let mainOutputs: Record<string, unknown>;
    let run: ProgramRun;
    let overridden: ProgramRun;
    const requested: string[] = [];

    before(async () => {
        const values = fleetMainConfig({
            overrides: {
                "300000000002": {
                    regions: ["ap-northeast-1"],
                    features: { managedInstances: true },
                    managedInstances: { vpcCidr: "10.20.0.0/16", privateSubnetCidrs: ["10.20.2.0/24", "10.20.3.0/24"] },
                },
            },
            features: { managedInstances: false },
        });
        const main = await runMain(values, {
            "ou-ab12-fleet0001": [
                { id: "300000000001", name: "web" },
                { id: "300000000002", name: "analytics" },
            ],
        });
        mainOutputs = main.outputs;
        run = await runFleetMember("300000000001", mainOutputs, requested);
        overridden = await runFleetMember("300000000002", mainOutputs);
    });

    it("finds the main stack by convention: <its Pulumi organization>/multi-account-ops/main", () => {
        assert.deepEqual([...new Set(requested)], ["my-org/multi-account-ops/main"]);
        assert.equal(run.outputs.mainStack, "my-org/multi-account-ops/main");
    });

    it("deploys only its own account, through one provider that allows only that account", () => {
        const providers = ofType(run, "pulumi:providers:aws");
        assert.equal(providers.length, 1);
        assert.deepEqual(providers[0].inputs.allowedAccountIds, ["300000000001"]);
        assert.equal(providers[0].inputs.assumeRoles, undefined);
        for (const r of run.registrations.filter((x) => x.custom && x.type.startsWith("aws:"))) assert.equal(r.account, "300000000001");
    });

    it("creates role B and the execution role itself, trusting the hub's roles from main's outputs; no hub deploy roles", () => {
        const roles = ofType(run, "aws:iam/role:Role");
        const byName = (name: string) => roles.find((r) => r.inputs.name === name);
        const roleB = byName("LambdaExecutionRoleForSSMParam");
        assert.ok(roleB);
        assert.match(String(roleB.inputs.assumeRolePolicy), /arn:aws:iam::111111111111:role\/multi-account-ops-ami-publisher/);
        const execution = byName("AWS-SystemsManager-AutomationExecutionRole");
        assert.ok(execution);
        assert.match(String(execution.inputs.assumeRolePolicy), /AWS-SystemsManager-AutomationAdministrationRole/);
        // Its deploy role comes from the fleet StackSet (Deployments' OIDC), never from the hub's deployer.
        assert.equal(byName("multi-account-ops-deploy"), undefined);
        assert.equal(byName("multi-account-ops-read-only"), undefined);
        assert.ok(!JSON.stringify(run.outputs.features).includes("delivery"));
    });

    it("takes the fleet's settings from main: regions, capabilities (managed instances off here)", () => {
        assert.deepEqual(run.outputs.regions, ["ap-northeast-1", "us-east-1"]);
        assert.equal(ofType(run, "aws:ec2/vpc:Vpc").length, 0);
        const associations = ofType(run, "aws:ssm/association:Association");
        assert.deepEqual(associations.map((a) => a.region).sort(), ["ap-northeast-1", "us-east-1"]);
    });

    it("applies its account's override from main's config: one region, managed instances on with its own CIDR", () => {
        assert.deepEqual(overridden.outputs.regions, ["ap-northeast-1"]);
        const vpcs = ofType(overridden, "aws:ec2/vpc:Vpc");
        assert.equal(vpcs.length, 1);
        assert.equal(vpcs[0].inputs.cidrBlock, "10.20.0.0/16");
        assert.equal(vpcs[0].account, "300000000002");
    });

    it("refuses to run for an account that is not in the fleet, saying why", async () => {
        await assert.rejects(
            runFleetMember("300000000099", mainOutputs),
            /account 300000000099 is not in the fleet of my-org\/multi-account-ops\/main/,
        );
    });

    it("refuses a main stack without a fleet", async () => {
        const withoutFleet = Object.fromEntries(Object.entries(mainOutputs).filter(([key]) => key !== "fleet"));
        await assert.rejects(runFleetMember("300000000001", withoutFleet), /exports no "fleet" output: turn fleet.enabled on/);
    });

    it("reads another main stack when MULTI_ACCOUNT_OPS_MAIN_STACK names it", async () => {
        const asked: string[] = [];
        process.env[mainStackVariable] = "platform/multi-account-ops/hub";
        try {
            await runFleetMember("300000000001", mainOutputs, asked);
        } finally {
            delete process.env[mainStackVariable];
        }
        assert.deepEqual([...new Set(asked)], ["platform/multi-account-ops/hub"]);
    });
});
