import { strict as assert } from "node:assert";
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { PolicyDocument } from "../../components/iam";
import {
    administrationPermissions,
    administrationTrust,
    executionDetailType,
    executionPassRole,
    executionTrust,
    failurePattern,
    stepDetailType,
} from "../../components/automation/policies";
import type { ProgramRun, Registration } from "../../offline/recorder";
import { allowEverything, decide, withSimulatableEncryptionContext, type Decision } from "../helpers/iam";
import { motoEndpoint } from "../helpers/moto";
import { exampleConfig, named, ofType, policyOf, runProgram } from "../helpers/program";

const main = "111111111111";
const org = "o-exampleorg1";
const admin = `arn:aws:iam::${main}:role/AWS-SystemsManager-AutomationAdministrationRole`;
const execution = (account: string): string => `arn:aws:iam::${account}:role/AWS-SystemsManager-AutomationExecutionRole`;

describe("cross-account Automation under mocks", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram("main", exampleConfig("main"));
    });

    it("puts the administration role in main and an execution role in each member", () => {
        const adminRole = named(run, "aws:iam/role:Role", "automation-administration-role");
        assert.equal(adminRole.account, main);
        const executionRoles = ofType(run, "aws:iam/role:Role").filter(
            (r) => r.inputs.name === "AWS-SystemsManager-AutomationExecutionRole",
        );
        assert.deepEqual(executionRoles.map((r) => r.account).sort(), ["222222222222", "333333333333", "444444444444"]);
        const attachments = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(
            (a) => a.inputs.role === "AWS-SystemsManager-AutomationExecutionRole",
        );
        assert.ok(attachments.every((a) => a.inputs.policyArn === "arn:aws:iam::aws:policy/service-role/AmazonSSMAutomationRole"));
        const grant = ofType(run, "aws:iam/rolePolicy:RolePolicy").find(
            (p) => p.name === "dev-automation-execution-role-enable-s3-bucket-encryption",
        );
        assert.ok(grant);
        assert.deepEqual((policyOf(grant).Statement as { Action: string[] }[])[0].Action, ["s3:PutEncryptionConfiguration"]);
    });

    it("accepts events on the main bus from the organization only, and routes failures to an encrypted topic", () => {
        const rule = named(run, "aws:cloudwatch/eventRule:EventRule", "automation-failures");
        assert.deepEqual(JSON.parse(String(rule.inputs.eventPattern)), failurePattern([executionDetailType, stepDetailType]));
        assert.match(String(named(run, "aws:sns/topic:Topic", "automation-failures").inputs.kmsMasterKeyId), /^arn:aws:kms:/);
        assert.equal(
            named(run, "aws:sns/topicSubscription:TopicSubscription", "automation-email-0").inputs.endpoint,
            "platform-team@example.com",
        );
    });
    it("forwards member failures from each region to the main bus with a forwarder role", () => {
        const targets = ofType(run, "aws:cloudwatch/eventTarget:EventTarget").filter((t) => t.name.startsWith("dev-automation-failures-"));
        assert.deepEqual(
            targets.map((t) => [t.account, t.region, t.inputs.arn, t.inputs.roleArn]),
            ["ap-northeast-1", "us-east-1"].map((region) => [
                "222222222222",
                region,
                `arn:aws:events:ap-northeast-1:${main}:event-bus/default`,
                "arn:aws:iam::222222222222:role/multi-account-ops-automation-forwarder",
            ]),
        );
    });

    it("sends aws:executeScript output to CloudWatch in every account and region", () => {
        const settings = ofType(run, "aws:ssm/serviceSetting:ServiceSetting").filter((s) =>
            String(s.inputs.settingId).includes("customer-script-log-destination"),
        );
        assert.deepEqual(settings.map((s) => `${s.account}/${s.region}`).sort(), [
            "111111111111/ap-northeast-1",
            "111111111111/us-east-1",
            "222222222222/ap-northeast-1",
            "222222222222/us-east-1",
            "333333333333/ap-northeast-1",
            "333333333333/us-east-1",
            "444444444444/ap-northeast-1",
        ]);
        assert.ok(settings.every((s) => s.inputs.settingValue === "CloudWatch"));
    });

    it("switches the administration role to an organization-wide condition past exactArnsUpTo", async () => {
        const config = exampleConfig("main");
        (config.automation as Record<string, unknown>).exactArnsUpTo = 2;
        const large = await runProgram("main", config);
        const statement = (
            policyOf(named(large, "aws:iam/rolePolicy:RolePolicy", "automation-administration-role-assume-execution-roles"))
                .Statement as Record<string, unknown>[]
        )[0];
        assert.equal(statement.Resource, "arn:aws:iam::*:role/AWS-SystemsManager-AutomationExecutionRole");
        assert.deepEqual(statement.Condition, { StringEquals: { "aws:ResourceOrgID": org } });
    });
});

