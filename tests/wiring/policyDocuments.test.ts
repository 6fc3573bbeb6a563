import { strict as assert } from "node:assert";
import type { Registration } from "../../offline/recorder";
import { asList, statementsOf, wiringPlans, type Statement, type WiringPlan } from "./plans";

/**
 * The conditions the direct policy tests (tests/components/*Policies.test.ts) pin, checked where they are
 * deployed: in every plan of the repository's stack configs and the generated every-option stacks. Each
 * expected value comes from another resource of the same plan (the log group that uses the key, the role
 * the policy is attached to, the rule that targets the topic) and from the config, never from the policy code.
 * The plans are shared with the other wiring tests (one computation per test process).
 */

function policyOf(registration: Registration, input = "policy"): Statement[] {
    const text = registration.inputs[input];
    assert.equal(typeof text, "string", `${registration.name}.${input} is a JSON document`);
    return statementsOf(JSON.parse(text as string) as { Statement: Statement | Statement[] });
}

function ofType(plan: WiringPlan, type: string): Registration[] {
    return plan.run.registrations.filter((r) => r.type === type);
}

describe("deployed policy conditions (every plan)", function () {
    this.timeout(15 * 60 * 1000);
    let plans: WiringPlan[] = [];
    before(async () => {
        plans = await wiringPlans();
    });

    it("each Session Manager key lets CloudWatch Logs of its region use it for the log group it encrypts, only", () => {
        // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html: principal
        // logs.<region>.amazonaws.com, ArnEquals kms:EncryptionContext:aws:logs:arn = the log group's ARN.
        let checked = 0;
        for (const plan of plans) {
            const prefix = String(plan.values.namePrefix ?? plan.mainValues.namePrefix ?? "multi-account-ops");
            for (const key of ofType(plan, "aws:kms/key:Key").filter((k) => /-sessions-key-/.test(k.name))) {
                const keyArn = `arn:aws:kms:${key.region}:${key.account}:key/`;
                const groups = ofType(plan, "aws:cloudwatch/logGroup:LogGroup").filter(
                    (g) => g.account === key.account && g.region === key.region && String(g.inputs.kmsKeyId ?? "").startsWith(keyArn),
                );
                const sessionGroups = groups.filter((g) => g.inputs.name === `/${prefix}/session-manager`);
                assert.equal(sessionGroups.length, 1, `${plan.label}: ${key.name} encrypts the session log group`);
                const group = sessionGroups[0];
                const logs = policyOf(key).filter((s) => s.Sid === "CloudWatchLogsEncrypts");
                assert.equal(logs.length, 1, `${plan.label}: ${key.name} has one CloudWatch Logs statement`);
                assert.deepEqual(logs[0].Principal, { Service: `logs.${key.region}.amazonaws.com` });
                assert.deepEqual(logs[0].Condition, {
                    ArnEquals: {
                        "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${group.region}:${group.account}:log-group:${String(group.inputs.name)}`,
                    },
                });
                checked++;
            }
        }
        assert.ok(checked > 0, "the plans have Session Manager keys");
    });

    it("each Automation execution role passes only itself, only to Systems Manager", () => {
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html: iam:PassedToService.
        let checked = 0;
        for (const plan of plans) {
            const automation = (plan.values.automation ?? plan.mainValues.automation) as { executionRoleName?: string } | undefined;
            for (const attached of ofType(plan, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs.name === "pass-only-itself")) {
                assert.equal(
                    attached.inputs.role,
                    // Unset, it is the name AWS's multi-account Automation setup uses ("Running automations in multiple
                    // AWS Regions and accounts": AWS-SystemsManager-AutomationExecutionRole).
                    automation?.executionRoleName ?? "AWS-SystemsManager-AutomationExecutionRole",
                    `${plan.label}: attached to the configured execution role`,
                );
                const statements = policyOf(attached);
                assert.deepEqual(statements, [
                    {
                        Sid: "PassOnlyItself",
                        Effect: "Allow",
                        Action: "iam:PassRole",
                        Resource: `arn:aws:iam::${attached.account}:role/${String(attached.inputs.role)}`,
                        Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
                    },
                ]);
                checked++;
            }
        }
        assert.ok(checked > 0, "the plans have Automation execution roles");
    });

    it("each Automation failure topic takes messages only from the rule that targets it, in its account", () => {
        // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions;
        // aws:SourceArn and aws:SourceAccount: https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
        let checked = 0;
        for (const plan of plans) {
            for (const topicPolicy of ofType(plan, "aws:sns/topicPolicy:TopicPolicy")) {
                const publishers = policyOf(topicPolicy).filter((s) => s.Sid === "FailureRulePublishes");
                if (publishers.length === 0) continue;
                const topicArn = String(topicPolicy.inputs.arn);
                const targets = ofType(plan, "aws:cloudwatch/eventTarget:EventTarget").filter((t) => t.inputs.arn === topicArn);
                assert.equal(targets.length, 1, `${plan.label}: one rule targets ${topicArn}`);
                const rules = ofType(plan, "aws:cloudwatch/eventRule:EventRule").filter(
                    (r) => r.inputs.name === targets[0].inputs.rule && r.account === topicPolicy.account && r.region === topicPolicy.region,
                );
                assert.equal(rules.length, 1);
                // The default bus's rule ARN: arn:aws:events:<region>:<account>:rule/<name> (EventBridge resource types).
                const ruleArn = `arn:aws:events:${rules[0].region}:${rules[0].account}:rule/${String(rules[0].inputs.name)}`;
                assert.deepEqual(publishers[0].Principal, { Service: "events.amazonaws.com" });
                assert.deepEqual(asList(publishers[0].Action), ["sns:Publish"]);
                assert.deepEqual(publishers[0].Condition, {
                    ArnEquals: { "aws:SourceArn": ruleArn },
                    StringEquals: { "aws:SourceAccount": topicPolicy.account },
                });
                checked++;
            }
        }
        assert.ok(checked > 0, "the plans have Automation failure topics");
    });
});
