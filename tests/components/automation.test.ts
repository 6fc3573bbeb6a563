import { strict as assert } from "node:assert";
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import {
    administrationPermissions,
    administrationTrust,
    busPolicy,
    executionDetailType,
    executionPassRole,
    executionTrust,
    failurePattern,
    stepDetailType,
} from "../../components/automation/policies";
import type { ProgramRun } from "../../offline/recorder";
import { allowEverything, decide } from "../helpers/iam";
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
        const policy = named(run, "aws:cloudwatch/eventBusPolicy:EventBusPolicy", "automation-bus-policy");
        assert.equal(policy.account, main);
        assert.deepEqual((policyOf(policy).Statement as { Condition: unknown }[])[0].Condition, {
            StringEquals: { "aws:PrincipalOrgID": org },
        });
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

describe("cross-account Automation policies (iam-simulate)", () => {
    const adminPolicy = administrationPermissions([execution("222222222222"), execution("333333333333")]);
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
    it("lets the main bus take events from the organization only", async () => {
        const bus = `arn:aws:events:ap-northeast-1:${main}:event-bus/default`;
        const put = (principal: string, orgId: string): Promise<string> =>
            decide({
                principal,
                action: "events:PutEvents",
                resource: bus,
                resourceAccount: main,
                identityPolicies: [allowEverything],
                resourcePolicy: busPolicy(bus, org),
                context: { "aws:PrincipalOrgID": orgId },
            });
        assert.equal(await put("arn:aws:iam::222222222222:role/multi-account-ops-automation-forwarder", org), "Allowed");
        assert.equal(await put("arn:aws:iam::888888888888:role/forwarder", "o-otherorg999"), "ImplicitlyDenied");
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