/**
 * The documents exactly as the example main stack's plan registers them, evaluated with iam-simulate.
 * Expectations come from the stack config; ARNs from the plan's own registrations.
 */
describe("Automation documents on the plan (iam-simulate)", () => {
    const config = exampleConfig("main");
    const mainAccount = config.mainAccountId as string;
    const orgId = config.organizationId as string;
    const homeRegion = config.homeRegion as string;
    const stackRegions = [homeRegion, ...(config.extraRegions as string[])];
    const prefix = config.namePrefix as string;
    const settings = config.automation as { administrationRoleName: string; executionRoleName: string };
    const member = "222222222222";
    const stranger = "888888888888";
    let run: ProgramRun;
    before(async () => {
        run = await runProgram("main", config);
    });

    /** Every inline policy the plan attaches to the role of that name in that account. */
    const inlinePolicies = (account: string, roleName: string): PolicyDocument[] =>
        ofType(run, "aws:iam/rolePolicy:RolePolicy")
            .filter((p) => p.account === account && p.inputs.role === roleName)
            .map((p) => policyOf(p) as unknown as PolicyDocument);
    const roleArnOf = (account: string, roleName: string): string => `arn:aws:iam::${account}:role/${roleName}`;
    const asRole = (account: string, roleName: string, action: string, resource: string, context = {}): Promise<Decision> =>
        decide({
            principal: roleArnOf(account, roleName),
            action,
            resource,
            resourceAccount: account,
            identityPolicies: inlinePolicies(account, roleName),
            context,
        });

    // "Logging Automation action output with CloudWatch Logs" (Systems Manager User Guide): the role that runs the
    // automation needs these five actions for aws:executeScript output. DescribeLogGroups has no resource-level
    // permissions (Service Authorization Reference, "Amazon CloudWatch Logs"), so it is asked for on "*".
    it("lets each execution role write aws:executeScript output to its own script log groups, and nowhere else", async () => {
        const logGroups = ofType(run, "aws:cloudwatch/logGroup:LogGroup").filter(
            (g) => g.account === member && g.name.startsWith("dev-automation-script-logs-"),
        );
        assert.deepEqual(logGroups.map((g) => g.region).sort(), ["ap-northeast-1", "us-east-1"]);
        for (const group of logGroups) {
            const groupArn = `arn:aws:logs:${group.region}:${member}:log-group:${String(group.inputs.name)}`;
            const streamArn = `${groupArn}:log-stream:0f4c3d1e-1234-5678-9abc-def012345678`;
            for (const [action, resource] of [
                ["logs:CreateLogGroup", groupArn],
                ["logs:DescribeLogStreams", groupArn],
                ["logs:DescribeLogStreams", `${groupArn}:*`],
                ["logs:CreateLogStream", streamArn],
                ["logs:PutLogEvents", streamArn],
                ["logs:DescribeLogGroups", "*"],
            ]) {
                assert.equal(await asRole(member, settings.executionRoleName, action, resource), "Allowed", `${action} on ${resource}`);
            }
        }
        const otherGroup = `arn:aws:logs:ap-northeast-1:${member}:log-group:/aws/lambda/anything:log-stream:x`;
        assert.equal(await asRole(member, settings.executionRoleName, "logs:PutLogEvents", otherGroup), "ImplicitlyDenied");
        assert.equal(
            await asRole(
                member,
                settings.executionRoleName,
                "logs:CreateLogGroup",
                `arn:aws:logs:ap-northeast-1:${member}:log-group:/other`,
            ),
            "ImplicitlyDenied",
        );
    });

    // AWS's AWS-SystemsManager-AutomationExecutionRole template ("Running automations in multiple AWS Regions and
    // accounts", Systems Manager User Guide) grants tag:GetResources, resource-groups:ListGroupResources and
    // ec2:DescribeInstances: runs target resources by tag, resource group or all instances, and
    // AmazonSSMAutomationRole grants none of the three (AWS Managed Policy Reference, "AmazonSSMAutomationRole").
    // tag:GetResources and ec2:DescribeInstances have no resource-level permissions.
    it("lets each execution role find targets by tag, by its own account's resource groups and among all instances", async () => {
        const group = (account: string, region: string): string => `arn:aws:resource-groups:${region}:${account}:group/web-servers`;
        assert.equal(await asRole(member, settings.executionRoleName, "tag:GetResources", "*"), "Allowed");
        assert.equal(await asRole(member, settings.executionRoleName, "ec2:DescribeInstances", "*"), "Allowed");
        for (const region of ["ap-northeast-1", "us-east-1"])
            assert.equal(
                await asRole(member, settings.executionRoleName, "resource-groups:ListGroupResources", group(member, region)),
                "Allowed",
            );
        assert.equal(
            await asRole(member, settings.executionRoleName, "resource-groups:ListGroupResources", group(stranger, "ap-northeast-1")),
            "ImplicitlyDenied",
        );
    });

    // Same page: the AWS-SystemsManager-AutomationAdministrationRole template grants organizations:ListAccountsForParent,
    // which Automation calls to expand OU targets. OU and root ARNs carry the organization ID (Service
    // Authorization Reference, "AWS Organizations": ou/o-<org>/ou-<id>, root/o-<org>/r-<id>).
    it("lets the administration role list the accounts of this organization's OUs and roots only", async () => {
        const list = (resource: string): Promise<Decision> =>
            asRole(mainAccount, settings.administrationRoleName, "organizations:ListAccountsForParent", resource);
        const managementAccount = (config.management as { accountId: string }).accountId;
        assert.equal(await list(`arn:aws:organizations::${managementAccount}:ou/${orgId}/ou-ab12-cdef3456`), "Allowed");
        assert.equal(await list(`arn:aws:organizations::${managementAccount}:root/${orgId}/r-ab12`), "Allowed");
        assert.equal(await list(`arn:aws:organizations::${stranger}:ou/o-otherorg999/ou-ab12-cdef3456`), "ImplicitlyDenied");
    });

    // iam:PassRole with iam:PassedToService ("Granting a user permissions to pass a role to an AWS service", IAM User
    // Guide): the execution role passes only itself, and only to Systems Manager.
    it("lets the execution role pass only itself, only to Systems Manager", async () => {
        const self = roleArnOf(member, settings.executionRoleName);
        const pass = (resource: string, service: string): Promise<Decision> =>
            asRole(member, settings.executionRoleName, "iam:PassRole", resource, { "iam:PassedToService": service });
        assert.equal(await pass(self, "ssm.amazonaws.com"), "Allowed");
        assert.equal(await pass(self, "lambda.amazonaws.com"), "ImplicitlyDenied");
        assert.equal(await pass(self, "ec2.amazonaws.com"), "ImplicitlyDenied");
        assert.equal(await pass(roleArnOf(member, "Admin"), "ssm.amazonaws.com"), "ImplicitlyDenied");
    });

    // aws.cloudwatch.EventBusPolicy replaces the default bus's whole policy (Pulumi: "EventBusPolicy ... is incompatible
    // with ... EventPermission and will overwrite permissions"; its delete calls RemovePermission with
    // RemoveAllPermissions). EventPermission is PutPermission: one statement, with Sid = StatementId, Principal "*",
    // and the condition as {Type: {Key: Value}} (EventBridge API Reference, "PutPermission").
    it("adds only its own organization-conditioned statement to the main default bus, and no bus policy", async () => {
        assert.deepEqual(ofType(run, "aws:cloudwatch/eventBusPolicy:EventBusPolicy"), [], "no EventBusPolicy anywhere in the plan");
        const permissions = ofType(run, "aws:cloudwatch/eventPermission:EventPermission");
        assert.equal(permissions.length, 1);
        const [permission] = permissions;
        assert.equal(permission.account, mainAccount);
        assert.equal(permission.region, homeRegion);
        assert.equal(permission.inputs.eventBusName, "default");
        assert.equal(permission.inputs.statementId, `${prefix}-automation-failures`, "one statement per installation");
        const busArn = `arn:aws:events:${homeRegion}:${mainAccount}:event-bus/default`;
        const condition = permission.inputs.condition as { type: string; key: string; value: string };
        const statement: PolicyDocument = {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: String(permission.inputs.statementId),
                    Effect: "Allow",
                    Principal: permission.inputs.principal === "*" ? "*" : { AWS: String(permission.inputs.principal) },
                    Action: String(permission.inputs.action ?? "events:PutEvents"),
                    Resource: busArn,
                    Condition: { [condition.type]: { [condition.key]: condition.value } },
                },
            ],
        };
        const put = (account: string, principalOrg: string): Promise<Decision> =>
            decide({
                principal: roleArnOf(account, `${prefix}-automation-forwarder`),
                action: "events:PutEvents",
                resource: busArn,
                resourceAccount: mainAccount,
                identityPolicies: [allowEverything],
                resourcePolicy: statement,
                context: { "aws:PrincipalOrgID": principalOrg },
            });
        assert.equal(await put(member, orgId), "Allowed");
        assert.equal(await put(stranger, "o-otherorg999"), "ImplicitlyDenied");
        // The hub output members forward to is that same bus.
        const forwarding = ofType(run, "aws:cloudwatch/eventTarget:EventTarget").filter((t) => t.account === member);
        assert.ok(forwarding.length > 0 && forwarding.every((t) => t.inputs.arn === busArn));
    });

    // EventBridge rules see only their own Region's events; a bus in another Region is a target only with a role
    // ("Sending and receiving events between AWS Regions", EventBridge User Guide).
    it("catches the main account's failures in every region the stack uses", async () => {
        const busArn = `arn:aws:events:${homeRegion}:${mainAccount}:event-bus/default`;
        const topic = named(run, "aws:sns/topic:Topic", "automation-failures");
        const topicArn = `arn:aws:sns:${homeRegion}:${mainAccount}:${String(topic.inputs.name)}`;
        const mainRules = ofType(run, "aws:cloudwatch/eventRule:EventRule").filter((r) => r.account === mainAccount);
        assert.deepEqual(mainRules.map((r) => r.region).sort(), [...stackRegions].sort());
        const forwarder = `${prefix}-automation-forwarder`;
        for (const rule of mainRules) {
            assert.deepEqual(JSON.parse(String(rule.inputs.eventPattern)), failurePattern([executionDetailType, stepDetailType]));
            const targets = ofType(run, "aws:cloudwatch/eventTarget:EventTarget").filter(
                (t) => t.account === mainAccount && t.region === rule.region && t.inputs.rule === rule.inputs.name,
            );
            assert.equal(targets.length, 1, `one target for the rule in ${String(rule.region)}`);
            if (rule.region === homeRegion) {
                assert.equal(targets[0].inputs.arn, topicArn);
            } else {
                assert.equal(targets[0].inputs.arn, busArn);
                assert.equal(targets[0].inputs.roleArn, roleArnOf(mainAccount, forwarder));
            }
        }
        const trust = policyOf(
            ofType(run, "aws:iam/role:Role").find((r) => r.account === mainAccount && r.inputs.name === forwarder) as Registration,
            "assumeRolePolicy",
        ) as unknown as PolicyDocument;
        const assume = (sourceAccount: string): Promise<Decision> =>
            decide({
                principal: "events.amazonaws.com",
                action: "sts:AssumeRole",
                resource: roleArnOf(mainAccount, forwarder),
                resourceAccount: mainAccount,
                resourcePolicy: trust,
                context: { "aws:SourceAccount": sourceAccount },
            });
        assert.equal(await assume(mainAccount), "Allowed");
        assert.equal(await assume(stranger), "ImplicitlyDenied");
        assert.equal(await asRole(mainAccount, forwarder, "events:PutEvents", busArn), "Allowed");
        assert.equal(
            await asRole(mainAccount, forwarder, "events:PutEvents", `arn:aws:events:us-east-1:${mainAccount}:event-bus/default`),
            "ImplicitlyDenied",
        );
    });

    // "Enable compatibility between event sources from AWS services and encrypted topics" (SNS Developer Guide): the
    // service publishing (events.amazonaws.com) must be allowed kms:GenerateDataKey* and kms:Decrypt in the key policy.
    // SNS calls KMS with the encryption context {"aws:sns:topicArn": <topic ARN>}; AWS's examples for service
    // publishers condition on kms:EncryptionContext:aws:sns:topicArn (e.g. GameLift "Set up an SNS topic with
    // server-side encryption"). The request below carries what KMS sees then: the encryption context, no
    // aws:SourceAccount.
    it("lets EventBridge use the topic key for the failure topic, with the context KMS sees when SNS encrypts", async () => {
        const key = named(run, "aws:kms/key:Key", "automation-key");
        const keyArn = `arn:aws:kms:${homeRegion}:${mainAccount}:key/mock-key-automation-key`;
        const topic = named(run, "aws:sns/topic:Topic", "automation-failures");
        assert.equal(topic.inputs.kmsMasterKeyId, keyArn);
        const topicArn = `arn:aws:sns:${topic.region}:${topic.account}:${String(topic.inputs.name)}`;
        const use = (action: string, context: Record<string, string>, principal = "events.amazonaws.com"): Promise<Decision> =>
            decide(
                withSimulatableEncryptionContext({
                    principal,
                    action,
                    resource: keyArn,
                    resourceAccount: mainAccount,
                    resourcePolicy: policyOf(key) as unknown as PolicyDocument,
                    context,
                }),
            );
        const snsContext = { "kms:EncryptionContext:aws:sns:topicArn": topicArn };
        assert.equal(await use("kms:GenerateDataKey", snsContext), "Allowed");
        assert.equal(await use("kms:Decrypt", snsContext), "Allowed");
        const otherTopic = { "kms:EncryptionContext:aws:sns:topicArn": `arn:aws:sns:${homeRegion}:${mainAccount}:someone-elses-topic` };
        assert.equal(await use("kms:GenerateDataKey", otherTopic), "ImplicitlyDenied");
        assert.equal(await use("kms:GenerateDataKey", {}), "ImplicitlyDenied");
        assert.equal(await use("kms:GenerateDataKey", snsContext, "cloudtrail.amazonaws.com"), "ImplicitlyDenied");
    });

    // SNS topic policies for EventBridge: aws:SourceArn names the rule (EventBridge User Guide, "Using resource-based
    // policies for Amazon EventBridge"; rule ARN format from the Service Authorization Reference, "Amazon EventBridge").
    it("lets only this account's failure rule publish to the failure topic", async () => {
        const topic = named(run, "aws:sns/topic:Topic", "automation-failures");
        const topicArn = `arn:aws:sns:${topic.region}:${topic.account}:${String(topic.inputs.name)}`;
        const rule = named(run, "aws:cloudwatch/eventRule:EventRule", "automation-failures");
        const ruleArn = (account: string, ruleName: string): string => `arn:aws:events:${homeRegion}:${account}:rule/${ruleName}`;
        const publish = (sourceArn: string, sourceAccount: string): Promise<Decision> =>
            decide({
                principal: "events.amazonaws.com",
                action: "sns:Publish",
                resource: topicArn,
                resourceAccount: mainAccount,
                resourcePolicy: policyOf(
                    named(run, "aws:sns/topicPolicy:TopicPolicy", "automation-failures-policy"),
                ) as unknown as PolicyDocument,
                context: { "aws:SourceArn": sourceArn, "aws:SourceAccount": sourceAccount },
            });
        const ours = ruleArn(mainAccount, String(rule.inputs.name));
        assert.equal(await publish(ours, mainAccount), "Allowed");
        assert.equal(await publish(ruleArn(mainAccount, "another-rule"), mainAccount), "ImplicitlyDenied");
        assert.equal(await publish(ruleArn(stranger, String(rule.inputs.name)), stranger), "ImplicitlyDenied");
        assert.equal(await publish(ours, stranger), "ImplicitlyDenied");
    });
});

