import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { buildBundle } from "../../components/lambdaBundle";
import type { ProgramRun, Registration } from "../../offline/recorder";
import { exampleConfig, named, ofType, policyOf, runProgram } from "../helpers/program";

const main = "111111111111";
const management = "999999999999";
const ouArn = "arn:aws:organizations::999999999999:ou/o-exampleorg1/ou-ab12-cdef3456";

function withSharing(): Record<string, unknown> {
    const config = exampleConfig("main");
    const goldenAmi = config.goldenAmi as Record<string, Record<string, unknown>>;
    goldenAmi.distribution = {
        ...goldenAmi.distribution,
        organizationalUnitArns: [ouArn],
        targetAccountIds: ["777777777777"],
        nativeSsmParameters: true,
    };
    goldenAmi.roleStackSet = { enabled: true, organizationalUnitIds: ["ou-ab12-cdef3456"] };
    // While role B's StackSet is on, every account with goldenAmi says which OU it is in (none is in the StackSet's).
    for (const account of [...(config.members as Record<string, unknown>[]), ...(config.memberStacks as Record<string, unknown>[])])
        account.organizationalUnitId = "ou-ab12-99999999";
    return config;
}

function statements(document: Record<string, unknown>): Record<string, unknown>[] {
    return document.Statement as Record<string, unknown>[];
}

