import { strict as assert } from "node:assert";
import { GetParameterCommand, LabelParameterVersionCommand, ParameterNotFound, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient, type AwsStub } from "aws-sdk-client-mock";
import type { MetadataBearer } from "@smithy/types";
import { handler } from "../../handlers/amiPublisher";
import { imageMessage, snsEvent } from "../helpers/imageEvents";
import { captureLogs } from "../helpers/logs";

describe("AMI publisher: a receiving account without role B", () => {
    it("is a failed target whose message says the role is missing, while the others are written", async () => {
        // Mocked only inside this test: mockClient patches every client of the class.
        const sts = mockClient(STSClient);
        const ssm = mockClient(SSMClient);
        try {
            await checkMissingRole(sts, ssm);
        } finally {
            sts.restore();
            ssm.restore();
        }
    });
});

async function checkMissingRole(
    sts: AwsStub<object, MetadataBearer, unknown>,
    ssm: AwsStub<object, MetadataBearer, unknown>,
): Promise<void> {
    const denied = Object.assign(
        new Error("User: arn:aws:sts::123456789012:assumed-role/publisher/x is not authorized to perform: sts:AssumeRole"),
        {
            name: "AccessDenied",
        },
    );
    sts.on(AssumeRoleCommand).resolves({
        Credentials: { AccessKeyId: "AKIA", SecretAccessKey: "secret", SessionToken: "token", Expiration: new Date() },
    });
    sts.on(AssumeRoleCommand, { RoleArn: "arn:aws:iam::222222222222:role/LambdaExecutionRoleForSSMParam" }).rejects(denied);
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: "not found", $metadata: {} }));
    ssm.on(PutParameterCommand).resolves({ Version: 1 });
    // Version 1 is visible at once (the asynchronous validation is covered by the moto tests).
    ssm.on(GetParameterCommand, { Name: "/ec2-imagebuilder/latest/golden-al2023:1" }).resolves({
        Parameter: { Value: "ami-0aaaaaaaaaaaaaaa1", Version: 1 },
    });
    ssm.on(LabelParameterVersionCommand).resolves({ InvalidLabels: [] });

    const event = snsEvent(
        imageMessage({
            amis: [{ region: "us-east-1", image: "ami-0aaaaaaaaaaaaaaa1" }],
            distributions: [
                {
                    region: "us-east-1",
                    amiDistributionConfiguration: { launchPermission: { userIds: ["111111111111", "222222222222"] } },
                },
            ],
        }),
    );
    const { error } = await captureLogs(() => handler(event));
    assert.ok(error instanceof Error);
    assert.equal(
        error.message,
        "AMI publish failed for 1 target(s): 222222222222/us-east-1: cannot assume arn:aws:iam::222222222222:role/LambdaExecutionRoleForSSMParam: " +
            "the role is missing or does not trust the publisher (AccessDenied: User: arn:aws:sts::123456789012:assumed-role/publisher/x is not authorized to perform: sts:AssumeRole)",
    );
    // The owner account and 111111111111 were still written, each exactly once.
    assert.equal(ssm.commandCalls(PutParameterCommand).length, 2);
    assert.deepEqual(
        sts
            .commandCalls(AssumeRoleCommand)
            .map((call) => call.args[0].input.RoleArn)
            .sort(),
        ["arn:aws:iam::111111111111:role/LambdaExecutionRoleForSSMParam", "arn:aws:iam::222222222222:role/LambdaExecutionRoleForSSMParam"],
    );
}
