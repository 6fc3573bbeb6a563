import { strict as assert } from "node:assert";
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { motoDefaultAccount, motoEndpoint } from "../helpers/moto";

describe("moto harness (multi-account)", () => {
    before(() => motoEndpoint());

    it("writes a parameter in an assumed account that the default account does not see", async () => {
        const sts = new STSClient({});
        const assumed = await sts.send(
            new AssumeRoleCommand({ RoleArn: "arn:aws:iam::111111111111:role/harness", RoleSessionName: "harness" }),
        );
        const credentials = assumed.Credentials;
        assert.ok(credentials?.AccessKeyId && credentials.SecretAccessKey && credentials.SessionToken);
        const asMember = {
            accessKeyId: credentials.AccessKeyId,
            secretAccessKey: credentials.SecretAccessKey,
            sessionToken: credentials.SessionToken,
        };

        const identity = await new STSClient({ credentials: asMember }).send(new GetCallerIdentityCommand({}));
        assert.equal(identity.Account, "111111111111");

        const memberSsm = new SSMClient({ credentials: asMember });
        await memberSsm.send(new PutParameterCommand({ Name: "/harness/value", Value: "in-111111111111", Type: "String" }));
        const read = await memberSsm.send(new GetParameterCommand({ Name: "/harness/value" }));
        assert.equal(read.Parameter?.Value, "in-111111111111");

        const defaultIdentity = await sts.send(new GetCallerIdentityCommand({}));
        assert.equal(defaultIdentity.Account, motoDefaultAccount);
        await assert.rejects(new SSMClient({}).send(new GetParameterCommand({ Name: "/harness/value" })), ParameterNotFound);
    });
});
