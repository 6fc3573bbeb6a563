import { strict as assert } from "node:assert";
import { defaultHostManagementTrust, instanceRoleTrust } from "../../components/managedInstances/policies";
import type { ProgramRun } from "../../offline/recorder";
import { renderText } from "../../offline/render";
import { decide } from "../helpers/iam";
import { exampleConfig, named, ofType, runProgram } from "../helpers/program";

function withSampleInstances(): Record<string, unknown> {
    const config = exampleConfig("main");
    const settings = config.managedInstances as Record<string, Record<string, unknown>>;
    settings.sampleInstance = { ...settings.sampleInstance, enabled: true };
    return config;
}

describe("managed instances under mocks (two accounts, two regions)", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram("main", withSampleInstances());
    });
    const endpoints = (): ReturnType<typeof ofType> =>
        ofType(run, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface");

    it("builds each endpoint's service name from its own region, with private DNS on", () => {
        const seen = new Set<string>();
        for (const endpoint of endpoints()) {
            const [, , region, service] = String(endpoint.inputs.serviceName).split(".");
            assert.equal(region, endpoint.region, `${endpoint.name} names another region`);
            assert.equal(endpoint.inputs.privateDnsEnabled, true);
            seen.add(`${endpoint.account}/${endpoint.region}/${service}`);
        }
        for (const account of ["222222222222", "333333333333"]) {
            for (const region of ["ap-northeast-1", "us-east-1"]) {
                for (const service of ["ssm", "ssmmessages", "ec2messages"])
                    assert.ok(seen.has(`${account}/${region}/${service}`), `${account}/${region}/${service}`);
            }
        }
        assert.ok(![...seen].some((key) => key.startsWith("444444444444/")), "prod has managed instances switched off");
    });

    it("lets the endpoint security group take nothing but HTTPS from the VPC CIDR", () => {
        const groups = ofType(run, "aws:ec2/securityGroup:SecurityGroup").filter((g) => g.name.endsWith("-endpoints"));
        assert.equal(groups.length, 4);
        for (const group of groups) {
            const expectedCidr = group.name === "staging-managed-instances-us-east-1-endpoints" ? "172.16.0.0/16" : "10.0.0.0/16";
            assert.deepEqual(group.inputs.ingress, [
                { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [expectedCidr], description: "HTTPS from the VPC" },
            ]);
            assert.deepEqual(group.inputs.egress, []);
        }
    });

    it("gives the sample instance no public IP, IMDSv2 and an encrypted gp3 root volume", () => {
        const instances = ofType(run, "aws:ec2/instance:Instance");
        assert.equal(instances.length, 4);
        for (const instance of instances) {
            assert.equal(instance.inputs.associatePublicIpAddress, false);
            assert.equal((instance.inputs.metadataOptions as Record<string, unknown>).httpTokens, "required");
            assert.deepEqual(instance.inputs.rootBlockDevice, {
                encrypted: true,
                volumeType: "gp3",
                volumeSize: 8,
                deleteOnTermination: true,
            });
            assert.equal(instance.inputs.iamInstanceProfile, "multi-account-ops-ssm-instance");
            assert.equal(instance.inputs.ami, "ami-0123456789abcdef0");
        }
    });

    it("creates no VPC where an existing network is configured", () => {
        const vpcs = ofType(run, "aws:ec2/vpc:Vpc").map((v) => `${v.account}/${v.region}`);
        assert.deepEqual(vpcs.sort(), ["222222222222/ap-northeast-1", "222222222222/us-east-1", "333333333333/ap-northeast-1"]);
        const existing = ofType(run, "aws:ec2/vpcEndpoint:VpcEndpoint").filter(
            (e) => e.account === "333333333333" && e.region === "us-east-1",
        );
        assert.ok(existing.length > 0 && existing.every((e) => e.inputs.vpcId === "vpc-0123456789abcdef0"));
        const internetPaths = run.registrations.filter((r) =>
            /^aws:ec2\/(internetGateway|natGateway|eip|egressOnlyInternetGateway):/.test(r.type),
        );
        assert.deepEqual(internetPaths, [], "no internet gateway, NAT gateway or public address");
    });

    it("points Default Host Management at its role in each region, and creates the roles once per account", () => {
        const settings = ofType(run, "aws:ssm/serviceSetting:ServiceSetting").filter((s) =>
            String(s.inputs.settingId).endsWith("default-ec2-instance-management-role"),
        );
        assert.equal(settings.length, 4);
        const staging = named(run, "aws:ssm/serviceSetting:ServiceSetting", "staging-managed-instances-default-host-management-us-east-1");
        assert.equal(
            staging.inputs.settingId,
            "arn:aws:ssm:us-east-1:333333333333:servicesetting/ssm/managed-instance/default-ec2-instance-management-role",
        );
        assert.equal(staging.inputs.settingValue, "multi-account-ops-default-host-management");
        const instanceRoles = ofType(run, "aws:iam/role:Role").filter((r) => r.inputs.name === "multi-account-ops-ssm-instance");
        assert.deepEqual(instanceRoles.map((r) => r.account).sort(), ["222222222222", "333333333333"]);
    });

    it("shows the three endpoints under the member's account and each region in the plan text", () => {
        const text = renderText("main", run.registrations, new Map([["222222222222", 'member "dev"']]));
        const devBlock = text.slice(text.indexOf('account 222222222222 (member "dev")'), text.indexOf("account 333333333333"));
        for (const region of ["ap-northeast-1", "us-east-1"]) {
            const regionBlock = devBlock.slice(devBlock.indexOf(`  ${region}\n`));
            for (const service of ["ssm", "ssmmessages", "ec2messages"]) {
                assert.match(
                    regionBlock,
                    new RegExp(
                        `aws:ec2/vpcEndpoint:VpcEndpoint  dev-managed-instances-${region}-${service} .*serviceName=com\\.amazonaws\\.${region}\\.${service} `,
                    ),
                );
            }
        }
    });
});

describe("managed instance policies (iam-simulate)", () => {
    const instanceRole = "arn:aws:iam::222222222222:role/multi-account-ops-ssm-instance";
    const hostRole = "arn:aws:iam::222222222222:role/multi-account-ops-default-host-management";
    const assume = (principal: string, roleArn: string, trust = instanceRoleTrust()): Promise<string> =>
        decide({ principal, action: "sts:AssumeRole", resource: roleArn, resourceAccount: "222222222222", resourcePolicy: trust });

    it("lets EC2 assume the instance role, and not Lambda or another account", async () => {
        assert.equal(await assume("ec2.amazonaws.com", instanceRole), "Allowed");
        assert.equal(await assume("lambda.amazonaws.com", instanceRole), "ImplicitlyDenied");
        assert.equal(await assume("arn:aws:iam::888888888888:role/admin", instanceRole), "ImplicitlyDenied");
    });

    it("lets only Systems Manager assume the Default Host Management role", async () => {
        assert.equal(await assume("ssm.amazonaws.com", hostRole, defaultHostManagementTrust()), "Allowed");
        assert.equal(await assume("ec2.amazonaws.com", hostRole, defaultHostManagementTrust()), "ImplicitlyDenied");
        assert.equal(await assume("arn:aws:iam::222222222222:role/admin", hostRole, defaultHostManagementTrust()), "ImplicitlyDenied");
    });
});