describe("cross-account Automation policies (iam-simulate)", () => {
    const adminPolicy = administrationPermissions("aws", org, [execution("222222222222"), execution("333333333333")]);
    const assumeExecution = (
        principal: string,
        account: string,
        identity = [adminPolicy],
        context: Record<string, string> = {},
    ): Promise<string> =>
        decide({
            principal,
            action: "sts:AssumeRole",
            resource: execution(account),
            resourceAccount: account,
            identityPolicies: identity,
            resourcePolicy: executionTrust(admin, account),
            context,
        });

    it("lets the administration role assume each execution role", async () => {
        assert.equal(await assumeExecution(admin, "222222222222"), "Allowed");
        assert.equal(await assumeExecution(admin, "333333333333"), "Allowed");
    });
    it("denies a role in another account", async () => {
        assert.equal(
            await assumeExecution("arn:aws:iam::888888888888:role/AWS-SystemsManager-AutomationAdministrationRole", "222222222222", [
                allowEverything,
            ]),
            "ImplicitlyDenied",
        );
    });
    it("denies the administration role any other role", async () => {
        const decision = await decide({
            principal: admin,
            action: "sts:AssumeRole",
            resource: "arn:aws:iam::222222222222:role/multi-account-ops-deploy",
            resourceAccount: "222222222222",
            identityPolicies: [adminPolicy],
            resourcePolicy: {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { AWS: admin }, Action: "sts:AssumeRole" }],
            },
        });
        assert.equal(decision, "ImplicitlyDenied");
    });
    it("lets only the administration role and Automation in the member's own account assume the execution role", async () => {
        assert.equal(await assumeExecution("ssm.amazonaws.com", "222222222222", [], { "aws:SourceAccount": "222222222222" }), "Allowed");
        assert.equal(
            await assumeExecution("ssm.amazonaws.com", "222222222222", [], { "aws:SourceAccount": "888888888888" }),
            "ImplicitlyDenied",
        );
        assert.equal(await assumeExecution(`arn:aws:iam::${main}:role/developer`, "222222222222", [allowEverything]), "ImplicitlyDenied");
        assert.equal(await assumeExecution("lambda.amazonaws.com", "222222222222", []), "ImplicitlyDenied");
    });
    it("lets Automation in the main account, and nobody else, assume the administration role", async () => {
        const trust = administrationTrust(main);
        const assumeAdmin = (principal: string, context: Record<string, string>): Promise<string> =>
            decide({ principal, action: "sts:AssumeRole", resource: admin, resourceAccount: main, resourcePolicy: trust, context });
        assert.equal(await assumeAdmin("ssm.amazonaws.com", { "aws:SourceAccount": main }), "Allowed");
        assert.equal(await assumeAdmin("ssm.amazonaws.com", { "aws:SourceAccount": "888888888888" }), "ImplicitlyDenied");
        assert.equal(await assumeAdmin("ec2.amazonaws.com", { "aws:SourceAccount": main }), "ImplicitlyDenied");
    });
    it("lets the execution role pass only itself", async () => {
        const pass = (resource: string): Promise<string> =>
            decide({
                principal: execution("222222222222"),
                action: "iam:PassRole",
                resource,
                resourceAccount: "222222222222",
                identityPolicies: [executionPassRole(execution("222222222222"))],
                context: { "iam:PassedToService": "ssm.amazonaws.com" },
            });
        assert.equal(await pass(execution("222222222222")), "Allowed");
        assert.equal(await pass("arn:aws:iam::222222222222:role/Admin"), "ImplicitlyDenied");
    });
});

