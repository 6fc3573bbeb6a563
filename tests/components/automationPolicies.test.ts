import { strict as assert } from "node:assert";
import { partitionOf } from "../../components/arns";
import {
    administrationPermissions,
    administrationTrust,
    busPermission,
    executionDetailType,
    executionPassRole,
    executionScriptLogging,
    executionTargeting,
    executionTrust,
    failureKeyPolicy,
    failurePattern,
    failureTopicPolicy,
    forwarderPermissions,
    forwarderTrust,
    inlineGrant,
    stepDetailType,
} from "../../components/automation/policies";
import { scriptLogGroupName } from "../../components/automation/scriptLogs";
import { decide, withSimulatableEncryptionContext } from "../helpers/iam";
import { exampleConfig } from "../helpers/program";

/**
 * Cross-account Automation's documents for the example main stack (Pulumi.main.yaml): its organization,
 * main account, members, regions, role names and name prefix, as AutomationHub and AutomationMember pass
 * them. Fast and direct, for Stryker; tests/wiring/policyDocuments.test.ts checks the plan deploys these.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const config = exampleConfig("main") as Record<string, any>;
const org: string = config.organizationId;
const main: string = config.mainAccountId;
const region: string = config.homeRegion;
const regions: string[] = [config.homeRegion, ...config.extraRegions];
const partition = partitionOf(region);
const prefix: string = config.namePrefix;
const adminRoleArn = `arn:aws:iam::${main}:role/${config.automation.administrationRoleName}`;
const members: string[] = [...config.members, ...config.memberStacks].map((m: { accountId: string }) => m.accountId);
const member = members[0];
const executionRoleName: string = config.automation.executionRoleName;
const executionArn = (account: string): string => `arn:aws:iam::${account}:role/${executionRoleName}`;
const executionArns = members.map(executionArn);
const topicArn = `arn:aws:sns:${region}:${main}:${prefix}-automation-failures`;
const ruleArn = `arn:aws:events:${region}:${main}:rule/${prefix}-automation-failures`;
const busArn = `arn:aws:events:${region}:${main}:event-bus/default`;

describe("automation policies", () => {
    describe("administration role", () => {
        it("is assumed by Automation in the main account only", async () => {
            // Confused-deputy guard: aws:SourceAccount on the service principal's trust,
            // https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
            assert.deepEqual(administrationTrust(main), {
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Service: "ssm.amazonaws.com" },
                        Action: "sts:AssumeRole",
                        Condition: { StringEquals: { "aws:SourceAccount": main } },
                    },
                ],
            });
            const assume = (sourceAccount: string): Promise<string> =>
                decide({
                    principal: "ssm.amazonaws.com",
                    action: "sts:AssumeRole",
                    resource: adminRoleArn,
                    resourceAccount: main,
                    resourcePolicy: administrationTrust(main),
                    context: { "aws:SourceAccount": sourceAccount },
                });
            assert.equal(await assume(main), "Allowed");
            assert.equal(await assume(member), "ImplicitlyDenied");
        });

        const ouList = {
            Sid: "ListAccountsOfTargetOus",
            Effect: "Allow",
            Action: "organizations:ListAccountsForParent",
            // Organizations OU and root ARNs: arn:aws:organizations::<management account>:ou/<org>/ou-... and
            // .../root/<org>/r-... (Service Authorization Reference, "AWS Organizations", resource types).
            Resource: [`arn:aws:organizations::*:ou/${org}/ou-*`, `arn:aws:organizations::*:root/${org}/r-*`],
        };

        it("assumes exactly the members' execution roles (sorted), and lists only this organization's OUs and roots", () => {
            assert.deepEqual(administrationPermissions(partition, org, [...executionArns].reverse()), {
                Version: "2012-10-17",
                Statement: [
                    { Sid: "AssumeExecutionRoles", Effect: "Allow", Action: "sts:AssumeRole", Resource: [...executionArns].sort() },
                    ouList,
                ],
            });
        });

        it("above the exact-ARN limit, assumes the execution role name in this organization's accounts only", async () => {
            const orgWide = administrationPermissions(partition, org, executionArns, { executionRoleName });
            assert.deepEqual(orgWide, {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "AssumeExecutionRolesInOrganization",
                        Effect: "Allow",
                        Action: "sts:AssumeRole",
                        Resource: `arn:aws:iam::*:role/${executionRoleName}`,
                        // aws:ResourceOrgID: the organization of the account that owns the resource,
                        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid
                        Condition: { StringEquals: { "aws:ResourceOrgID": org } },
                    },
                    ouList,
                ],
            });
            const assume = (target: string, resourceOrg: string): Promise<string> =>
                decide({
                    principal: adminRoleArn,
                    action: "sts:AssumeRole",
                    resource: target,
                    resourceAccount: target.split(":")[4],
                    identityPolicies: [orgWide],
                    resourcePolicy: executionTrust(adminRoleArn, target.split(":")[4]),
                    context: { "aws:ResourceOrgID": resourceOrg },
                });
            assert.equal(await assume(executionArn(member), org), "Allowed");
            assert.equal(await assume(executionArn(member), "o-otherorg999"), "ImplicitlyDenied");
        });

        it("lists the accounts of this organization's OUs, not another's (iam-simulate)", async () => {
            const list = (resource: string): Promise<string> =>
                decide({
                    principal: adminRoleArn,
                    action: "organizations:ListAccountsForParent",
                    resource,
                    // OUs and roots carry no resource policy: the identity policy alone decides, so evaluate it in-account.
                    resourceAccount: main,
                    identityPolicies: [administrationPermissions(partition, org, executionArns)],
                });
            assert.equal(await list(`arn:aws:organizations::999999999999:ou/${org}/ou-ab12-cdef3456`), "Allowed");
            assert.equal(await list(`arn:aws:organizations::999999999999:root/${org}/r-ab12`), "Allowed");
            assert.equal(await list(`arn:aws:organizations::999999999999:ou/o-otherorg999/ou-ab12-cdef3456`), "ImplicitlyDenied");
        });
    });

    describe("execution role", () => {
        it("trusts the administration role's exact ARN, and Automation in its own account", async () => {
            const trust = executionTrust(adminRoleArn, member);
            assert.deepEqual(trust, {
                Version: "2012-10-17",
                Statement: [
                    { Sid: "AutomationAdministration", Effect: "Allow", Principal: { AWS: adminRoleArn }, Action: "sts:AssumeRole" },
                    {
                        Sid: "AutomationInThisAccount",
                        Effect: "Allow",
                        Principal: { Service: "ssm.amazonaws.com" },
                        Action: "sts:AssumeRole",
                        // https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
                        Condition: { StringEquals: { "aws:SourceAccount": member } },
                    },
                ],
            });
            const bySsm = (sourceAccount: string): Promise<string> =>
                decide({
                    principal: "ssm.amazonaws.com",
                    action: "sts:AssumeRole",
                    resource: executionArn(member),
                    resourceAccount: member,
                    resourcePolicy: trust,
                    context: { "aws:SourceAccount": sourceAccount },
                });
            assert.equal(await bySsm(member), "Allowed");
            assert.equal(await bySsm(main), "ImplicitlyDenied");
        });

        it("passes only itself, and only to Systems Manager", async () => {
            const pass = executionPassRole(executionArn(member));
            assert.deepEqual(pass, {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "PassOnlyItself",
                        Effect: "Allow",
                        Action: "iam:PassRole",
                        Resource: executionArn(member),
                        // iam:PassedToService names the service the role is passed to:
                        // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
                        Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
                    },
                ],
            });
            const passTo = (role: string, service: string): Promise<string> =>
                decide({
                    principal: executionArn(member),
                    action: "iam:PassRole",
                    resource: role,
                    resourceAccount: member,
                    identityPolicies: [pass],
                    context: { "iam:PassedToService": service },
                });
            assert.equal(await passTo(executionArn(member), "ssm.amazonaws.com"), "Allowed");
            assert.equal(await passTo(executionArn(member), "ec2.amazonaws.com"), "ImplicitlyDenied");
            assert.equal(
                await passTo(`arn:aws:iam::${member}:role/OrganizationAccountAccessRole`, "ssm.amazonaws.com"),
                "ImplicitlyDenied",
            );
        });

        it("finds targets by tag, instance and the account's resource groups in its regions", () => {
            assert.deepEqual(executionTargeting(partition, member, regions), {
                Version: "2012-10-17",
                Statement: [
                    { Sid: "FindTargetsByTag", Effect: "Allow", Action: "tag:GetResources", Resource: "*" },
                    { Sid: "FindTargetInstances", Effect: "Allow", Action: "ec2:DescribeInstances", Resource: "*" },
                    {
                        Sid: "FindTargetsByResourceGroup",
                        Effect: "Allow",
                        Action: "resource-groups:ListGroupResources",
                        Resource: regions.map((r) => `arn:aws:resource-groups:${r}:${member}:group/*`),
                    },
                ],
            });
        });

        it("writes aws:executeScript output to the script log group of each region", () => {
            const groups = regions.map((r) => `arn:aws:logs:${r}:${member}:log-group:${scriptLogGroupName(prefix)}`);
            assert.deepEqual(executionScriptLogging(groups), {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "WriteScriptLogs",
                        Effect: "Allow",
                        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                        Resource: groups.flatMap((g) => [g, `${g}:*`]),
                    },
                    { Sid: "FindScriptLogGroup", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
                ],
            });
        });

        it("grants the configured inline policies as given", () => {
            const [grant] = Object.values(config.automation.inlinePolicies as Record<string, { actions: string[]; resources: string[] }>);
            assert.deepEqual(inlineGrant(grant.actions, grant.resources), {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: grant.actions, Resource: grant.resources }],
            });
        });
    });

    describe("failure notifications", () => {
        it("match failed, timed-out and cancelled executions and steps", () => {
            // "Monitoring Systems Manager events with Amazon EventBridge": Automation's detail types and Status values.
            assert.equal(executionDetailType, "EC2 Automation Execution Status-change Notification");
            assert.equal(stepDetailType, "EC2 Automation Step Status-change Notification");
            assert.deepEqual(failurePattern([executionDetailType, stepDetailType]), {
                source: ["aws.ssm"],
                "detail-type": [executionDetailType, stepDetailType],
                detail: { Status: ["Failed", "TimedOut", "Cancelled"] },
            });
        });

        it("add one statement to the main bus: events from the organization's accounts", () => {
            // PutPermission with a Condition on aws:PrincipalOrgID ("Permissions for Amazon EventBridge event buses",
            // EventBridge User Guide; the EventPermission's condition key).
            assert.deepEqual(busPermission(prefix, org), {
                statementId: `${prefix}-automation-failures`,
                principal: "*",
                action: "events:PutEvents",
                condition: { type: "StringEquals", key: "aws:PrincipalOrgID", value: org },
            });
        });

        it("forward from each account through a role only EventBridge of that account assumes, onto the main bus only", async () => {
            assert.deepEqual(forwarderTrust(member), {
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Service: "events.amazonaws.com" },
                        Action: "sts:AssumeRole",
                        Condition: { StringEquals: { "aws:SourceAccount": member } },
                    },
                ],
            });
            assert.deepEqual(forwarderPermissions(busArn), {
                Version: "2012-10-17",
                Statement: [{ Sid: "PutOnMainBus", Effect: "Allow", Action: "events:PutEvents", Resource: busArn }],
            });
        });

        it("reach the topic only from this account's failure rule", async () => {
            const topicPolicy = failureTopicPolicy(topicArn, ruleArn, main);
            assert.deepEqual(topicPolicy, {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "FailureRulePublishes",
                        Effect: "Allow",
                        Principal: { Service: "events.amazonaws.com" },
                        Action: "sns:Publish",
                        Resource: topicArn,
                        // "Using resource-based policies for Amazon EventBridge", Amazon SNS permissions:
                        // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
                        // (aws:SourceArn the rule, aws:SourceAccount the account: confused-deputy guard,
                        // https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
                        Condition: { ArnEquals: { "aws:SourceArn": ruleArn }, StringEquals: { "aws:SourceAccount": main } },
                    },
                ],
            });
            const publish = (context: Record<string, string>): Promise<string> =>
                decide({
                    principal: "events.amazonaws.com",
                    action: "sns:Publish",
                    resource: topicArn,
                    resourceAccount: main,
                    resourcePolicy: topicPolicy,
                    context,
                });
            assert.equal(await publish({ "aws:SourceArn": ruleArn, "aws:SourceAccount": main }), "Allowed");
            assert.equal(await publish({ "aws:SourceArn": `${ruleArn}-other`, "aws:SourceAccount": main }), "ImplicitlyDenied");
            assert.equal(await publish({ "aws:SourceArn": ruleArn, "aws:SourceAccount": member }), "ImplicitlyDenied");
        });

        it("encrypt with a key EventBridge may use for this topic only", async () => {
            const keyPolicy = failureKeyPolicy(partition, main, topicArn);
            assert.deepEqual(keyPolicy, {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "AccountAdministersKeyThroughIam",
                        Effect: "Allow",
                        Principal: { AWS: `arn:aws:iam::${main}:root` },
                        Action: "kms:*",
                        Resource: "*",
                    },
                    {
                        Sid: "EventBridgeEncryptsNotifications",
                        Effect: "Allow",
                        Principal: { Service: "events.amazonaws.com" },
                        // "Enable compatibility between event sources from AWS services and encrypted topics" (SNS Developer
                        // Guide): kms:GenerateDataKey* and kms:Decrypt; SNS's encryption context is aws:sns:topicArn
                        // ("Data encryption", SNS Developer Guide, encryption context).
                        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                        Resource: "*",
                        Condition: { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": topicArn } },
                    },
                ],
            });
            const use = (action: string, topic: string): Promise<string> =>
                decide(
                    withSimulatableEncryptionContext({
                        principal: "events.amazonaws.com",
                        action,
                        resource: `arn:aws:kms:${region}:${main}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
                        resourceAccount: main,
                        resourcePolicy: keyPolicy,
                        context: { "kms:EncryptionContext:aws:sns:topicArn": topic },
                    }),
                );
            assert.equal(await use("kms:GenerateDataKey", topicArn), "Allowed");
            assert.equal(await use("kms:Decrypt", topicArn), "Allowed");
            assert.equal(await use("kms:GenerateDataKey", `${topicArn}-other`), "ImplicitlyDenied");
            assert.equal(await use("kms:Encrypt", topicArn), "ImplicitlyDenied");
        });
    });
});