describe("golden AMI components under mocks", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram("main", withSharing());
    });

    const mainAccountResources = (): Registration[] =>
        run.registrations.filter(
            (r) => r.custom && r.account === main && r.name.startsWith("golden-ami-") && !r.type.startsWith("aws:iam"),
        );

    it("puts every regional hub resource in the main account's home region", () => {
        const regional = mainAccountResources();
        assert.ok(regional.length >= 15);
        for (const resource of regional) assert.equal(resource.region, "ap-northeast-1", resource.urn);
    });

    it("builds the recipe from the SSM public parameter with an encrypted gp3 root volume", () => {
        const recipe = named(run, "aws:imagebuilder/imageRecipe:ImageRecipe", "golden-ami-pipeline-recipe");
        assert.equal(recipe.inputs.parentImage, "ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");
        assert.equal(recipe.inputs.version, "1.0.0");
        assert.deepEqual(recipe.inputs.blockDeviceMappings, [
            { deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeType: "gp3", volumeSize: 8, deleteOnTermination: "true" } },
        ]);
        const components = recipe.inputs.components as { componentArn: string }[];
        assert.equal(components[0].componentArn, "arn:aws:imagebuilder:ap-northeast-1:aws:component/update-linux/x.x.x");
        assert.equal(components.length, 2, "the managed component and the inline one");
    });

    it("runs builds with IMDSv2, terminate-on-failure, the instance profile and the encrypted topic", () => {
        const infrastructure = named(
            run,
            "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration",
            "golden-ami-pipeline-infrastructure",
        );
        assert.deepEqual(infrastructure.inputs.instanceMetadataOptions, { httpTokens: "required", httpPutResponseHopLimit: 1 });
        assert.equal(infrastructure.inputs.terminateInstanceOnFailure, true);
        assert.equal(infrastructure.inputs.snsTopicArn, `arn:aws:sns:ap-northeast-1:${main}:multi-account-ops-image-builder`);
        assert.equal(infrastructure.inputs.instanceProfileName, "multi-account-ops-image-builder-instance");
        const attachments = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(
            (a) => a.inputs.role === "multi-account-ops-image-builder-instance",
        );
        assert.deepEqual(attachments.map((a) => a.inputs.policyArn).sort(), [
            "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
            "arn:aws:iam::aws:policy/EC2InstanceProfileForImageBuilder",
        ]);
        const topic = named(run, "aws:sns/topic:Topic", "golden-ami-notifications-image-topic");
        assert.match(String(topic.inputs.kmsMasterKeyId), /^arn:aws:kms:ap-northeast-1:111111111111:key\//);
    });

    it("distributes per region with a dated AMI name, member launch permissions, OU sharing and copies", () => {
        const distribution = named(
            run,
            "aws:imagebuilder/distributionConfiguration:DistributionConfiguration",
            "golden-ami-pipeline-distribution",
        );
        const distributions = distribution.inputs.distributions as Record<string, Record<string, unknown>>[];
        assert.deepEqual(
            distributions.map((d) => d.region),
            ["ap-northeast-1", "us-east-1"],
        );
        for (const d of distributions) {
            const ami = d.amiDistributionConfiguration as Record<string, unknown>;
            assert.equal(ami.name, "golden-al2023-{{ imagebuilder:buildDate }}");
            assert.deepEqual(ami.launchPermission, {
                // The members and the memberStacks account 555555555555.
                userIds: ["222222222222", "333333333333", "444444444444", "555555555555"],
                organizationArns: [],
                organizationalUnitArns: [ouArn],
            });
            assert.deepEqual(ami.targetAccountIds, ["777777777777"]);
            assert.deepEqual(d.ssmParameterConfigurations, [
                { amiAccountId: "777777777777", parameterName: "/ec2-imagebuilder/latest/golden-al2023", dataType: "aws:ec2:image" },
            ]);
        }
        const pipeline = named(run, "aws:imagebuilder/imagePipeline:ImagePipeline", "golden-ami-pipeline-pipeline");
        assert.deepEqual(pipeline.inputs.imageTestsConfiguration, { imageTestsEnabled: true, timeoutMinutes: 720 });
        assert.equal((pipeline.inputs.schedule as Record<string, unknown>).scheduleExpression, "cron(0 3 ? * mon *)");
    });

    it("runs the publisher on nodejs22.x arm64 with its settings, a DLQ destination and alarms to the ops topic", () => {
        const fn = named(run, "aws:lambda/function:Function", "golden-ami-publisher-function");
        assert.equal(fn.inputs.runtime, "nodejs22.x");
        assert.deepEqual(fn.inputs.architectures, ["arm64"]);
        assert.equal(fn.inputs.handler, "index.handler");
        assert.deepEqual((fn.inputs.environment as { variables: Record<string, string> }).variables, {
            PARAMETER_PREFIX: "/ec2-imagebuilder/latest",
            TARGET_ROLE_NAME: "LambdaExecutionRoleForSSMParam",
            MAX_CONCURRENCY: "10",
            POWERTOOLS_SERVICE_NAME: "ami-publisher",
            ORG_READER_ROLE_ARN: `arn:aws:iam::${management}:role/multi-account-ops-org-reader`,
        });
        const onFailure = named(run, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "golden-ami-publisher-on-failure");
        assert.deepEqual(onFailure.inputs.destinationConfig, {
            onFailure: { destination: `arn:aws:sqs:ap-northeast-1:${main}:multi-account-ops-ami-publisher-dead-letters` },
        });
        const queue = named(run, "aws:sqs/queue:Queue", "golden-ami-publisher-dead-letters");
        assert.match(String(queue.inputs.kmsMasterKeyId), /^arn:aws:kms:/);
        const alarms = ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm");
        assert.deepEqual(alarms.map((a) => a.inputs.metricName).sort(), ["ApproximateNumberOfMessagesVisible", "Errors"]);
        for (const alarm of alarms)
            assert.deepEqual(alarm.inputs.alarmActions, [`arn:aws:sns:ap-northeast-1:${main}:multi-account-ops-ami-ops`]);
        const subscription = named(run, "aws:sns/topicSubscription:TopicSubscription", "golden-ami-publisher-subscription");
        assert.equal(subscription.inputs.protocol, "lambda");
        const email = named(run, "aws:sns/topicSubscription:TopicSubscription", "golden-ami-notifications-ops-email-0");
        assert.equal(email.inputs.endpoint, "platform-team@example.com");
    });

    it("gives role A exact role B ARNs, an OU-limited wildcard, and the org reader", () => {
        const policy = policyOf(named(run, "aws:iam/rolePolicy:RolePolicy", "golden-ami-publisher-role-publish-latest-ami"));
        const bySid = Object.fromEntries(statements(policy).map((s) => [s.Sid, s]));
        assert.deepEqual(bySid.AssumeParameterWriterRoles.Resource, [
            "arn:aws:iam::222222222222:role/LambdaExecutionRoleForSSMParam",
            "arn:aws:iam::333333333333:role/LambdaExecutionRoleForSSMParam",
            "arn:aws:iam::444444444444:role/LambdaExecutionRoleForSSMParam",
            "arn:aws:iam::555555555555:role/LambdaExecutionRoleForSSMParam",
            "arn:aws:iam::777777777777:role/LambdaExecutionRoleForSSMParam",
        ]);
        assert.deepEqual(bySid.AssumeParameterWriterRolesInSharedOUs.Condition, {
            "ForAnyValue:StringLike": { "aws:ResourceOrgPaths": ["o-exampleorg1/*/ou-ab12-cdef3456/*"] },
        });
        assert.equal(bySid.AssumeOrganizationReader.Resource, `arn:aws:iam::${management}:role/multi-account-ops-org-reader`);
    });

    it("creates role B in each member through that member's provider", () => {
        const rolesB = ofType(run, "aws:iam/role:Role").filter((r) => r.inputs.name === "LambdaExecutionRoleForSSMParam");
        assert.deepEqual(rolesB.map((r) => r.account).sort(), ["222222222222", "333333333333", "444444444444"]);
        for (const roleB of rolesB) {
            const trust = policyOf(roleB, "assumeRolePolicy");
            assert.deepEqual(statements(trust)[0].Principal, { AWS: `arn:aws:iam::${main}:role/multi-account-ops-ami-publisher` });
        }
    });

    it("deploys role B to OU accounts with a service-managed StackSet in the management account", () => {
        const stackSet = named(run, "aws:cloudformation/stackSet:StackSet", "golden-ami-role-stack-set-stack-set");
        assert.equal(stackSet.account, management);
        assert.equal(stackSet.inputs.permissionModel, "SERVICE_MANAGED");
        assert.deepEqual(stackSet.inputs.autoDeployment, { enabled: true, retainStacksOnAccountRemoval: false });
        assert.deepEqual(stackSet.inputs.capabilities, ["CAPABILITY_NAMED_IAM"]);
        const template = JSON.parse(String(stackSet.inputs.templateBody)) as {
            Resources: { ParameterWriterRole: { Properties: Record<string, unknown> } };
        };
        const properties = template.Resources.ParameterWriterRole.Properties;
        assert.equal(properties.RoleName, "LambdaExecutionRoleForSSMParam");
        assert.match(
            JSON.stringify(properties.Policies),
            /"Fn::Sub":"arn:\$\{AWS::Partition\}:ssm:\*:\$\{AWS::AccountId\}:parameter\/ec2-imagebuilder\/latest\/\*"/,
        );
        const instances = named(run, "aws:cloudformation/stackSetInstance:StackSetInstance", "golden-ami-role-stack-set-instances");
        assert.equal(instances.account, management);
        assert.deepEqual(instances.inputs.deploymentTargets, { organizationalUnitIds: ["ou-ab12-cdef3456"] });
        const reader = ofType(run, "aws:iam/role:Role").find((r) => r.inputs.name === "multi-account-ops-org-reader");
        assert.equal(reader?.account, management);
    });

    it("makes one provider for the management account, only because something uses it", async () => {
        assert.equal(ofType(run, "pulumi:providers:aws").filter((p) => p.account === management).length, 1);
        const config = exampleConfig("main");
        // Delivery's StackSet also runs in the management account; without it nothing needs that provider.
        (config.delivery as Record<string, unknown>).organizationalUnitIds = [];
        const plain = await runProgram("main", config);
        assert.equal(ofType(plain, "pulumi:providers:aws").filter((p) => p.account === management).length, 0);
        // Without OU sharing role A gets no wildcard at all.
        const policy = policyOf(named(plain, "aws:iam/rolePolicy:RolePolicy", "golden-ami-publisher-role-publish-latest-ami"));
        assert.ok(!JSON.stringify(policy).includes("iam::*:role"));
    });

    it("ships a deterministic esbuild bundle of handlers/amiPublisher.ts as the function code", () => {
        const build = (): string => createHash("sha256").update(buildBundle("handlers/amiPublisher.ts")).digest("hex");
        const [first, second] = [build(), build()];
        assert.equal(first, second, "two builds of unchanged code differ");
        const fn = named(run, "aws:lambda/function:Function", "golden-ami-publisher-function");
        const code = fn.inputs.code as { archive: Record<string, { sha256: string; bytes: number }> };
        assert.deepEqual(Object.keys(code.archive), ["index.js"]);
        assert.equal(code.archive["index.js"].sha256, first, "the shipped bundle is not the deterministic build");
    });
});