/**
 * moto does not implement TestEventPattern, but it does route PutEvents through its rules' patterns:
 * the real rule pattern sends matching sample events to an SQS queue, and the test reads which arrived.
 */
describe("Automation failure event patterns (routed by moto's EventBridge)", () => {
    before(() => motoEndpoint());
    const statuses = ["Failed", "TimedOut", "Cancelled", "Success", "InProgress"];
    const detail = (detailType: string, status: string): Record<string, unknown> =>
        detailType === stepDetailType
            ? {
                  ExecutionId: "0f4c3d1e-1234-5678-9abc-def012345678",
                  Definition: "AWS-EnableS3BucketEncryption",
                  StepName: "PutBucketEncryption",
                  Action: "aws:executeAwsApi",
                  Status: status,
              }
            : {
                  ExecutionId: "0f4c3d1e-1234-5678-9abc-def012345678",
                  Definition: "AWS-EnableS3BucketEncryption",
                  DefinitionVersion: 1,
                  Status: status,
                  ExecutedBy: "arn:aws:sts::111111111111:assumed-role/admin/x",
              };

    async function delivered(): Promise<string[]> {
        const events = new EventBridgeClient({ region: "ap-northeast-1" });
        const sqs = new SQSClient({ region: "ap-northeast-1" });
        const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "automation-failures" }))).QueueUrl;
        const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes
            ?.QueueArn;
        await events.send(
            new PutRuleCommand({
                Name: "automation-failures",
                EventPattern: JSON.stringify(failurePattern([executionDetailType, stepDetailType])),
            }),
        );
        await events.send(new PutTargetsCommand({ Rule: "automation-failures", Targets: [{ Id: "queue", Arn: queueArn }] }));
        const entries = [executionDetailType, stepDetailType, "EC2 Command Status-change Notification"].flatMap((detailType) =>
            statuses.map((status) => ({ Source: "aws.ssm", DetailType: detailType, Detail: JSON.stringify(detail(detailType, status)) })),
        );
        for (let i = 0; i < entries.length; i += 10) await events.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }));
        const received: string[] = [];
        for (let attempt = 0; attempt < 5; attempt++) {
            const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
            for (const message of Messages ?? []) {
                const event = JSON.parse(message.Body ?? "{}") as { "detail-type": string; detail: { Status: string } };
                received.push(`${event["detail-type"]}/${event.detail.Status}`);
            }
            if (!Messages?.length) break;
        }
        return received.sort();
    }

    it("matches failed, timed-out and cancelled executions and steps, and nothing else", async () => {
        const expected = [executionDetailType, stepDetailType]
            .flatMap((detailType) => ["Cancelled", "Failed", "TimedOut"].map((status) => `${detailType}/${status}`))
            .sort();
        assert.deepEqual(await delivered(), expected);
    });
});
