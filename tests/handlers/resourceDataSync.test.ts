import { strict as assert } from "node:assert";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
    CreateResourceDataSyncCommand,
    type CreateResourceDataSyncCommandInput,
    DeleteParameterCommand,
    DeleteResourceDataSyncCommand,
    GetParameterCommand,
    ListResourceDataSyncCommand,
    ParameterAlreadyExists,
    ParameterNotFound,
    PutParameterCommand,
    ResourceDataSyncAlreadyExistsException,
    ResourceDataSyncCountExceededException,
    type ResourceDataSyncItem,
    ResourceDataSyncNotFoundException,
    SSMClient,
} from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { claimParameterName, unknownValue, type SyncInputs, type SyncOutputs } from "../../handlers/resourceDataSync/inputs";
import { resourceDataSyncProvider as provider } from "../../handlers/resourceDataSync/provider";

const account = "222222222222";
const inputs: SyncInputs = {
    syncName: "org-inventory-sync",
    bucketName: "multi-account-ops-inventory-111111111111",
    bucketRegion: "ap-northeast-1",
    prefix: "inventory",
    kmsKeyArn: "",
    region: "us-east-1",
    roleArn: "",
    accountId: account,
    onExisting: "fail",
};
const id = `${account}/us-east-1/org-inventory-sync`;
const metadata = { $metadata: {} };

/**
 * One account and region of Systems Manager, as the APIs behave
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateResourceDataSync.html,
 * API_DeleteResourceDataSync.html, API_ListResourceDataSync.html, API_GetParameter.html, API_PutParameter.html):
 * a second create of a name fails with ResourceDataSyncAlreadyExistsException, deleting a missing sync
 * with ResourceDataSyncNotFoundException, a missing parameter with ParameterNotFound; a new sync is
 * listed at once but syncs asynchronously (LastStatus InProgress, then Successful).
 */
class FakeSystemsManager {
    readonly syncs = new Map<string, ResourceDataSyncItem>();
    readonly parameters = new Map<string, string>();
    callerAccount = account;

    constructor(
        readonly ssm: ReturnType<typeof mockClient>,
        readonly sts: ReturnType<typeof mockClient>,
    ) {
        sts.on(GetCallerIdentityCommand).callsFake(async () => ({
            Account: this.callerAccount,
            Arn: `arn:aws:sts::${this.callerAccount}:assumed-role/deployer/session`,
            UserId: "AROAEXAMPLE:session",
        }));
        ssm.on(ListResourceDataSyncCommand).callsFake(async () => ({ ResourceDataSyncItems: [...this.syncs.values()] }));
        ssm.on(CreateResourceDataSyncCommand).callsFake(async (input: CreateResourceDataSyncCommandInput) => {
            const name = input.SyncName ?? "";
            if (this.syncs.has(name))
                throw new ResourceDataSyncAlreadyExistsException({ message: `Sync ${name} already exists`, ...metadata, SyncName: name });
            this.syncs.set(name, {
                SyncName: input.SyncName,
                SyncType: input.SyncType,
                S3Destination: input.S3Destination,
                SyncCreatedTime: new Date("2025-01-01T00:00:00Z"),
                LastStatus: "InProgress",
            });
            return {};
        });
        ssm.on(DeleteResourceDataSyncCommand).callsFake(async (input: { SyncName: string }) => {
            if (!this.syncs.delete(input.SyncName))
                throw new ResourceDataSyncNotFoundException({ message: "not found", ...metadata, SyncName: input.SyncName });
            return {};
        });
        ssm.on(GetParameterCommand).callsFake(async (input: { Name: string }) => {
            const value = this.parameters.get(input.Name);
            if (value === undefined) throw new ParameterNotFound({ message: "", ...metadata });
            return { Parameter: { Name: input.Name, Value: value, Type: "String" } };
        });
        ssm.on(PutParameterCommand).callsFake(async (input: { Name: string; Value: string; Overwrite?: boolean }) => {
            if (this.parameters.has(input.Name) && !input.Overwrite) throw new ParameterAlreadyExists({ message: "", ...metadata });
            this.parameters.set(input.Name, input.Value);
            return { Version: 1 };
        });
        ssm.on(DeleteParameterCommand).callsFake(async (input: { Name: string }) => {
            if (!this.parameters.delete(input.Name)) throw new ParameterNotFound({ message: "", ...metadata });
            return {};
        });
    }

