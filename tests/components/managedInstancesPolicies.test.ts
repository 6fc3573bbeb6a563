import { strict as assert } from "node:assert";
import { partitionOf } from "../../components/arns";
import {
    defaultHostManagementTrust,
    instanceRoleTrust,
    sessionKeyPolicy,
    sessionPermissions,
} from "../../components/managedInstances/policies";
import { decide, withSimulatableEncryptionContext } from "../helpers/iam";
import { exampleConfig } from "../helpers/program";

/**
 * The managed-instances documents for the example main stack (Pulumi.main.yaml): its account, regions and
 * name prefix, as ManagedInstances passes them (the session log group is `/<namePrefix>/session-manager`).
 * Fast and direct, for Stryker; tests/wiring/policyDocuments.test.ts checks the plan deploys these same documents.
 */
const config = exampleConfig("main") as { mainAccountId: string; homeRegion: string; extraRegions: string[]; namePrefix: string };
const account = config.mainAccountId;
const region = config.extraRegions[0];
const partition = partitionOf(region);
const logGroupName = `/${config.namePrefix}/session-manager`;
const logGroupArn = `arn:aws:logs:${region}:${account}:log-group:${logGroupName}`;
const keyArn = `arn:aws:kms:${region}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

describe("managed-instances policies", () => {
    it("trusts EC2 with the instance role and Systems Manager with the Default Host Management role, nothing else", () => {
        // "IAM role for EC2 instances" (Systems Manager User Guide, Step 2): the instance profile's role trusts ec2.amazonaws.com.
        assert.deepEqual(instanceRoleTrust(), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
        // "Default Host Management Configuration" (Systems Manager User Guide): the role trusts ssm.amazonaws.com.
        assert.deepEqual(defaultHostManagementTrust(), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ssm.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
    });

    describe("session key", () => {
        const keyPolicy = sessionKeyPolicy(partition, account, region, logGroupName);

        it("is administered by the account and used by CloudWatch Logs of its region for the session log group only", () => {
            assert.deepEqual(keyPolicy, {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "AccountAdministersKeyThroughIam",
                        Effect: "Allow",
                        Principal: { AWS: `arn:aws:iam::${account}:root` },
                        Action: "kms:*",
                        Resource: "*",
                    },
                    {
                        Sid: "CloudWatchLogsEncrypts",
                        Effect: "Allow",
                        // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html ("Step 2: Set
                        // permissions on the KMS key"): the regional principal logs.<region>.amazonaws.com, these five
                        // action groups, and ArnEquals on kms:EncryptionContext:aws:logs:arn with the log group's ARN
                        // ("AWS KMS keys and encryption context" on the same page).
                        Principal: { Service: `logs.${region}.amazonaws.com` },
                        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                        Resource: "*",
                        Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": logGroupArn } },
                    },
                ],
            });
        });

        const logsUses = (action: string, principal: string, context: Record<string, string>): Promise<string> =>
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
        const forSessions = { "kms:EncryptionContext:aws:logs:arn": logGroupArn };

        it("lets CloudWatch Logs encrypt and decrypt the session log group's events (iam-simulate)", async () => {
            for (const action of ["kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:DescribeKey"])
                assert.equal(await logsUses(action, `logs.${region}.amazonaws.com`, forSessions), "Allowed", action);
        });
        it("denies CloudWatch Logs for another log group, and CloudWatch Logs of another region (iam-simulate)", async () => {
            const otherGroup = { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${region}:${account}:log-group:/other` };
            assert.equal(await logsUses("kms:GenerateDataKey", `logs.${region}.amazonaws.com`, otherGroup), "ImplicitlyDenied");
            assert.equal(await logsUses("kms:GenerateDataKey", `logs.${config.homeRegion}.amazonaws.com`, forSessions), "ImplicitlyDenied");
        });
        it("does not let CloudWatch Logs manage the key (iam-simulate)", async () => {
            assert.equal(await logsUses("kms:ScheduleKeyDeletion", `logs.${region}.amazonaws.com`, forSessions), "ImplicitlyDenied");
        });
    });

    describe("session permissions", () => {
        const permissions = sessionPermissions([logGroupArn], [keyArn]);

        it("write to the session log groups and use the session keys only", () => {
            assert.deepEqual(permissions, {
                Version: "2012-10-17",
                Statement: [
                    {
                        // "Step 2: Verify or add instance permissions for Session Manager" (Systems Manager User Guide):
                        // logs:CreateLogStream, PutLogEvents, DescribeLogStreams on the group and its streams.
                        Sid: "WriteSessionLogs",
                        Effect: "Allow",
                        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                        Resource: [logGroupArn, `${logGroupArn}:*`],
                    },
                    // DescribeLogGroups has no resource-level permissions (Service Authorization Reference, "Amazon CloudWatch Logs").
                    { Sid: "FindSessionLogGroup", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
                    // Same page: kms:Decrypt (and GenerateDataKey for encrypted session data) on the preferences' key.
                    { Sid: "UseSessionKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [keyArn] },
                ],
            });
        });

        const instance = `arn:aws:iam::${account}:role/${config.namePrefix}-ssm-instance`;
        // A KMS key needs its key policy too: the account's administration statement is what lets IAM policies grant it.
        const keyPolicy = sessionKeyPolicy(partition, account, region, logGroupName);
        const call = (action: string, resource: string): Promise<string> =>
            decide({
                principal: instance,
                action,
                resource,
                resourceAccount: account,
                identityPolicies: [permissions],
                resourcePolicy: resource.startsWith("arn:aws:kms:") ? keyPolicy : undefined,
            });

        it("allow the agent to stream a session and use the key; nothing on other groups or keys (iam-simulate)", async () => {
            assert.equal(await call("logs:PutLogEvents", `${logGroupArn}:log-stream:session-1`), "Allowed");
            assert.equal(await call("logs:CreateLogStream", `${logGroupArn}:log-stream:session-1`), "Allowed");
            assert.equal(await call("kms:Decrypt", keyArn), "Allowed");
            assert.equal(await call("kms:GenerateDataKey", keyArn), "Allowed");
            assert.equal(
                await call("logs:PutLogEvents", `arn:aws:logs:${region}:${account}:log-group:/other:log-stream:x`),
                "ImplicitlyDenied",
            );
            assert.equal(await call("kms:Decrypt", keyArn.replace(/key\/.*/, "key/other")), "ImplicitlyDenied");
            assert.equal(await call("logs:DescribeLogStreams", logGroupArn), "Allowed");
            assert.equal(await call("logs:DescribeLogGroups", "*"), "Allowed");
            assert.equal(await call("logs:DeleteLogGroup", logGroupArn), "ImplicitlyDenied");
        });
    });
});
