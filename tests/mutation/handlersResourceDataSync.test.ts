import { strict as assert } from "node:assert";
import { checkSyncInputs, isUnknown, unknownValue, type SyncInputs } from "../../handlers/resourceDataSync/inputs";
import { resourceDataSyncProvider as provider } from "../../handlers/resourceDataSync/provider";

const valid: SyncInputs = {
    syncName: "org-inventory-sync",
    bucketName: "multi-account-ops-inventory-111111111111",
    bucketRegion: "ap-northeast-1",
    prefix: "inventory",
    region: "us-east-1",
    roleArn: "",
    accountId: "111111111111",
    onExisting: "fail",
};

function reasons(change: Record<string, unknown>): string[] {
    return checkSyncInputs({ ...valid, ...change }).map((failure) => `${failure.property}: ${failure.reason}`);
}

describe("resource data sync inputs: every rule, with its message", () => {
    it("accepts valid inputs, with and without the optional KMS key and role", () => {
        assert.deepEqual(checkSyncInputs({ ...valid }), []);
        assert.deepEqual(
            checkSyncInputs({
                ...valid,
                kmsKeyArn: "arn:aws:kms:ap-northeast-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                roleArn: "arn:aws:iam::111111111111:role/path/OrganizationAccountAccessRole",
            }),
            [],
        );
    });

    it("requires the sync name, bucket, bucket region and region, naming each", () => {
        assert.deepEqual(
            checkSyncInputs({ prefix: "inventory" }),
            [
                "syncName is required",
                "bucketName is required",
                "bucketRegion is required",
                "region is required",
                "accountId is required",
                "onExisting is required",
            ].map((reason) => ({
                property: reason.split(" ")[0],
                reason,
            })),
        );
        assert.deepEqual(reasons({ syncName: "" }), ["syncName: syncName is required"]);
    });

    it("lets an empty prefix, KMS key and role through (they are optional)", () => {
        assert.deepEqual(reasons({ prefix: "", kmsKeyArn: "", roleArn: "" }), []);
        assert.deepEqual(reasons({ prefix: undefined, kmsKeyArn: undefined, roleArn: undefined }), []);
    });

    it("names the value and the rule of each malformed input", () => {
        assert.deepEqual(reasons({ syncName: "x".repeat(65) }), [
            `syncName: syncName "${"x".repeat(65)}" must be 1 to 64 of A-Z a-z 0-9 _ . -`,
        ]);
        assert.deepEqual(reasons({ syncName: "a b" }), ['syncName: syncName "a b" must be 1 to 64 of A-Z a-z 0-9 _ . -']);
        assert.deepEqual(reasons({ syncName: "A_z.0-9" }), []);
        const bucketRule = "is not a valid S3 bucket name (3 to 63 of a-z 0-9 . -, starting and ending with a letter or digit)";
        for (const bucket of ["ab", "-abc", "abc-", "Abc", "a".repeat(64), "a..b", "192.168.1.10", "a_b"])
            assert.deepEqual(reasons({ bucketName: bucket }), [`bucketName: bucketName ${JSON.stringify(bucket)} ${bucketRule}`], bucket);
        for (const bucket of ["abc", "a.b-c", "a".repeat(63), "1bucket9"]) assert.deepEqual(reasons({ bucketName: bucket }), [], bucket);
        assert.deepEqual(reasons({ bucketRegion: "tokyo" }), ['bucketRegion: bucketRegion "tokyo" is not an AWS region']);
        assert.deepEqual(reasons({ region: "us-east" }), ['region: region "us-east" is not an AWS region']);
        assert.deepEqual(reasons({ region: "us-gov-west-1", bucketRegion: "cn-northwest-1" }), []);
        assert.deepEqual(reasons({ region: "xus-east-1" }), ['region: region "xus-east-1" is not an AWS region']);
        assert.deepEqual(reasons({ region: "us-east-1x" }), ['region: region "us-east-1x" is not an AWS region']);
    });

    it("rejects a prefix with a leading or trailing slash or a bad character, and accepts S3's safe characters", () => {
        const rule = "is not an S3 key prefix (no leading or trailing /)";
        for (const prefix of ["/inventory", "inventory/", "in ventory", "x".repeat(257)])
            assert.deepEqual(reasons({ prefix }), [`prefix: prefix ${JSON.stringify(prefix)} ${rule}`], prefix);
        for (const prefix of ["a/b", "A!_.*'()-z", "x".repeat(256)]) assert.deepEqual(reasons({ prefix }), [], prefix);
    });

    it("rejects a KMS key or role that is not an ARN of that kind", () => {
        assert.deepEqual(reasons({ kmsKeyArn: "alias/aws/s3" }), ['kmsKeyArn: kmsKeyArn "alias/aws/s3" is not a KMS key ARN']);
        assert.deepEqual(reasons({ kmsKeyArn: "arn:aws:kms:us-east-1:12345:key/abc" }), [
            'kmsKeyArn: kmsKeyArn "arn:aws:kms:us-east-1:12345:key/abc" is not a KMS key ARN',
        ]);
        assert.deepEqual(reasons({ kmsKeyArn: "xarn:aws:kms:us-east-1:111111111111:key/abc" }).length, 1);
        assert.deepEqual(reasons({ kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/abc/" }).length, 1);
        assert.deepEqual(reasons({ roleArn: "arn:aws:iam::111111111111:user/admin" }), [
            'roleArn: roleArn "arn:aws:iam::111111111111:user/admin" is not an IAM role ARN',
        ]);
        assert.deepEqual(reasons({ roleArn: "xarn:aws:iam::111111111111:role/a" }).length, 1);
        assert.deepEqual(reasons({ roleArn: "arn:aws:iam::111111111111:role/a b" }).length, 1);
    });

    it("rejects a value that is not a string", () => {
        assert.deepEqual(reasons({ syncName: 42 }), ["syncName: syncName 42 must be 1 to 64 of A-Z a-z 0-9 _ . -"]);
        assert.deepEqual(reasons({ prefix: 7 }), ["prefix: prefix 7 is not an S3 key prefix (no leading or trailing /)"]);
    });

    it("lets every unknown value through (a first preview), required or not", () => {
        const unknown = Object.fromEntries(Object.keys({ ...valid, kmsKeyArn: "" }).map((key) => [key, unknownValue]));
        assert.deepEqual(checkSyncInputs(unknown), []);
        assert.equal(isUnknown(unknownValue), true);
        assert.equal(isUnknown(""), false);
        assert.equal(isUnknown(undefined), false);
    });
});

describe("resource data sync diff: state written by an earlier provider", () => {
    // State of a sync this resource created (ownership recorded), so only the inputs decide the diff.
    const storedState = { ...valid, ownership: "created" } as unknown as SyncInputs;
    // The engine hands `diff` the stored outputs as `olds`: an absent optional input may come back as
    // "" or null. Reading that as a change would replace (delete, then recreate) the sync on every update.
    it("treats an empty or null optional value in the state as absent", async () => {
        for (const stored of ["", null]) {
            const result = await provider.diff!(
                "org-inventory-sync",
                { ...valid, ownership: "created", kmsKeyArn: stored, roleArn: stored } as unknown as SyncInputs,
                {
                    ...valid,
                    roleArn: undefined,
                } as unknown as SyncInputs,
            );
            assert.deepEqual(
                { changes: result.changes, replaces: result.replaces, deleteBeforeReplace: result.deleteBeforeReplace },
                { changes: false, replaces: [], deleteBeforeReplace: false },
                `stored ${JSON.stringify(stored)}`,
            );
            assert.deepEqual(result.stables, ["syncName", "accountId", "region"]);
        }
    });

    it("replaces for each destination property, and for an unknown one", async () => {
        const replacing: [keyof SyncInputs, string][] = [
            ["syncName", "other-sync"],
            ["bucketName", "other-bucket"],
            ["bucketRegion", "us-west-2"],
            ["prefix", "other"],
            ["kmsKeyArn", "arn:aws:kms:ap-northeast-1:111111111111:key/k"],
            ["region", "eu-west-1"],
        ];
        for (const [key, value] of replacing) {
            for (const next of [value, unknownValue]) {
                const result = await provider.diff!("org-inventory-sync", storedState, { ...valid, [key]: next });
                assert.deepEqual(result.replaces, [key], `${key} -> ${next}`);
                assert.equal(result.changes, true);
                assert.equal(result.deleteBeforeReplace, true);
                assert.deepEqual(result.stables, []);
            }
        }
    });

    it("updates in place for a new or unknown roleArn only", async () => {
        for (const roleArn of ["arn:aws:iam::222222222222:role/deploy", unknownValue]) {
            const result = await provider.diff!("org-inventory-sync", storedState, { ...valid, roleArn });
            assert.deepEqual(
                {
                    changes: result.changes,
                    replaces: result.replaces,
                    deleteBeforeReplace: result.deleteBeforeReplace,
                    stables: result.stables,
                },
                { changes: true, replaces: [], deleteBeforeReplace: false, stables: ["syncName", "accountId", "region"] },
            );
        }
    });

    it("check passes the new inputs on, with the failures", async () => {
        const news = { ...valid, region: "nowhere" };
        const result = await provider.check!(valid, news);
        assert.equal(result.inputs, news);
        assert.deepEqual(result.failures, [{ property: "region", reason: 'region "nowhere" is not an AWS region' }]);
    });
});