    /** A sync someone else made (another stack, the console, a CloudFormation template). */
    existing(overrides: Partial<NonNullable<ResourceDataSyncItem["S3Destination"]>> = {}, name = inputs.syncName): void {
        this.syncs.set(name, {
            SyncName: name,
            SyncType: "SyncToDestination",
            LastStatus: "Successful",
            SyncCreatedTime: new Date("2024-01-01T00:00:00Z"),
            S3Destination: {
                BucketName: inputs.bucketName,
                Prefix: inputs.prefix,
                SyncFormat: "JsonSerDe",
                Region: inputs.bucketRegion,
                DestinationDataSharing: { DestinationDataSharingType: "Organization" },
                ...overrides,
            },
        });
    }

    deletes(): number {
        return this.ssm.commandCalls(DeleteResourceDataSyncCommand).length;
    }
}

type State = { id: string; outs: SyncOutputs };

async function create(props: SyncInputs): Promise<State> {
    const result = await provider.create!(props);
    return { id: result.id, outs: result.outs as SyncOutputs };
}

async function destroy(state: State): Promise<void> {
    await provider.delete!(state.id, state.outs);
}

describe("organization resource data sync provider (aws-sdk-client-mock)", () => {
    let ssm: ReturnType<typeof mockClient>;
    let sts: ReturnType<typeof mockClient>;
    let aws: FakeSystemsManager;
    beforeEach(() => {
        ssm = mockClient(SSMClient);
        sts = mockClient(STSClient);
        aws = new FakeSystemsManager(ssm, sts);
    });
    afterEach(() => {
        ssm.restore();
        sts.restore();
    });

    it("creates the sync with the exact request, claims it, and records the asynchronous status", async () => {
        const state = await create(inputs);
        assert.equal(state.id, id, "the ID is <account>/<region>/<name>");
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
        assert.equal(state.outs.ownership, "created");
        assert.equal(aws.parameters.get(claimParameterName("org-inventory-sync")), state.outs.claim);
        assert.equal(state.outs.lastStatus, "InProgress", "CreateResourceDataSync returns before the first sync");
        assert.equal(sts.commandCalls(AssumeRoleCommand).length, 0, "an empty roleArn uses the ambient credentials");
    });

    describe("never takes or deletes what it does not own", () => {
        it("refuses an existing sync unless told to import or adopt it, with the exact command", async () => {
            aws.existing();
            await assert.rejects(create(inputs), (error: Error) => {
                assert.match(error.message, /resource data sync "org-inventory-sync" already exists \(account 222222222222, us-east-1/);
                assert.ok(
                    error.message.includes(`pulumi config set --path 'inventory.importSyncs[0]' ${id}`),
                    "names the import command with the ID",
                );
                assert.ok(error.message.includes("pulumi config set --path inventory.adoptExistingSyncs true"));
                return true;
            });
            assert.equal(ssm.commandCalls(CreateResourceDataSyncCommand).length, 0);
            assert.equal(ssm.commandCalls(PutParameterCommand).length, 0);
        });

        it("destroy after adoption leaves the sync", async () => {
            aws.existing();
            const state = await create({ ...inputs, onExisting: "adopt" });
            assert.equal(state.outs.ownership, "adopted");
            assert.equal(aws.parameters.size, 0, "adopting claims nothing");
            await destroy(state);
            assert.equal(aws.deletes(), 0);
            assert.ok(aws.syncs.has("org-inventory-sync"));
        });

        it("renaming without an alias (a new URN, created before the old is deleted): the new resource must import, and the old one then leaves the sync", async () => {
            const old = await create(inputs);
            // Pulumi creates the renamed resource first; the sync exists, so it fails unless imported.
            await assert.rejects(create(inputs), /already exists/);
            const renamed = await create({ ...inputs, onExisting: "import" });
            assert.equal(renamed.outs.ownership, "imported");
            await destroy(old);
            assert.equal(aws.deletes(), 0, "the old resource's claim was taken over");
            assert.ok(aws.syncs.has("org-inventory-sync"));
            await destroy(renamed);
            assert.equal(aws.syncs.has("org-inventory-sync"), false, "the importer owns it and deletes it");
            assert.equal(aws.parameters.size, 0, "and removes its claim");
        });

        it("moving a member from the hub to a member stack: the member stack imports, then the hub removes the member, and the sync stays", async () => {
            sts.on(AssumeRoleCommand).resolves({
                Credentials: { AccessKeyId: "ASIA", SecretAccessKey: "s", SessionToken: "t", Expiration: new Date() },
            });
            const hub = await create({ ...inputs, roleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole` });
            const member = await create({ ...inputs, onExisting: "import" });
            await destroy(hub);
            assert.equal(aws.deletes(), 0);
            assert.ok(aws.syncs.has("org-inventory-sync"));
            assert.equal(aws.parameters.get(claimParameterName("org-inventory-sync")), member.outs.claim);
        });

        it("the other order (hub first, then the member stack) deletes and creates a new sync", async () => {
            const hub = await create(inputs);
            await destroy(hub);
            assert.equal(aws.syncs.has("org-inventory-sync"), false);
            const member = await create(inputs);
            assert.equal(member.outs.ownership, "created");
        });

        it("a replacement (new bucket) deletes its own sync first, then creates the new one", async () => {
            const state = await create(inputs);
            const news = { ...inputs, bucketName: "new-inventory-bucket" };
            const diff = await provider.diff!(state.id, state.outs, news);
            assert.deepEqual(diff.replaces, ["bucketName"]);
            assert.equal(diff.deleteBeforeReplace, true, "the name is unique per account and region");
            await destroy(state);
            const replacement = await create(news);
            assert.equal(aws.syncs.get("org-inventory-sync")?.S3Destination?.BucketName, "new-inventory-bucket");
            assert.equal(replacement.outs.ownership, "created");
        });

        it("a sync created by someone else between list and create is not taken as ours (ResourceDataSyncAlreadyExistsException)", async () => {
            ssm.on(ListResourceDataSyncCommand)
                .resolvesOnce({ ResourceDataSyncItems: [] })
                .callsFake(async () => ({ ResourceDataSyncItems: [...aws.syncs.values()] }));
            ssm.on(CreateResourceDataSyncCommand).callsFake(async (input: CreateResourceDataSyncCommandInput) => {
                aws.existing();
                throw new ResourceDataSyncAlreadyExistsException({ message: "exists", ...metadata, SyncName: input.SyncName });
            });
            await assert.rejects(create(inputs), /already exists .* this resource did not create it/);
            assert.equal(aws.parameters.size, 0, "no claim written over someone else's sync");
        });

        it("state from before ownership was recorded: one update claims the sync, unless another resource claimed it", async () => {
            aws.existing();
            sts.on(AssumeRoleCommand).resolves({
                Credentials: { AccessKeyId: "ASIA", SecretAccessKey: "s", SessionToken: "t", Expiration: new Date() },
            });
            const hubRole = `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`;
            const ambient = {
                ...inputs,
                accountId: undefined,
                onExisting: undefined,
                syncType: "SyncToDestination",
            } as unknown as SyncOutputs;
            await assert.rejects(provider.delete!("org-inventory-sync", ambient), /records no account .* run pulumi up once/);
            const legacy = { ...ambient, roleArn: hubRole };
            const news = { ...inputs, roleArn: hubRole };
            const diff = await provider.diff!("org-inventory-sync", legacy, news);
            assert.equal(diff.changes, true);
            assert.deepEqual(diff.replaces, [], "a missing accountId in old state is no change of account");
            const updated = (await provider.update!("org-inventory-sync", legacy, news)).outs as SyncOutputs;
            assert.equal(updated.ownership, "created");
            assert.equal(aws.parameters.get(claimParameterName("org-inventory-sync")), updated.claim);

            aws.parameters.set(claimParameterName("org-inventory-sync"), "someone-else");
            await provider.delete!("org-inventory-sync", legacy);
            assert.equal(aws.deletes(), 0, "claimed by another resource: left");
        });

        it("leaves a sync whose claim was removed, and counts one already gone as deleted", async () => {
            const state = await create(inputs);
            aws.parameters.clear();
            await destroy(state);
            assert.equal(aws.deletes(), 0);

            const again = { ...state, outs: { ...state.outs, claim: "c" } };
            aws.parameters.set(claimParameterName("org-inventory-sync"), "c");
            aws.syncs.clear();
            await destroy(again);
            assert.deepEqual(ssm.commandCalls(DeleteResourceDataSyncCommand)[0].args[0].input, {
                SyncName: "org-inventory-sync",
                SyncType: "SyncToDestination",
            });
            assert.equal(aws.parameters.size, 0);
        });
    });

    describe("never leaves a sync it created outside the state", () => {
        const accessDenied = (action: string): Error =>
            Object.assign(new Error(`User is not authorized to perform: ${action}`), { name: "AccessDeniedException" });

        it("a claim that cannot be written deletes the new sync again, so the retry creates it instead of refusing it as someone else's", async () => {
            // A failed create records nothing in Pulumi's state; a sync left behind would make the next
            // create fail with "did not create it" (CreateResourceDataSync is not idempotent:
            // ResourceDataSyncAlreadyExistsException, https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateResourceDataSync.html).
            ssm.on(PutParameterCommand).rejects(accessDenied("ssm:PutParameter"));
            await assert.rejects(create(inputs), (error: Error) => {
                assert.match(
                    error.message,
                    /could not write its claim parameter \/multi-account-ops\/resource-data-syncs\/org-inventory-sync\/claim/,
                );
                assert.match(error.message, /AccessDeniedException/);
                assert.match(error.message, /so it was deleted again/);
                return true;
            });
            assert.equal(aws.syncs.size, 0, "the sync created without a claim is gone");
            ssm.on(PutParameterCommand).callsFake(async (input: { Name: string; Value: string }) => {
                aws.parameters.set(input.Name, input.Value);
                return { Version: 1 };
            });
            const state = await create(inputs);
            assert.equal(state.outs.ownership, "created");
            assert.equal(aws.parameters.get(claimParameterName(inputs.syncName)), state.outs.claim);
        });

        it("when deleting it again fails too, the error names the sync and the exact import command", async () => {
            ssm.on(PutParameterCommand).rejects(accessDenied("ssm:PutParameter"));
            ssm.on(DeleteResourceDataSyncCommand).rejects(accessDenied("ssm:DeleteResourceDataSync"));
            await assert.rejects(create(inputs), (error: Error) => {
                assert.match(error.message, /deleting it again failed too \(AccessDeniedException\)/);
                assert.ok(error.message.includes(`pulumi config set --path 'inventory.importSyncs[0]' ${id}`), error.message);
                return true;
            });
            assert.equal(aws.syncs.size, 1);
        });

        it("the account's sync quota (ResourceDataSyncCountExceededException) is reported with the syncs that use it", async () => {
            // CreateResourceDataSync, Errors: ResourceDataSyncCountExceededException, "You have exceeded the
            // allowed maximum sync configurations" (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateResourceDataSync.html).
            for (const name of ["team-a", "team-b"])
                aws.existing({ DestinationDataSharing: undefined, BucketName: `${name}-bucket` }, name);
            ssm.on(CreateResourceDataSyncCommand).rejects(
                new ResourceDataSyncCountExceededException({
                    message: "You have exceeded the allowed maximum sync configurations.",
                    ...metadata,
                }),
            );
            await assert.rejects(create(inputs), (error: Error) => {
                assert.match(error.message, /^cannot create resource data sync 222222222222\/us-east-1\/org-inventory-sync: /);
                assert.match(error.message, /2 SyncToDestination: team-a, team-b/);
                return true;
            });
            assert.equal(aws.parameters.size, 0, "no claim for a sync that was not created");
        });
    });

    describe("checks the account before any call that changes it", () => {
        for (const [action, run] of [
            ["create", () => create(inputs)],
            ["delete", () => provider.delete!(id, { ...inputs, ownership: "created", claim: "c" })],
            ["update", () => provider.update!(id, { ...inputs, ownership: undefined }, inputs)],
        ] as const) {
            it(`${action} refuses credentials of another account`, async () => {
                aws.existing();
                aws.parameters.set(claimParameterName("org-inventory-sync"), "c");
                aws.callerAccount = "999999999999";
                await assert.rejects(run(), /refusing to .* the credentials belong to account 999999999999 .* not account 222222222222/);
                const writes = ssm.calls().filter((call) => !/^(List|Get)/.test(call.args[0].constructor.name));
                assert.deepEqual(
                    writes.map((call) => call.args[0].constructor.name),
                    [],
                );
            });
        }

        it("checks the assumed role's account, with the assumed credentials", async () => {
            sts.on(AssumeRoleCommand).resolves({
                Credentials: {
                    AccessKeyId: "ASIAMEMBER",
                    SecretAccessKey: "member-secret",
                    SessionToken: "member-token",
                    Expiration: new Date(),
                },
            });
            await create({ ...inputs, roleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole` });
            const identity = sts.commandCalls(GetCallerIdentityCommand)[0];
            const stsCredentials = await (identity.thisValue as STSClient).config.credentials();
            assert.equal(stsCredentials.accessKeyId, "ASIAMEMBER");
            for (const call of ssm.commandCalls(CreateResourceDataSyncCommand)) {
                const client = call.thisValue as SSMClient;
                assert.equal((await client.config.credentials()).sessionToken, "member-token");
                assert.equal(await client.config.region(), "us-east-1");
            }
        });
    });

    describe("import and read by ID", () => {
        it("reads the sync from the ID alone", async () => {
            aws.existing({ Prefix: "drifted" });
            const read = await provider.read!(id, {});
            assert.equal(read.id, id);
            const props = read.props as SyncOutputs;
            assert.deepEqual(
                [props.accountId, props.region, props.syncName, props.bucketName, props.prefix, props.lastStatus],
                [account, "us-east-1", "org-inventory-sync", inputs.bucketName, "drifted", "Successful"],
            );
            aws.callerAccount = "333333333333";
            await assert.rejects(provider.read!(id, {}), /not account 222222222222/);
        });

        it("reads every page, and reports an outside deletion as gone", async () => {
            ssm.on(ListResourceDataSyncCommand)
                .resolvesOnce({ ResourceDataSyncItems: [{ SyncName: "a" }], NextToken: "page-2" })
                .resolvesOnce({ ResourceDataSyncItems: [] });
            const gone = await provider.read!(id, inputs);
            assert.equal(gone.id, "");
            assert.equal(ssm.commandCalls(ListResourceDataSyncCommand)[1].args[0].input.NextToken, "page-2");
        });

        it("an import of a sync that does not exist fails", async () => {
            await assert.rejects(
                create({ ...inputs, onExisting: "import" }),
                /cannot import resource data sync 222222222222\/us-east-1\/org-inventory-sync/,
            );
        });

        it("refuses to import or adopt a sync with another destination", async () => {
            aws.existing({ BucketName: "other-bucket" });
            await assert.rejects(create({ ...inputs, onExisting: "import" }), /sends to s3:\/\/other-bucket\/inventory/);
        });

        it("another organization sync in the account and region is named with its destination", async () => {
            aws.existing({ BucketName: "old-bucket", Prefix: "default" }, "legacy-sync");
            await assert.rejects(create(inputs), (error: Error) =>
                error.message.startsWith(
                    'only one organization-based resource data sync is allowed per account and region, and "legacy-sync" already exists (account 222222222222, us-east-1), sending to s3://old-bucket/default in ap-northeast-1, organization sharing',
                ),
            );
        });
    });

    describe("diff", () => {
        it("read after a refresh reports no KMS key as undefined; against the input's empty string that is no change", async () => {
            const state = await create(inputs);
            const refreshed = await provider.read!(state.id, state.outs);
            assert.equal((refreshed.props as SyncOutputs).kmsKeyArn, undefined);
            const diff = await provider.diff!(state.id, refreshed.props as SyncOutputs, inputs);
            assert.equal(diff.changes, false);
            assert.deepEqual(diff.replaces, []);
        });

        it("replaces on a new destination, name or account; updates on a new roleArn; ignores onExisting", async () => {
            const state = await create(inputs);
            const olds = state.outs;
            assert.deepEqual(
                (await provider.diff!(id, olds, { ...inputs, kmsKeyArn: "arn:aws:kms:ap-northeast-1:111111111111:key/k" })).replaces,
                ["kmsKeyArn"],
            );
            assert.deepEqual((await provider.diff!(id, olds, { ...inputs, accountId: "333333333333" })).replaces, ["accountId"]);
            assert.deepEqual((await provider.diff!(id, olds, { ...inputs, bucketName: unknownValue })).replaces, ["bucketName"]);
            const credentials = await provider.diff!(id, olds, { ...inputs, roleArn: `arn:aws:iam::${account}:role/deploy` });
            assert.deepEqual([credentials.changes, credentials.replaces, credentials.deleteBeforeReplace], [true, [], false]);
            assert.equal((await provider.diff!(id, olds, { ...inputs, onExisting: "adopt" })).changes, false);
            const before = ssm.calls().length;
            const updated = (await provider.update!(id, olds, { ...inputs, roleArn: `arn:aws:iam::${account}:role/deploy` }))
                .outs as SyncOutputs;
            assert.deepEqual(
                [updated.roleArn, updated.ownership, updated.claim],
                [`arn:aws:iam::${account}:role/deploy`, "created", olds.claim],
            );
            assert.equal(ssm.calls().length, before, "a roleArn change makes no AWS call");
        });
    });

    it("check returns failures for bad names, buckets, regions, accounts, and lets unknown values through", async () => {
        const bad = {
            ...inputs,
            syncName: "bad name!",
            bucketName: "Bad_Bucket",
            region: "mars-1",
            bucketRegion: "nowhere",
            roleArn: "not-an-arn",
            accountId: "12",
        };
        const result = await provider.check!({}, bad);
        assert.deepEqual(
            result.failures?.map((f) => f.property),
            ["syncName", "bucketName", "bucketRegion", "region", "roleArn", "accountId"],
        );
        const elsewhere = await provider.check!({}, { ...inputs, roleArn: "arn:aws:iam::333333333333:role/x" });
        assert.match(elsewhere.failures?.[0].reason ?? "", /is in account 333333333333, not accountId 222222222222/);
        const preview = await provider.check!({}, { ...inputs, bucketName: unknownValue, roleArn: unknownValue });
        assert.deepEqual(preview.failures, []);
    });
});

/**
 * The SDK's own retries, over the wire: a local endpoint answers like Systems Manager under load
 * (HTTP 500, then a ThrottlingException), and the client retries with backoff ("Retry behavior",
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html). aws-sdk-client-mock
 * replaces `send`, which would skip the retry middleware, so SSM is not mocked here.
 */
describe("organization resource data sync provider: SDK retries (local SSM endpoint)", () => {
    let server: Server;
    let sts: ReturnType<typeof mockClient>;
    const saved: Record<string, string | undefined> = {};
    let answers: { status: number; body: unknown }[];
    const targets: string[] = [];

    before(async () => {
        server = createServer((request: IncomingMessage, response) => {
            targets.push(String(request.headers["x-amz-target"]));
            request.resume();
            const answer = answers.shift() ?? { status: 200, body: {} };
            response.writeHead(answer.status, { "content-type": "application/x-amz-json-1.1" });
            response.end(JSON.stringify(answer.body));
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        for (const key of ["AWS_ENDPOINT_URL_SSM", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"])
            saved[key] = process.env[key];
        process.env.AWS_ENDPOINT_URL_SSM = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        process.env.AWS_ACCESS_KEY_ID = "AKIDEXAMPLE";
        process.env.AWS_SECRET_ACCESS_KEY = "secret";
        delete process.env.AWS_SESSION_TOKEN;
    });
    after(async () => {
        for (const [key, value] of Object.entries(saved)) {
            if (value === undefined) delete process.env[key];
            else process.env[key] = value;
        }
        await new Promise((resolve) => server.close(resolve));
    });
    beforeEach(() => {
        sts = mockClient(STSClient);
        sts.on(GetCallerIdentityCommand).resolves({ Account: account, Arn: `arn:aws:sts::${account}:assumed-role/deployer/s` });
        targets.length = 0;
    });
    afterEach(() => sts.restore());

    it("retries a 5xx and a ThrottlingException, then reads the sync", async () => {
        answers = [
            { status: 500, body: { __type: "InternalServerError", message: "internal error" } },
            { status: 400, body: { __type: "ThrottlingException", message: "Rate exceeded" } },
            {
                status: 200,
                body: {
                    ResourceDataSyncItems: [
                        {
                            SyncName: "org-inventory-sync",
                            SyncType: "SyncToDestination",
                            LastStatus: "Successful",
                            S3Destination: {
                                BucketName: inputs.bucketName,
                                Region: "ap-northeast-1",
                                Prefix: "inventory",
                                SyncFormat: "JsonSerDe",
                            },
                        },
                    ],
                },
            },
        ];
        const read = await provider.read!(id, {});
        assert.equal(read.id, id);
        assert.deepEqual(targets, Array(3).fill("AmazonSSM.ListResourceDataSync"));
    });

    it("does not retry a client error", async () => {
        answers = [{ status: 400, body: { __type: "ResourceDataSyncInvalidConfigurationException", message: "bad" } }];
        await assert.rejects(provider.read!(id, {}), /bad/);
        assert.equal(targets.length, 1);
    });
});
