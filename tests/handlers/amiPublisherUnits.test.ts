import { strict as assert } from "node:assert";
import { isPublisherLabel, parameterLabel, parseImageMessage, type ImageMessage } from "../../handlers/amiPublisher/message";
import { readSettings } from "../../handlers/amiPublisher/settings";
import { managementAccountOf, receivingTargets } from "../../handlers/amiPublisher/targets";
import { imageMessage, ownerAccount } from "../helpers/imageEvents";

describe("AMI publisher: message, targets and settings", () => {
    it("gives a target account its own copy, and launch-permission accounts the owner's AMI", async () => {
        const message = parseImageMessage(
            JSON.stringify(
                imageMessage({
                    amis: [
                        { region: "us-east-1", image: "ami-0owner000000000001" },
                        { region: "us-east-1", image: "ami-0copy0000000000002", accountId: "444444444444" },
                    ],
                    distributions: [
                        {
                            region: "us-east-1",
                            amiDistributionConfiguration: {
                                launchPermission: {
                                    userIds: ["111111111111"],
                                    organizationalUnitArns: ["arn:aws:organizations::999999999999:ou/o-exampleorg1/ou-ab12-cdef3456"],
                                },
                                targetAccountIds: ["444444444444", "555555555555"],
                            },
                        },
                    ],
                }),
            ),
            "test",
        ) as ImageMessage;
        const asked: string[] = [];
        const targets = await receivingTargets(message, {
            accountsIn: async (arn) => {
                asked.push(arn);
                return ["666666666666", "111111111111"];
            },
        });
        assert.deepEqual(asked, ["arn:aws:organizations::999999999999:ou/o-exampleorg1/ou-ab12-cdef3456"]);
        // 111111111111 is also a launch-permission user, so only 666666666666 came through the OU alone.
        assert.deepEqual(targets, [
            { accountId: "111111111111", region: "us-east-1", amiId: "ami-0owner000000000001", onlyThroughOrganization: false },
            { accountId: ownerAccount, region: "us-east-1", amiId: "ami-0owner000000000001", onlyThroughOrganization: false },
            { accountId: "444444444444", region: "us-east-1", amiId: "ami-0copy0000000000002", onlyThroughOrganization: false },
            { accountId: "555555555555", region: "us-east-1", amiId: "ami-0owner000000000001", onlyThroughOrganization: false },
            { accountId: "666666666666", region: "us-east-1", amiId: "ami-0owner000000000001", onlyThroughOrganization: true },
        ]);
        assert.equal(managementAccountOf(message), "999999999999");
    });

    it("makes image versions legal SSM labels", () => {
        assert.equal(parameterLabel("1.0.0/3"), "v1.0.0-3");
        assert.equal(parameterLabel("2.1.0/12"), "v2.1.0-12");
        // Only these are removed to heal the version limit; a label someone else set is never touched.
        assert.ok(isPublisherLabel(parameterLabel("2.1.0/12")));
        for (const foreign of ["pinned", "v2-stable", "prod", "v1.0.0"]) assert.ok(!isPublisherLabel(foreign), foreign);
    });

    it("names a malformed AMI entry and a bad image ARN", () => {
        const bad = imageMessage({ amis: [{ region: "us-east-1", image: "ami-1", accountId: "12" }] });
        assert.throws(
            () => parseImageMessage(JSON.stringify(bad), "SNS record 2"),
            /SNS record 2: outputResources.amis\[0\] needs region, image and a 12-digit accountId/,
        );
        assert.throws(
            () => parseImageMessage(JSON.stringify({ ...bad, arn: "arn:aws:s3:::x" }), "r"),
            /r: arn "arn:aws:s3:::x" is not an Image Builder image ARN/,
        );
        assert.throws(() => parseImageMessage(JSON.stringify({ name: "x" }), "r"), /r: image message lacks state.status/);
    });

    it("reports every bad environment variable at once", () => {
        assert.throws(
            () =>
                readSettings({
                    PARAMETER_PREFIX: "no-slash",
                    MAX_CONCURRENCY: "0",
                    ORG_READER_ROLE_ARN: "reader",
                    ROLE_B_ACCOUNT_IDS: "222222222222,12",
                    ROLE_B_OU_IDS: "r-ab12",
                    ROLE_B_EXCLUDED_ACCOUNT_IDS: "333333333333,ou-ab12-cdef3456",
                    VERSION_WAIT_SECONDS: "0",
                }),
            new RegExp(
                [
                    'PARAMETER_PREFIX "no-slash" is not a parameter path',
                    'ORG_READER_ROLE_ARN "reader" is not an IAM role ARN',
                    'MAX_CONCURRENCY "0" is not a whole number from 1 to 100',
                    'ROLE_B_ACCOUNT_IDS item "12" is not a 12-digit account ID',
                    'ROLE_B_OU_IDS item "r-ab12" is not an OU ID',
                    'ROLE_B_EXCLUDED_ACCOUNT_IDS item "ou-ab12-cdef3456" is not a 12-digit account ID',
                    'VERSION_WAIT_SECONDS "0" is not a number of seconds from 1 to 600',
                ].join(".*"),
            ),
        );
        assert.deepEqual(
            readSettings({ ROLE_B_ACCOUNT_IDS: "222222222222, 333333333333", ROLE_B_OU_IDS: "ou-ab12-cdef3456" }).roleBAccountIds,
            ["222222222222", "333333333333"],
        );
        assert.deepEqual(readSettings({}), {
            parameterPrefix: "/ec2-imagebuilder/latest",
            targetRoleName: "LambdaExecutionRoleForSSMParam",
            orgReaderRoleArn: undefined,
            maxConcurrency: 10,
            roleBAccountIds: [],
            roleBOrganizationalUnitIds: [],
            roleBExcludedAccountIds: [],
            versionWaitSeconds: 60,
        });
    });
});
