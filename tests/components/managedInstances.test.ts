import { strict as assert } from "node:assert";
import type { PolicyDocument } from "../../components/iam";
import { defaultHostManagementTrust, instanceRoleTrust } from "../../components/managedInstances/policies";
import type { ProgramRun } from "../../offline/recorder";
import { renderText } from "../../offline/render";
import { allowEverything, decide, withSimulatableEncryptionContext, type Decision } from "../helpers/iam";
import { exampleConfig, named, ofType, policyOf, runProgram } from "../helpers/program";

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

/**
 * Session Manager on the plan: the preferences document requires KMS encryption and CloudWatch streaming,
 * so whichever role an instance runs under (its instance profile, or the Default Host Management role when it
 * has none) must use the plan's own key and log group. Documents, ARNs and names all come from the plan and
 * the stack config.
 */
describe("Session Manager permissions on the plan (iam-simulate)", () => {
    const config = exampleConfig("main");
    const prefix = config.namePrefix as string;
    const accounts = [
        { account: "222222222222", name: "dev" },
        { account: "333333333333", name: "staging" },
    ];
    const regions = [config.homeRegion as string, ...(config.extraRegions as string[])];
    const stranger = "888888888888";
    const instanceRole = `${prefix}-ssm-instance`;
    const hostRole = `${prefix}-default-host-management`;
    let run: ProgramRun;
    before(async () => {
        run = await runProgram("main", config);
    });

    const sessionsOf = (
        name: string,
        account: string,
        region: string,
    ): { keyArn: string; keyPolicy: PolicyDocument; logGroupArn: string } => {
        const key = named(run, "aws:kms/key:Key", `${name}-managed-instances-sessions-key-${region}`);
        const logGroup = named(run, "aws:cloudwatch/logGroup:LogGroup", `${name}-managed-instances-sessions-logs-${region}`);
        assert.equal(key.account, account);
        const keyArn = `arn:aws:kms:${region}:${account}:key/mock-key-${key.name}`;
        assert.equal(logGroup.inputs.kmsKeyId, keyArn, "the log group is encrypted with the session key");
        const preferences = JSON.parse(
            String(named(run, "aws:ssm/document:Document", `${name}-managed-instances-session-preferences-${region}`).inputs.content),
        ) as { inputs: Record<string, unknown> };
        assert.equal(preferences.inputs.kmsKeyId, keyArn);
        assert.equal(preferences.inputs.cloudWatchLogGroupName, logGroup.inputs.name);
        assert.equal(preferences.inputs.cloudWatchStreamingEnabled, true);
        return {
            keyArn,
            keyPolicy: policyOf(key) as unknown as PolicyDocument,
            logGroupArn: `arn:aws:logs:${region}:${account}:log-group:${String(logGroup.inputs.name)}`,
        };
    };
    const inlinePolicies = (account: string, roleName: string): PolicyDocument[] =>
        ofType(run, "aws:iam/rolePolicy:RolePolicy")
            .filter((p) => p.account === account && p.inputs.role === roleName)
            .map((p) => policyOf(p) as unknown as PolicyDocument);

    // "Step 2: Verify or add instance permissions for Session Manager" (Session Manager, Systems Manager User Guide):
    // with KMS encryption the instance's role needs kms:Decrypt (and GenerateDataKey) on the key; with CloudWatch
    // streaming, logs:CreateLogStream, PutLogEvents, DescribeLogGroups and DescribeLogStreams. "Default Host
    // Management Configuration": instances without a profile run under the DHMC role, so it needs the same.
    for (const roleName of [instanceRole, hostRole]) {
        it(`lets ${roleName} use the plan's session key and log group in every account and region`, async () => {
            for (const { account, name } of accounts) {
                const policies = inlinePolicies(account, roleName);
                assert.ok(policies.length > 0, `${roleName} in ${account} has session permissions`);
                for (const region of regions) {
                    const { keyArn, keyPolicy, logGroupArn } = sessionsOf(name, account, region);
                    const principal = `arn:aws:iam::${account}:role/${roleName}`;
                    const ask = (action: string, resource: string, resourcePolicy?: PolicyDocument): Promise<Decision> =>
                        decide({ principal, action, resource, resourceAccount: account, identityPolicies: policies, resourcePolicy });
                    for (const action of ["kms:Decrypt", "kms:GenerateDataKey"])
                        assert.equal(await ask(action, keyArn, keyPolicy), "Allowed", `${action} ${account}/${region}`);
                    const stream = `${logGroupArn}:log-stream:i-0123456789abcdef0-session`;
                    for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"])
                        assert.equal(await ask(action, stream), "Allowed", `${action} ${account}/${region}`);
                    assert.equal(await ask("logs:DescribeLogStreams", logGroupArn), "Allowed");
                    assert.equal(await ask("logs:DescribeLogGroups", "*"), "Allowed");
                    // Nothing beyond the session key and log group.
                    assert.equal(
                        await ask("logs:PutLogEvents", `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/other:log-stream:x`),
                        "ImplicitlyDenied",
                    );
                    assert.equal(
                        await ask("kms:Decrypt", `arn:aws:kms:${region}:${account}:key/another-key`, keyPolicy),
                        "ImplicitlyDenied",
                    );
                }
            }
        });
    }

    it("denies the session key to a role of another account, whatever its own policies say", async () => {
        for (const { account, name } of accounts) {
            for (const region of regions) {
                const { keyArn, keyPolicy } = sessionsOf(name, account, region);
                const decision = await decide({
                    principal: `arn:aws:iam::${stranger}:role/${hostRole}`,
                    action: "kms:Decrypt",
                    resource: keyArn,
                    resourceAccount: account,
                    identityPolicies: [allowEverything],
                    resourcePolicy: keyPolicy,
                });
                assert.equal(decision, "ImplicitlyDenied");
            }
        }
    });

    // "Encrypt log data in CloudWatch Logs using AWS KMS" (CloudWatch Logs User Guide): the key policy lets
    // logs.<region>.amazonaws.com use the key, and CloudWatch Logs sends the log group's ARN as the encryption
    // context kms:EncryptionContext:aws:logs:arn. Every part of that statement is checked here.
    it("lets CloudWatch Logs of the key's region use the session key for the session log group only", async () => {
        for (const { account, name } of accounts) {
            for (const region of regions) {
                const { keyArn, keyPolicy, logGroupArn } = sessionsOf(name, account, region);
                const logs = (principal: string, action: string, context: Record<string, string>): Promise<Decision> =>
                    decide(
                        withSimulatableEncryptionContext({
                            principal,
                            action,
                            resource: keyArn,
                            resourceAccount: account,
                            resourcePolicy: keyPolicy,
                            context,
                        }),
                    );
                const own = { "kms:EncryptionContext:aws:logs:arn": logGroupArn };
                for (const action of ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom"])
                    assert.equal(await logs(`logs.${region}.amazonaws.com`, action, own), "Allowed", `${action} ${account}/${region}`);
                const otherRegion = regions.find((r) => r !== region) as string;
                assert.equal(await logs(`logs.${otherRegion}.amazonaws.com`, "kms:GenerateDataKey", own), "ImplicitlyDenied");
                for (const other of [
                    `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/other`,
                    `arn:aws:logs:${region}:${stranger}:log-group:/${prefix}/session-manager`,
                    `arn:aws:logs:${otherRegion}:${account}:log-group:/${prefix}/session-manager`,
                ])
                    assert.equal(
                        await logs(`logs.${region}.amazonaws.com`, "kms:GenerateDataKey", { "kms:EncryptionContext:aws:logs:arn": other }),
                        "ImplicitlyDenied",
                        other,
                    );
                assert.equal(await logs(`logs.${region}.amazonaws.com`, "kms:GenerateDataKey", {}), "ImplicitlyDenied");
            }
        }
    });
});
