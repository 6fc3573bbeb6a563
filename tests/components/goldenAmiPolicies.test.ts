import { strict as assert } from "node:assert";
import {
    imageBuilderServiceLinkedRoleArn,
    imageTopicPolicy,
    notificationKeyPolicy,
    orgReaderPermissions,
    orgReaderTrust,
    parameterWriterPermissions,
    parameterWriterTrust,
    publisherPermissions,
    type PublisherPermissionArgs,
} from "../../components/goldenAmi/policies";
import { allowEverything, decide } from "../helpers/iam";

const org = "o-exampleorg1";
const main = "111111111111";
const member = "222222222222";
const roleA = `arn:aws:iam::${main}:role/multi-account-ops-ami-publisher`;
const roleB = (account: string): string => `arn:aws:iam::${account}:role/LambdaExecutionRoleForSSMParam`;
const inOrg = { "aws:PrincipalOrgID": org };

const publisherArgs: PublisherPermissionArgs = {
    partition: "aws",
    mainAccountId: main,
    parameterPrefix: "/ec2-imagebuilder/latest",
    targetRoleName: "LambdaExecutionRoleForSSMParam",
    targetRoleArns: [roleB(member), roleB("333333333333")],
    sharedOrganizationIds: [],
    sharedOrganizationalUnits: [],
    listOrganizationDirectly: false,
    logGroupArn: `arn:aws:logs:ap-northeast-1:${main}:log-group:/aws/lambda/multi-account-ops-ami-publisher`,
    deadLetterQueueArn: `arn:aws:sqs:ap-northeast-1:${main}:multi-account-ops-ami-publisher-dead-letters`,
    keyArn: `arn:aws:kms:ap-northeast-1:${main}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
};
const roleAPolicy = publisherPermissions(publisherArgs);
const roleBTrust = parameterWriterTrust(roleA, org);

async function assumeRoleB(
    principal: string,
    target: string,
    identity = [roleAPolicy],
    context: Record<string, string | string[]> = inOrg,
): Promise<string> {
    return decide({
        principal,
        action: "sts:AssumeRole",
        resource: target,
        resourceAccount: target.split(":")[4],
        identityPolicies: identity,
        resourcePolicy: roleBTrust,
        context,
    });
}

describe("golden AMI policies (iam-simulate)", () => {
    describe("role A assuming role B", () => {
        it("allows role A, from the organization, to assume a member's role B", async () => {
            assert.equal(await assumeRoleB(roleA, roleB(member)), "Allowed");
        });
        it("denies a role in another account, even with admin rights", async () => {
            assert.equal(
                await assumeRoleB("arn:aws:iam::888888888888:role/intruder", roleB(member), [allowEverything], {
                    "aws:PrincipalOrgID": org,
                }),
                "ImplicitlyDenied",
            );
        });
        it("denies another role in the main account", async () => {
            assert.equal(await assumeRoleB(`arn:aws:iam::${main}:role/developer`, roleB(member), [allowEverything]), "ImplicitlyDenied");
        });
        it("denies role A calling from another organization", async () => {
            assert.equal(
                await assumeRoleB(roleA, roleB(member), [roleAPolicy], { "aws:PrincipalOrgID": "o-otherorg999" }),
                "ImplicitlyDenied",
            );
        });
        it("denies role A assuming a role that is not a member's role B", async () => {
            const adminTrust = {
                Version: "2012-10-17" as const,
                Statement: [{ Effect: "Allow" as const, Principal: { AWS: roleA }, Action: "sts:AssumeRole" }],
            };
            const decision = await decide({
                principal: roleA,
                action: "sts:AssumeRole",
                resource: `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`,
                resourceAccount: member,
                identityPolicies: [roleAPolicy],
                resourcePolicy: adminTrust,
                context: inOrg,
            });
            assert.equal(decision, "ImplicitlyDenied");
        });
        it("denies role A assuming role B in an account it was not configured for", async () => {
            assert.equal(await assumeRoleB(roleA, roleB("999999999999")), "ImplicitlyDenied");
        });
    });

    describe("role A with OU sharing", () => {
        const shared = publisherPermissions({
            ...publisherArgs,
            sharedOrganizationalUnits: [{ organizationId: org, ouId: "ou-ab12-cdef3456" }],
        });
        const target = roleB("555555555555");
        it("allows role B in an account below the shared OU", async () => {
            const context = { ...inOrg, "aws:ResourceOrgPaths": [`${org}/r-ab12/ou-ab12-cdef3456/ou-ab12-nested01/`] };
            assert.equal(await assumeRoleB(roleA, target, [shared], context), "Allowed");
        });
        it("denies role B in an account of another OU", async () => {
            const context = { ...inOrg, "aws:ResourceOrgPaths": [`${org}/r-ab12/ou-ab12-other999/`] };
            assert.equal(await assumeRoleB(roleA, target, [shared], context), "ImplicitlyDenied");
        });
        it("denies any other role name in a shared-OU account", async () => {
            const context = { ...inOrg, "aws:ResourceOrgPaths": [`${org}/r-ab12/ou-ab12-cdef3456/`] };
            const anyTrust = {
                Version: "2012-10-17" as const,
                Statement: [{ Effect: "Allow" as const, Principal: { AWS: roleA }, Action: "sts:AssumeRole" }],
            };
            const decision = await decide({
                principal: roleA,
                action: "sts:AssumeRole",
                resource: "arn:aws:iam::555555555555:role/Admin",
                resourceAccount: "555555555555",
                identityPolicies: [shared],
                resourcePolicy: anyTrust,
                context,
            });
            assert.equal(decision, "ImplicitlyDenied");
        });
    });

    describe("role B permissions", () => {
        const roleBPolicy = parameterWriterPermissions("aws", member, "/ec2-imagebuilder/latest");
        const write = (resource: string, action = "ssm:PutParameter"): Promise<string> =>
            decide({
                principal: roleB(member),
                action,
                resource,
                resourceAccount: resource.split(":")[4],
                identityPolicies: [roleBPolicy],
            });
        it("allows writing and labelling a parameter under the prefix, in any region", async () => {
            assert.equal(await write(`arn:aws:ssm:us-east-1:${member}:parameter/ec2-imagebuilder/latest/golden-al2023`), "Allowed");
            assert.equal(
                await write(`arn:aws:ssm:eu-west-1:${member}:parameter/ec2-imagebuilder/latest/golden-al2023`, "ssm:LabelParameterVersion"),
                "Allowed",
            );
        });
        it("denies a parameter outside the prefix", async () => {
            assert.equal(await write(`arn:aws:ssm:us-east-1:${member}:parameter/app/database-password`), "ImplicitlyDenied");
            assert.equal(await write(`arn:aws:ssm:us-east-1:${member}:parameter/ec2-imagebuilder/other`), "ImplicitlyDenied");
        });
        it("denies deleting the parameter", async () => {
            assert.equal(
                await write(`arn:aws:ssm:us-east-1:${member}:parameter/ec2-imagebuilder/latest/golden-al2023`, "ssm:DeleteParameter"),
                "ImplicitlyDenied",
            );
        });
    });

    describe("role A in its own account", () => {
        it("may write its own account's parameters but not a member's directly", async () => {
            const own = `arn:aws:ssm:ap-northeast-1:${main}:parameter/ec2-imagebuilder/latest/golden-al2023`;
            assert.equal(
                await decide({
                    principal: roleA,
                    action: "ssm:PutParameter",
                    resource: own,
                    resourceAccount: main,
                    identityPolicies: [roleAPolicy],
                }),
                "Allowed",
            );
            const theirs = `arn:aws:ssm:ap-northeast-1:${member}:parameter/ec2-imagebuilder/latest/golden-al2023`;
            assert.equal(
                await decide({
                    principal: roleA,
                    action: "ssm:PutParameter",
                    resource: theirs,
                    resourceAccount: member,
                    identityPolicies: [roleAPolicy],
                }),
                "ImplicitlyDenied",
            );
        });
        it("may send to its dead-letter queue only", async () => {
            assert.equal(
                await decide({
                    principal: roleA,
                    action: "sqs:SendMessage",
                    resource: publisherArgs.deadLetterQueueArn,
                    resourceAccount: main,
                    identityPolicies: [roleAPolicy],
                }),
                "Allowed",
            );
            const other = `arn:aws:sqs:ap-northeast-1:${main}:orders`;
            assert.equal(
                await decide({
                    principal: roleA,
                    action: "sqs:SendMessage",
                    resource: other,
                    resourceAccount: main,
                    identityPolicies: [roleAPolicy],
                }),
                "ImplicitlyDenied",
            );
        });
    });

    describe("image topic", () => {
        const topicArn = `arn:aws:sns:ap-northeast-1:${main}:multi-account-ops-image-builder`;
        const topicPolicy = imageTopicPolicy("aws", main, topicArn);
        const slr = imageBuilderServiceLinkedRoleArn("aws", main);
        const publish = (principal: string, identity = [allowEverything]): Promise<string> =>
            decide({
                principal,
                action: "sns:Publish",
                resource: topicArn,
                resourceAccount: main,
                identityPolicies: identity,
                resourcePolicy: topicPolicy,
            });
        it("lets Image Builder's service-linked role publish, with no IAM policy of its own", async () => {
            assert.equal(await publish(slr, []), "Allowed");
        });
        it("denies an administrator of the same account", async () => {
            assert.equal(await publish(`arn:aws:iam::${main}:role/admin`), "ExplicitlyDenied");
        });
        it("denies another account, and Image Builder of another account", async () => {
            assert.equal(await publish("arn:aws:iam::888888888888:role/intruder"), "ExplicitlyDenied");
            assert.equal(await publish(imageBuilderServiceLinkedRoleArn("aws", "888888888888"), []), "ExplicitlyDenied");
        });
    });

    describe("notification key", () => {
        const keyPolicy = notificationKeyPolicy(
            "aws",
            main,
            "ap-northeast-1",
            `arn:aws:sns:ap-northeast-1:${main}:multi-account-ops-ami-ops`,
        );
        const key = publisherArgs.keyArn;
        const use = (principal: string, viaService: string, identity: never[] = []): Promise<string> =>
            decide({
                principal,
                action: "kms:GenerateDataKey",
                resource: key,
                resourceAccount: main,
                identityPolicies: identity,
                resourcePolicy: keyPolicy,
                context: { "kms:ViaService": viaService },
            });
        it("lets Image Builder encrypt through SNS", async () => {
            assert.equal(await use(imageBuilderServiceLinkedRoleArn("aws", main), "sns.ap-northeast-1.amazonaws.com"), "Allowed");
        });
        it("denies Image Builder outside SNS, and another account's Image Builder", async () => {
            assert.equal(await use(imageBuilderServiceLinkedRoleArn("aws", main), "s3.ap-northeast-1.amazonaws.com"), "ImplicitlyDenied");
            assert.equal(
                await use(imageBuilderServiceLinkedRoleArn("aws", "888888888888"), "sns.ap-northeast-1.amazonaws.com"),
                "ImplicitlyDenied",
            );
        });
    });

    describe("organization reader", () => {
        it("only role A may assume it, and it may only list", async () => {
            const reader = "arn:aws:iam::999999999999:role/multi-account-ops-org-reader";
            const trust = orgReaderTrust(roleA, org);
            const assume = (principal: string): Promise<string> =>
                decide({
                    principal,
                    action: "sts:AssumeRole",
                    resource: reader,
                    resourceAccount: "999999999999",
                    identityPolicies: [allowEverything],
                    resourcePolicy: trust,
                    context: inOrg,
                });
            assert.equal(await assume(roleA), "Allowed");
            assert.equal(await assume(`arn:aws:iam::${main}:role/developer`), "ImplicitlyDenied");
            const permissions = orgReaderPermissions();
            assert.equal(
                await decide({
                    principal: reader,
                    action: "organizations:ListAccountsForParent",
                    resource: "*",
                    resourceAccount: "999999999999",
                    identityPolicies: [permissions],
                }),
                "Allowed",
            );
            assert.equal(
                await decide({
                    principal: reader,
                    action: "organizations:CreateAccount",
                    resource: "*",
                    resourceAccount: "999999999999",
                    identityPolicies: [permissions],
                }),
                "ImplicitlyDenied",
            );
        });
    });
});
