import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { buildBundle } from "../../components/lambdaBundle";
import type { ProgramRun, Registration } from "../../offline/recorder";
import type { PolicyDocument } from "../../components/iam";
import { decide, withSimulatableEncryptionContext, type Decision } from "../helpers/iam";
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
        // 333... is a configured member (the hub's provider creates its copy role); 777... is in the StackSet's OU.
        targetAccountIds: ["777777777777", "333333333333"],
        targetAccountRoles: { "777777777777": "stackSet" },
        nativeSsmParameters: true,
    };
    goldenAmi.roleStackSet = { enabled: true, organizationalUnitIds: ["ou-ab12-cdef3456"] };
    goldenAmi.pipeline = { ...goldenAmi.pipeline, subnetId: "subnet-0aa11bb22cc33dd44", securityGroupIds: ["sg-0123456789abcdef0"] };
    // While role B's StackSet is on, every account with goldenAmi says which OU it is in (none is in the StackSet's).
    for (const account of [...(config.members as Record<string, unknown>[]), ...(config.memberStacks as Record<string, unknown>[])])
        account.organizationalUnitId = "ou-ab12-99999999";
    return config;
}

function withComponentData(data: string): Record<string, unknown> {
    const config = withSharing();
    const pipeline = (config.goldenAmi as Record<string, Record<string, unknown>>).pipeline;
    const [first] = pipeline.components as Record<string, unknown>[];
    pipeline.components = [{ ...first, data }];
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

    /** The AMI key of a region, as its alias in the plan names it. */
    const amiKeyArn = (region: string): string => {
        const alias = named(run, "aws:kms/alias:Alias", `golden-ami-key-${region}-alias`);
        assert.equal(alias.inputs.name, "alias/multi-account-ops-golden-ami");
        return `arn:aws:kms:${region}:${main}:key/${String(alias.inputs.targetKeyId)}`;
    };

    const mainAccountResources = (): Registration[] =>
        run.registrations.filter(
            (r) => r.custom && r.account === main && r.name.startsWith("golden-ami-") && !r.type.startsWith("aws:iam"),
        );

    it("puts every regional hub resource in the main account's home region, and an AMI key in every region", () => {
        const regional = mainAccountResources();
        assert.ok(regional.length >= 15);
        for (const resource of regional) {
            const perRegion = /^golden-ami-key-([a-z0-9-]+?)(-alias)?$/.exec(resource.name);
            assert.equal(resource.region, perRegion ? perRegion[1] : "ap-northeast-1", resource.urn);
        }
    });

    it("builds the recipe from the SSM public parameter with an encrypted gp3 root volume", () => {
        const recipe = named(run, "aws:imagebuilder/imageRecipe:ImageRecipe", "golden-ami-pipeline-recipe");
        assert.equal(recipe.inputs.parentImage, "ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");
        assert.match(String(recipe.inputs.version), /^1\.0\.\d+$/, "major and minor are the configured ones");
        assert.deepEqual(recipe.inputs.blockDeviceMappings, [
            {
                deviceName: "/dev/xvda",
                ebs: {
                    encrypted: "true",
                    kmsKeyId: amiKeyArn("ap-northeast-1"),
                    volumeType: "gp3",
                    volumeSize: 8,
                    deleteOnTermination: "true",
                },
            },
        ]);
        const components = recipe.inputs.components as { componentArn: string }[];
        assert.equal(components[0].componentArn, "arn:aws:imagebuilder:ap-northeast-1:aws:component/update-linux/x.x.x");
        assert.equal(components.length, 3, "the managed component, the inline one and the managed test component");
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
            assert.deepEqual(ami.targetAccountIds, ["777777777777", "333333333333"]);
            assert.deepEqual(d.ssmParameterConfigurations, [
                { amiAccountId: "777777777777", parameterName: "/ec2-imagebuilder/latest/golden-al2023", dataType: "aws:ec2:image" },
                { amiAccountId: "333333333333", parameterName: "/ec2-imagebuilder/latest/golden-al2023", dataType: "aws:ec2:image" },
            ]);
        }
        const pipeline = named(run, "aws:imagebuilder/imagePipeline:ImagePipeline", "golden-ami-pipeline-pipeline");
        assert.deepEqual(pipeline.inputs.imageTestsConfiguration, { imageTestsEnabled: true, timeoutMinutes: 720 });
        assert.equal((pipeline.inputs.schedule as Record<string, unknown>).scheduleExpression, "cron(0 3 ? * mon *)");
    });

    it("encrypts each region's copies, for members and targets, with that region's AMI key in the main account", () => {
        // EC2 "Share an AMI with specific AWS accounts": an AMI whose snapshots use the AWS managed key (aws/ebs) cannot be shared,
        // and a copy in another region needs a key of that region (a KMS key serves one region).
        const distribution = named(
            run,
            "aws:imagebuilder/distributionConfiguration:DistributionConfiguration",
            "golden-ami-pipeline-distribution",
        );
        const distributions = distribution.inputs.distributions as {
            region: string;
            amiDistributionConfiguration: { kmsKeyId?: string };
        }[];
        const keys = ofType(run, "aws:kms/key:Key").filter((k) => k.name.startsWith("golden-ami-key-"));
        assert.deepEqual(keys.map((k) => `${k.account}/${k.region}`).sort(), [`${main}/ap-northeast-1`, `${main}/us-east-1`]);
        for (const d of distributions) assert.equal(d.amiDistributionConfiguration.kmsKeyId, amiKeyArn(d.region), d.region);
        for (const key of keys) assert.equal(key.inputs.enableKeyRotation, true);
    });

    it("creates Image Builder's cross-account distribution role in every copy target it reaches", () => {
        // Image Builder "Set up cross-account AMI distribution": EC2ImageBuilderDistributionCrossAccountRole in each target,
        // with Ec2ImageBuilderCrossAccountDistributionAccess, trusting the source account; encrypted copies need the keys.
        const copyRoles = ofType(run, "aws:iam/role:Role").filter((r) => r.inputs.name === "EC2ImageBuilderDistributionCrossAccountRole");
        assert.deepEqual(
            copyRoles.map((r) => r.account),
            ["333333333333"],
            "the configured target member, through its provider",
        );
        const attachment = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(
            (a) => a.inputs.role === "EC2ImageBuilderDistributionCrossAccountRole",
        );
        assert.deepEqual(
            attachment.map((a) => [a.account, a.inputs.policyArn]),
            [["333333333333", "arn:aws:iam::aws:policy/Ec2ImageBuilderCrossAccountDistributionAccess"]],
        );
        const inline = ofType(run, "aws:iam/rolePolicy:RolePolicy").find(
            (p) => p.inputs.role === "EC2ImageBuilderDistributionCrossAccountRole",
        );
        assert.ok(inline);
        const bySid = Object.fromEntries(statements(policyOf(inline)).map((st) => [st.Sid, st]));
        assert.deepEqual(bySid.CopyWithTheAmiKeys.Resource, [amiKeyArn("ap-northeast-1"), amiKeyArn("us-east-1")]);
        assert.equal(bySid.WriteNativeAmiParameter.Resource, "arn:aws:ssm:*:333333333333:parameter/ec2-imagebuilder/latest/golden-al2023");
        // 777... is declared in the StackSet's OU: the StackSet template carries the same role.
        const stackSet = named(run, "aws:cloudformation/stackSet:StackSet", "golden-ami-role-stack-set-stack-set");
        const template = JSON.parse(String(stackSet.inputs.templateBody)) as {
            Resources: Record<string, { Properties: Record<string, unknown> }>;
        };
        const role = template.Resources.DistributionCrossAccountRole.Properties;
        assert.equal(role.RoleName, "EC2ImageBuilderDistributionCrossAccountRole");
        assert.match(JSON.stringify(role.ManagedPolicyArns), /Ec2ImageBuilderCrossAccountDistributionAccess/);
        assert.match(JSON.stringify(role.Policies), new RegExp(amiKeyArn("us-east-1")));
    });

    it("runs builds in the configured subnet and security groups, and tests the image with an AWS-managed test component", () => {
        const infrastructure = named(
            run,
            "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration",
            "golden-ami-pipeline-infrastructure",
        );
        assert.equal(infrastructure.inputs.subnetId, "subnet-0aa11bb22cc33dd44");
        assert.deepEqual(infrastructure.inputs.securityGroupIds, ["sg-0123456789abcdef0"]);
        const recipe = named(run, "aws:imagebuilder/imageRecipe:ImageRecipe", "golden-ami-pipeline-recipe");
        const components = (recipe.inputs.components as { componentArn: string }[]).map((c) => c.componentArn);
        assert.ok(
            components.includes("arn:aws:imagebuilder:ap-northeast-1:aws:component/simple-boot-test-linux/x.x.x"),
            components.join(", "),
        );
        const pipeline = named(run, "aws:imagebuilder/imagePipeline:ImagePipeline", "golden-ami-pipeline-pipeline");
        assert.equal((pipeline.inputs.imageTestsConfiguration as { imageTestsEnabled: boolean }).imageTestsEnabled, true);
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
            // 555555555555 runs its own member stack with goldenAmi on (memberStacks): its stack creates role B.
            ROLE_B_ACCOUNT_IDS: "222222222222,333333333333,444444444444,555555555555,777777777777",
            ROLE_B_OU_IDS: "ou-ab12-cdef3456",
            QUEUE_URL: `https://sqs.ap-northeast-1.amazonaws.com/${main}/multi-account-ops-ami-publisher-targets`,
            TARGETS_DEAD_LETTER_QUEUE_URL: `https://sqs.ap-northeast-1.amazonaws.com/${main}/multi-account-ops-ami-publisher-targets-dead-letters`,
            FAN_OUT_THRESHOLD: "1000",
            MAX_RECEIVE_COUNT: "3",
        });
        // Sized from the measured CPU per target (docs/golden-ami.md, "Sizing"): the configuration defaults.
        assert.equal(fn.inputs.memorySize, 1024);
        assert.equal(fn.inputs.timeout, 300);
        const onFailure = named(run, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "golden-ami-publisher-on-failure");
        assert.deepEqual(onFailure.inputs.destinationConfig, {
            onFailure: { destination: `arn:aws:sqs:ap-northeast-1:${main}:multi-account-ops-ami-publisher-dead-letters` },
        });
        const queue = named(run, "aws:sqs/queue:Queue", "golden-ami-publisher-dead-letters");
        assert.match(String(queue.inputs.kmsMasterKeyId), /^arn:aws:kms:/);
        const alarms = ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm");
        assert.deepEqual(
            alarms.map((a) => [a.inputs.metricName, a.inputs.dimensions]).sort(),
            [
                ["ApproximateNumberOfMessagesVisible", { QueueName: "multi-account-ops-ami-publisher-dead-letters" }],
                ["ApproximateNumberOfMessagesVisible", { QueueName: "multi-account-ops-ami-publisher-targets-dead-letters" }],
                ["Errors", { FunctionName: "multi-account-ops-ami-publisher" }],
            ].sort(),
        );
        for (const alarm of alarms)
            assert.deepEqual(alarm.inputs.alarmActions, [`arn:aws:sns:ap-northeast-1:${main}:multi-account-ops-ami-ops`]);
        const subscription = named(run, "aws:sns/topicSubscription:TopicSubscription", "golden-ami-publisher-subscription");
        assert.equal(subscription.inputs.protocol, "lambda");
        const email = named(run, "aws:sns/topicSubscription:TopicSubscription", "golden-ami-notifications-ops-email-0");
        assert.equal(email.inputs.endpoint, "platform-team@example.com");
    });

    // The fan-out path: "Configuring an Amazon SQS queue to trigger an AWS Lambda function" (visibility timeout at least six
    // times the function timeout; kms:Decrypt for an encrypted queue), "Using dead-letter queues in Amazon SQS" (redrive
    // policy, maxReceiveCount; redrive allow policy), "Handling errors for an SQS event source in Lambda"
    // (ReportBatchItemFailures) and "Configuring scaling behavior for SQS event source mappings" (MaximumConcurrency, 2-1,000).
    it("fans out through an encrypted target queue in the main account, read by the same function with partial batch responses", () => {
        const fn = named(run, "aws:lambda/function:Function", "golden-ami-publisher-function");
        const key = named(run, "aws:kms/key:Key", "golden-ami-notifications-key");
        const keyArn = `arn:aws:kms:ap-northeast-1:${main}:key/mock-key-${key.name}`;
        const queue = named(run, "aws:sqs/queue:Queue", "golden-ami-publisher-targets");
        const deadLetters = named(run, "aws:sqs/queue:Queue", "golden-ami-publisher-targets-dead-letters");
        const queueArn = `arn:aws:sqs:ap-northeast-1:${main}:multi-account-ops-ami-publisher-targets`;
        const deadLetterArn = `arn:aws:sqs:ap-northeast-1:${main}:multi-account-ops-ami-publisher-targets-dead-letters`;
        for (const registration of [queue, deadLetters, fn, key]) {
            assert.equal(registration.account, main, `${registration.name} in the main account`);
            assert.equal(registration.region, "ap-northeast-1", `${registration.name} in the home region`);
        }
        assert.equal(queue.inputs.name, "multi-account-ops-ami-publisher-targets");
        assert.equal(queue.inputs.kmsMasterKeyId, keyArn);
        assert.equal(deadLetters.inputs.kmsMasterKeyId, keyArn);
        assert.equal(queue.inputs.visibilityTimeoutSeconds, 6 * Number(fn.inputs.timeout));
        assert.deepEqual(JSON.parse(String(queue.inputs.redrivePolicy)), { deadLetterTargetArn: deadLetterArn, maxReceiveCount: 3 });
        assert.deepEqual(JSON.parse(String(deadLetters.inputs.redriveAllowPolicy)), {
            redrivePermission: "byQueue",
            sourceQueueArns: [queueArn],
        });
        const mapping = named(run, "aws:lambda/eventSourceMapping:EventSourceMapping", "golden-ami-publisher-targets-source");
        assert.equal(mapping.account, main);
        assert.equal(mapping.inputs.eventSourceArn, queueArn);
        assert.equal(mapping.inputs.functionName, `arn:aws:lambda:ap-northeast-1:${main}:function:multi-account-ops-ami-publisher`);
        assert.deepEqual(mapping.inputs.functionResponseTypes, ["ReportBatchItemFailures"]);
        assert.deepEqual(mapping.inputs.scalingConfig, { maximumConcurrency: 5 });
        assert.equal(mapping.inputs.batchSize, 20);
        assert.equal(mapping.inputs.maximumBatchingWindowInSeconds, 1, "a batch above 10 needs a batching window");
    });

    it("lets role A enqueue, consume and give up targets on exactly its queues, with the queue key", async () => {
        const roleA = `arn:aws:iam::${main}:role/multi-account-ops-ami-publisher`;
        const identityPolicies = [
            policyOf(named(run, "aws:iam/rolePolicy:RolePolicy", "golden-ami-publisher-role-publish-latest-ami")),
            policyOf(named(run, "aws:iam/rolePolicy:RolePolicy", "golden-ami-publisher-role-fan-out-queue")),
        ] as unknown as PolicyDocument[];
        const key = named(run, "aws:kms/key:Key", "golden-ami-notifications-key");
        const keyArn = `arn:aws:kms:ap-northeast-1:${main}:key/mock-key-${key.name}`;
        const queueArn = `arn:aws:sqs:ap-northeast-1:${main}:multi-account-ops-ami-publisher-targets`;
        const deadLetterArn = `arn:aws:sqs:ap-northeast-1:${main}:multi-account-ops-ami-publisher-targets-dead-letters`;
        const as = (principal: string, action: string, resource: string, resourcePolicy?: PolicyDocument): Promise<Decision> =>
            decide({ principal, action, resource, resourceAccount: main, identityPolicies, resourcePolicy });
        for (const action of ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"])
            assert.equal(await as(roleA, action, queueArn), "Allowed", `${action} on the target queue`);
        assert.equal(await as(roleA, "sqs:SendMessage", deadLetterArn), "Allowed", "forwards a target given up");
        for (const action of ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:PurgeQueue"])
            assert.equal(await as(roleA, action, deadLetterArn), "ImplicitlyDenied", `${action} on the dead-letter queue`);
        assert.equal(await as(roleA, "sqs:PurgeQueue", queueArn), "ImplicitlyDenied");
        assert.equal(await as(roleA, "sqs:SendMessage", `arn:aws:sqs:ap-northeast-1:${main}:someone-elses-queue`), "ImplicitlyDenied");
        assert.equal(
            await as(roleA, "sqs:ReceiveMessage", `arn:aws:sqs:ap-northeast-1:222222222222:multi-account-ops-ami-publisher-targets`),
            "ImplicitlyDenied",
        );
        // The key policy lets IAM decide in its account (accountAdministersKey), so role A's statements are what count:
        // a producer needs kms:GenerateDataKey and kms:Decrypt, a consumer kms:Decrypt (SQS Developer Guide, "Key management").
        const keyPolicy = policyOf(key) as unknown as PolicyDocument;
        for (const action of ["kms:GenerateDataKey", "kms:Decrypt"])
            assert.equal(await as(roleA, action, keyArn, keyPolicy), "Allowed", action);
        assert.equal(await as(roleA, "kms:Decrypt", `arn:aws:kms:ap-northeast-1:${main}:key/another-key`), "ImplicitlyDenied");
        assert.equal(await as(roleA, "kms:ScheduleKeyDeletion", keyArn, keyPolicy), "ImplicitlyDenied");
        // Another role of the account gets nothing from these documents.
        assert.equal(
            await decide({
                principal: `arn:aws:iam::${main}:role/someone-else`,
                action: "kms:Decrypt",
                resource: keyArn,
                resourceAccount: main,
                resourcePolicy: keyPolicy,
            }),
            "ImplicitlyDenied",
        );
    });

    // "Enable compatibility between event sources from AWS services and encrypted topics" (SNS Developer Guide):
    // cloudwatch.amazonaws.com must be allowed kms:GenerateDataKey* and kms:Decrypt in the key policy. SNS calls KMS
    // with the encryption context {"aws:sns:topicArn": <topic ARN>} (AWS's examples for service publishers condition
    // on kms:EncryptionContext:aws:sns:topicArn, e.g. GameLift "Set up an SNS topic with server-side encryption");
    // aws:SourceAccount is not promised there. The request carries exactly that context and nothing else.
    it("lets CloudWatch alarms use the notification key for the ops topic the alarms notify, with the context KMS sees", async () => {
        const key = named(run, "aws:kms/key:Key", "golden-ami-notifications-key");
        const keyArn = `arn:aws:kms:${String(key.region)}:${main}:key/mock-key-${key.name}`;
        const opsTopic = named(run, "aws:sns/topic:Topic", "golden-ami-notifications-ops-topic");
        assert.equal(opsTopic.inputs.kmsMasterKeyId, keyArn);
        const opsTopicArn = `arn:aws:sns:${String(opsTopic.region)}:${main}:${String(opsTopic.inputs.name)}`;
        for (const alarm of ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm"))
            assert.deepEqual(alarm.inputs.alarmActions, [opsTopicArn]);
        const use = (action: string, topicArn: string | undefined): Promise<Decision> =>
            decide(
                withSimulatableEncryptionContext({
                    principal: "cloudwatch.amazonaws.com",
                    action,
                    resource: keyArn,
                    resourceAccount: main,
                    resourcePolicy: policyOf(key) as unknown as PolicyDocument,
                    context: topicArn ? { "kms:EncryptionContext:aws:sns:topicArn": topicArn } : ({} as Record<string, string>),
                }),
            );
        assert.equal(await use("kms:GenerateDataKey", opsTopicArn), "Allowed");
        assert.equal(await use("kms:Decrypt", opsTopicArn), "Allowed");
        const imageTopic = named(run, "aws:sns/topic:Topic", "golden-ami-notifications-image-topic");
        assert.equal(
            await use("kms:GenerateDataKey", `arn:aws:sns:${String(imageTopic.region)}:${main}:${String(imageTopic.inputs.name)}`),
            "ImplicitlyDenied",
        );
        assert.equal(await use("kms:GenerateDataKey", undefined), "ImplicitlyDenied");
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

describe("golden AMI component and recipe versions", () => {
    // Image Builder components and recipes are immutable: a name and version is created once ("Create a new version of an
    // image recipe", Image Builder User Guide), so an edit that kept them would fail `pulumi up` with "already exists".
    const versions = (run: ProgramRun): { component: string; recipe: string; recipeArn: string; pipelineRecipe: unknown } => {
        const component = named(run, "aws:imagebuilder/component:Component", "golden-ami-pipeline-component-install-baseline-tools");
        const recipe = named(run, "aws:imagebuilder/imageRecipe:ImageRecipe", "golden-ami-pipeline-recipe");
        const pipeline = named(run, "aws:imagebuilder/imagePipeline:ImagePipeline", "golden-ami-pipeline-pipeline");
        assert.equal(component.inputs.name, "install-baseline-tools");
        assert.equal(recipe.inputs.name, "golden-al2023", "the image name, and so the publisher's parameter, stays the recipe name");
        const recipeComponents = (recipe.inputs.components as { componentArn: string }[]).map((c) => c.componentArn);
        assert.ok(recipeComponents.some((arn) => arn.endsWith(`/install-baseline-tools/${String(component.inputs.version)}/1`)));
        return {
            component: String(component.inputs.version),
            recipe: String(recipe.inputs.version),
            recipeArn: `arn:aws:imagebuilder:ap-northeast-1:${main}:image-recipe/golden-al2023/${String(recipe.inputs.version)}`,
            pipelineRecipe: pipeline.inputs.imageRecipeArn,
        };
    };

    it("gives edited component data a new component and recipe version, and the pipeline the new recipe", async () => {
        const before = versions(await runProgram("main", withComponentData("name: tools\nschemaVersion: 1.0\nphases: []\n")));
        const same = versions(await runProgram("main", withComponentData("name: tools\nschemaVersion: 1.0\nphases: []\n")));
        const after = versions(await runProgram("main", withComponentData("name: tools\nschemaVersion: 1.0\nphases: [] # edited\n")));
        assert.deepEqual(same, before, "the same content keeps its versions, so nothing is replaced");
        assert.notEqual(after.component, before.component);
        assert.notEqual(after.recipe, before.recipe);
        for (const v of [before, after]) {
            assert.match(v.component, /^1\.0\.\d+$/);
            assert.ok(Number(v.recipe.split(".")[2]) < 2 ** 30, "a version node is at most 2^30-1");
            assert.equal(v.pipelineRecipe, v.recipeArn, "the pipeline builds the recipe of this content");
        }
    });
});
