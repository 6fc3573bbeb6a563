import { strict as assert } from "node:assert";
import {
    CreateResourceDataSyncCommand,
    DeleteResourceDataSyncCommand,
    ListResourceDataSyncCommand,
    type ResourceDataSyncItem,
    SSMClient,
} from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { unknownValue, type SyncInputs } from "../../handlers/resourceDataSync/inputs";
import { resourceDataSyncProvider as provider } from "../../handlers/resourceDataSync/provider";

const inputs: SyncInputs = {
    syncName: "org-inventory-sync",
    bucketName: "multi-account-ops-inventory-111111111111",
    bucketRegion: "ap-northeast-1",
    prefix: "inventory",
    region: "us-east-1",
    roleArn: "",
};

function item(name: string, overrides: Partial<NonNullable<ResourceDataSyncItem["S3Destination"]>> = {}): ResourceDataSyncItem {
    return {
        SyncName: name,
        SyncType: "SyncToDestination",
        LastStatus: "Successful",
        S3Destination: {
            BucketName: inputs.bucketName,
            Prefix: inputs.prefix,
            SyncFormat: "JsonSerDe",
            Region: inputs.bucketRegion,
            DestinationDataSharing: { DestinationDataSharingType: "Organization" },
            ...overrides,
        },
    };
}

function throttled(): Error {
    return Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", $retryable: { throttling: true } });
}

describe("organization resource data sync provider (aws-sdk-client-mock)", () => {
    let ssm: ReturnType<typeof mockClient>;
    let sts: ReturnType<typeof mockClient>;
    beforeEach(() => {
        ssm = mockClient(SSMClient);
        sts = mockClient(STSClient);
    });
    afterEach(() => {
        ssm.restore();
        sts.restore();
    });

    it("creates the sync with the exact request", async () => {
        ssm.on(ListResourceDataSyncCommand).resolves({ ResourceDataSyncItems: [] });
        ssm.on(CreateResourceDataSyncCommand).resolves({});
        const result = await provider.create!(inputs);
        assert.equal(result.id, "org-inventory-sync");
        const calls = ssm.commandCalls(CreateResourceDataSyncCommand);
        assert.equal(calls.length, 1);
        assert.deepEqual(calls[0].args[0].input, {
            SyncName: "org-inventory-sync",
            SyncType: "SyncToDestination",
            S3Destination: {
                BucketName: "multi-account-ops-inventory-111111111111",
                Prefix: "inventory",
                SyncFormat: "JsonSerDe",
                Region: "ap-northeast-1",
                AWSKMSKeyARN: undefined,
                DestinationDataSharing: { DestinationDataSharingType: "Organization" },
            },
        });
        assert.equal(sts.commandCalls(AssumeRoleCommand).length, 0, "an empty roleArn uses the ambient credentials");
    });

    it("adopts an existing sync with the same name and destination", async () => {
        ssm.on(ListResourceDataSyncCommand).resolves({ ResourceDataSyncItems: [item("org-inventory-sync")] });
        const result = await provider.create!(inputs);
        assert.equal(result.id, "org-inventory-sync");
        assert.equal(result.outs.lastStatus, "Successful");
        assert.equal(ssm.commandCalls(CreateResourceDataSyncCommand).length, 0);
    });

    it("fails naming another organization sync in the account and region, and its destination", async () => {
        ssm.on(ListResourceDataSyncCommand).resolves({
            ResourceDataSyncItems: [item("legacy-sync", { BucketName: "old-bucket", Prefix: "default" })],
        });
        await assert.rejects(provider.create!(inputs), (error: Error) =>
            error.message.startsWith(
                'only one organization-based resource data sync is allowed per account and region, and "legacy-sync" already exists (this account, us-east-1), sending to s3://old-bucket/default in ap-northeast-1, organization sharing',
            ),
        );
        assert.equal(ssm.commandCalls(CreateResourceDataSyncCommand).length, 0);
    });

    it("fails when the name points elsewhere", async () => {
        ssm.on(ListResourceDataSyncCommand).resolves({
            ResourceDataSyncItems: [item("org-inventory-sync", { BucketName: "other-bucket" })],
        });
        await assert.rejects(
            provider.create!(inputs),
            /resource data sync "org-inventory-sync" already exists \(this account, us-east-1\) and sends to s3:\/\/other-bucket\/inventory/,
        );
    });

    it("reads pages until the sync is found, and reports an outside deletion as gone", async () => {
        ssm.on(ListResourceDataSyncCommand)
            .resolvesOnce({ ResourceDataSyncItems: [item("a")], NextToken: "page-2" })
            .resolvesOnce({ ResourceDataSyncItems: [item("org-inventory-sync", { Prefix: "drifted" })] });
        const found = await provider.read!("org-inventory-sync", inputs);
        assert.equal(found.id, "org-inventory-sync");
        assert.equal((found.props as SyncInputs).prefix, "drifted", "refresh shows drift");
        assert.equal(ssm.commandCalls(ListResourceDataSyncCommand)[1].args[0].input.NextToken, "page-2");

        ssm.reset();
        ssm.on(ListResourceDataSyncCommand).resolves({ ResourceDataSyncItems: [] });
        const gone = await provider.read!("org-inventory-sync", inputs);
        assert.equal(gone.id, "");
    });

    it("counts a sync that is already gone as deleted", async () => {
        ssm.on(DeleteResourceDataSyncCommand).rejects(Object.assign(new Error("not found"), { name: "ResourceDataSyncNotFoundException" }));
        await provider.delete!("org-inventory-sync", inputs);
        assert.deepEqual(ssm.commandCalls(DeleteResourceDataSyncCommand)[0].args[0].input, {
            SyncName: "org-inventory-sync",
            SyncType: "SyncToDestination",
        });
        ssm.reset();
        ssm.on(DeleteResourceDataSyncCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
        await assert.rejects(provider.delete!("org-inventory-sync", inputs), /denied/);
    });

    it("retries on ThrottlingException", async () => {
        ssm.on(ListResourceDataSyncCommand).rejectsOnce(throttled()).resolves({ ResourceDataSyncItems: [] });
        ssm.on(CreateResourceDataSyncCommand).rejectsOnce(throttled()).resolves({});
        await provider.create!(inputs);
        assert.equal(ssm.commandCalls(ListResourceDataSyncCommand).length, 2);
        assert.equal(ssm.commandCalls(CreateResourceDataSyncCommand).length, 2);
    });

    it("assumes roleArn once and makes the SSM calls with the returned credentials", async () => {
        sts.on(AssumeRoleCommand).resolves({
            Credentials: {
                AccessKeyId: "ASIAMEMBER",
                SecretAccessKey: "member-secret",
                SessionToken: "member-token",
                Expiration: new Date(),
            },
        });
        ssm.on(ListResourceDataSyncCommand).resolves({ ResourceDataSyncItems: [] });
        ssm.on(CreateResourceDataSyncCommand).resolves({});
        await provider.create!({ ...inputs, roleArn: "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole" });
        const assumed = sts.commandCalls(AssumeRoleCommand);
        assert.equal(assumed.length, 1);
        assert.equal(assumed[0].args[0].input.RoleArn, "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole");
        for (const call of [...ssm.commandCalls(ListResourceDataSyncCommand), ...ssm.commandCalls(CreateResourceDataSyncCommand)]) {
            const client = call.thisValue as SSMClient;
            const credentials = await client.config.credentials();
            assert.equal(credentials.accessKeyId, "ASIAMEMBER");
            assert.equal(credentials.sessionToken, "member-token");
            assert.equal(await client.config.region(), "us-east-1");
        }
    });

    it("check returns failures for bad names, buckets and regions, and lets unknown values through", async () => {
        const bad = {
            ...inputs,
            syncName: "bad name!",
            bucketName: "Bad_Bucket",
            region: "mars-1",
            bucketRegion: "nowhere",
            roleArn: "not-an-arn",
        };
        const result = await provider.check!({}, bad);
        assert.deepEqual(
            result.failures?.map((f) => f.property),
            ["syncName", "bucketName", "bucketRegion", "region", "roleArn"],
        );
        assert.match(result.failures?.[0].reason ?? "", /syncName "bad name!" must be 1 to 64 of/);
        const preview = await provider.check!({}, { ...inputs, bucketName: unknownValue, roleArn: unknownValue });
        assert.deepEqual(preview.failures, []);
    });

    it("replaces on a new destination or name, but not on a new roleArn", async () => {
        const moved = await provider.diff!("org-inventory-sync", inputs, { ...inputs, bucketName: "new-bucket" });
        assert.deepEqual(moved.replaces, ["bucketName"]);
        assert.equal(moved.deleteBeforeReplace, true);
        const credentials = await provider.diff!("org-inventory-sync", inputs, {
            ...inputs,
            roleArn: "arn:aws:iam::222222222222:role/deploy",
        });
        assert.deepEqual(credentials.replaces, []);
        assert.equal(credentials.deleteBeforeReplace, false);
        const same = await provider.diff!("org-inventory-sync", inputs, { ...inputs });
        assert.equal(same.changes, false);
        const updated = await provider.update!(
            "org-inventory-sync",
            { ...inputs, lastStatus: "Successful" },
            { ...inputs, roleArn: "arn:aws:iam::222222222222:role/deploy" },
        );
        assert.equal(updated.outs?.roleArn, "arn:aws:iam::222222222222:role/deploy");
        assert.equal(ssm.calls().length, 0, "a roleArn change makes no AWS call");
    });
});
