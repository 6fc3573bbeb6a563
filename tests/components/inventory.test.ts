import { strict as assert } from "node:assert";
import {
    CreateResourceDataSyncCommand,
    DeleteResourceDataSyncCommand,
    GetParameterCommand,
    ListResourceDataSyncCommand,
    ParameterNotFound,
    PutParameterCommand,
    SSMClient,
} from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import type { SyncOutputs } from "../../handlers/resourceDataSync/inputs";
import { previewOnlyVariable } from "../../stacks/config/resolve";
import type { ProgramRun, Registration } from "../../offline/recorder";
import { loadSerializedProvider } from "../helpers/dynamicProvider";
import { sampleHub } from "../helpers/hub";
import { exampleConfig, named, ofType, policyOf, runProgram } from "../helpers/program";

const syncType = "pulumi-nodejs:dynamic/inventory:OrganizationResourceDataSync";
const main = "111111111111";
const bucket = "multi-account-ops-inventory-111111111111-ap-northeast-1";

function mainConfig(change: (inventory: Record<string, unknown>) => void = () => undefined): Record<string, unknown> {
    const config = exampleConfig("main");
    change(config.inventory as Record<string, unknown>);
    return config;
}

describe("inventory under mocks", () => {
    describe("main stack", () => {
        let run: ProgramRun;
        before(async () => {
            run = await runProgram("main", mainConfig());
        });

        it("gives the central bucket versioning, SSE-S3, a full public access block, BucketOwnerEnforced and a noncurrent-version lifecycle", () => {
            assert.equal(named(run, "aws:s3/bucket:Bucket", "inventory-bucket").inputs.bucket, bucket);
            assert.deepEqual(
                named(run, "aws:s3/bucketVersioning:BucketVersioning", "inventory-bucket-versioning").inputs.versioningConfiguration,
                { status: "Enabled" },
            );
            const encryption = named(
                run,
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "inventory-bucket-encryption",
            );
            assert.deepEqual((encryption.inputs.rules as Record<string, unknown>[])[0].applyServerSideEncryptionByDefault, {
                sseAlgorithm: "AES256",
            });
            const block = named(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "inventory-bucket-public-access").inputs;
            assert.deepEqual(
                [block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets],
                [true, true, true, true],
            );
            assert.deepEqual(
                named(run, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "inventory-bucket-ownership").inputs.rule,
                { objectOwnership: "BucketOwnerEnforced" },
            );
            const lifecycle = named(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "inventory-bucket-lifecycle");
            assert.deepEqual((lifecycle.inputs.rules as Record<string, unknown>[])[0].noncurrentVersionExpiration, { noncurrentDays: 90 });
            const statementIds = (
                policyOf(named(run, "aws:s3/bucketPolicy:BucketPolicy", "inventory-bucket-policy")).Statement as { Sid: string }[]
            ).map((s) => s.Sid);
            assert.deepEqual(statementIds, [
                "SSMBucketPermissionsCheck",
                "SSMBucketDelivery",
                "SSMBucketDeliveryTagging",
                "DenyInsecureTransport",
            ]);
        });

        it("collects with an association per account and region, each through that account's provider", () => {
            const associations = ofType(run, "aws:ssm/association:Association");
            const placed = associations.map((a) => `${a.account}/${a.region}`).sort();
            assert.deepEqual(placed, [
                "111111111111/ap-northeast-1",
                "111111111111/us-east-1",
                "222222222222/ap-northeast-1",
                "222222222222/us-east-1",
                "333333333333/ap-northeast-1",
                "333333333333/us-east-1",
                "444444444444/ap-northeast-1",
            ]);
            for (const association of associations) {
                assert.equal(association.inputs.name, "AWS-GatherSoftwareInventory");
                assert.equal(association.inputs.scheduleExpression, "rate(30 minutes)");
                assert.deepEqual(association.inputs.targets, [{ key: "InstanceIds", values: ["*"] }]);
            }
        });

        it("registers one organization sync per account and region, named by account, reaching members through their hub role", () => {
            const syncs = ofType(run, syncType);
            assert.equal(syncs.length, 7);
            const dev = syncs.filter((s) => s.inputs.accountId === "222222222222");
            assert.deepEqual(
                dev.map((s) => [s.name, s.account, s.inputs.region, s.inputs.roleArn]),
                [
                    [
                        "inventory-sync-222222222222-ap-northeast-1",
                        "222222222222",
                        "ap-northeast-1",
                        "arn:aws:iam::222222222222:role/multi-account-ops-deploy",
                    ],
                    [
                        "inventory-sync-222222222222-us-east-1",
                        "222222222222",
                        "us-east-1",
                        "arn:aws:iam::222222222222:role/multi-account-ops-deploy",
                    ],
                ],
            );
            // The names these syncs had before (the member's name): aliases, so upgrading is no replacement.
            assert.deepEqual(
                dev.map((s) => s.aliasNames),
                [["dev-inventory-sync-ap-northeast-1"], ["dev-inventory-sync-us-east-1"]],
            );
            const own = syncs.filter((s) => s.inputs.accountId === main);
            assert.equal(own.length, 2);
            assert.ok(
                own.every((s) => s.account === main && s.inputs.roleArn === "" && s.aliasNames?.[0]?.startsWith("main-inventory-sync-")),
                "the main account syncs with the ambient credentials",
            );
            for (const sync of syncs) {
                assert.deepEqual(
                    [sync.inputs.bucketName, sync.inputs.bucketRegion, sync.inputs.prefix, sync.inputs.syncName, sync.inputs.onExisting],
                    [bucket, "ap-northeast-1", "inventory", "org-inventory-sync", "fail"],
                );
                assert.equal(sync.inputs.accountId, sync.account, "the account the provider checks is the account the sync is planned in");
            }
        });

        it("serializes a provider closure that loads and works on its own: it checks the account, refuses an existing sync, imports by ID", async () => {
            const sync: Registration = ofType(run, syncType).find(
                (s) => s.name === "inventory-sync-222222222222-us-east-1",
            ) as Registration;
            const code = sync.inputs.__provider;
            assert.equal(typeof code, "string");
            const provider = loadSerializedProvider(code as string);
            const checked = await provider.check!({}, { ...sync.inputs, syncName: "not valid!" });
            assert.deepEqual(
                checked.failures?.map((f) => f.property),
                ["syncName"],
            );
            const ssm = mockClient(SSMClient);
            const sts = mockClient(STSClient);
            try {
                // Ambient credentials here: this checks the closure's logic, not the assume-role path (tested on the handler).
                const inputs = { ...sync.inputs, roleArn: "" };
                sts.on(GetCallerIdentityCommand).resolves({ Account: "999999999999", Arn: "arn:aws:sts::999999999999:assumed-role/x/y" });
                await assert.rejects(provider.create!(inputs), /not account 222222222222/);
                assert.equal(ssm.commandCalls(CreateResourceDataSyncCommand).length, 0);

                sts.on(GetCallerIdentityCommand).resolves({ Account: "222222222222", Arn: "arn:aws:sts::222222222222:assumed-role/x/y" });
                ssm.on(ListResourceDataSyncCommand).resolves({ ResourceDataSyncItems: [] });
                ssm.on(CreateResourceDataSyncCommand).resolves({});
                ssm.on(PutParameterCommand).resolves({ Version: 1 });
                const created = await provider.create!(inputs);
                assert.equal(created.id, "222222222222/us-east-1/org-inventory-sync");
                assert.equal(
                    ssm.commandCalls(CreateResourceDataSyncCommand)[0].args[0].input.S3Destination?.DestinationDataSharing
                        ?.DestinationDataSharingType,
                    "Organization",
                );
                const claim = ssm.commandCalls(PutParameterCommand)[0].args[0].input.Value;
                assert.equal((created.outs as SyncOutputs).claim, claim);

                // Destroy while another resource holds the claim: the sync stays.
                ssm.on(GetParameterCommand).resolves({ Parameter: { Value: "another-resource" } });
                await provider.delete!(created.id, created.outs);
                assert.equal(ssm.commandCalls(DeleteResourceDataSyncCommand).length, 0);
                ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: "", $metadata: {} }));
            } finally {
                ssm.restore();
                sts.restore();
            }
        });

        it("builds Glue tables with partition projection over the sync's layout, and an encrypted, capped Athena workgroup", () => {
            const application = named(run, "aws:glue/catalogTable:CatalogTable", "inventory-queries-application");
            const parameters = application.inputs.parameters as Record<string, string>;
            assert.equal(parameters["projection.enabled"], "true");
            // main, the three members, and the memberStacks account 555555555555 (its own stack collects its inventory).
            assert.equal(parameters["projection.accountid.values"], "111111111111,222222222222,333333333333,444444444444,555555555555");
            assert.equal(parameters["projection.region.values"], "ap-northeast-1,us-east-1");
            assert.equal(
                parameters["storage.location.template"],
                `s3://${bucket}/inventory/AWS:Application/accountid=\${accountid}/region=\${region}/resourcetype=ManagedInstanceInventory`,
            );
            assert.deepEqual(
                (application.inputs.partitionKeys as { name: string }[]).map((k) => k.name),
                ["accountid", "region"],
            );
            const workgroup = named(run, "aws:athena/workgroup:Workgroup", "inventory-queries-workgroup").inputs.configuration as Record<
                string,
                unknown
            >;
            assert.equal(workgroup.enforceWorkgroupConfiguration, true);
            assert.equal(workgroup.bytesScannedCutoffPerQuery, 1073741824);
            assert.deepEqual(workgroup.resultConfiguration, {
                outputLocation: "s3://multi-account-ops-athena-111111111111-ap-northeast-1/results/",
                encryptionConfiguration: { encryptionOption: "SSE_S3" },
            });
            assert.deepEqual(
                ofType(run, "aws:athena/namedQuery:NamedQuery").map((q) => q.inputs.name),
                ["managed-instances-by-platform-and-agent", "where-is-package-installed", "stale-inventory-instances"],
            );
        });
    });

    describe("variants", () => {
        it("renaming a member keeps every sync's URN (no replacement, nothing deleted)", async () => {
            const before = await runProgram("main", mainConfig());
            const renamed = mainConfig();
            (renamed.members as { name: string }[])[0].name = "development";
            const after = await runProgram("main", renamed);
            const urns = (r: ProgramRun): string[] =>
                ofType(r, syncType)
                    .map((s) => s.urn)
                    .sort();
            assert.deepEqual(urns(after), urns(before));
            assert.ok(ofType(after, "multi-account-ops:member:MemberAccount").some((m) => m.name === "development"));
        });

        it("a preview-only run shows no change on the syncs: the recorded access role is kept", async () => {
            const deployed = await runProgram("main", mainConfig());
            process.env[previewOnlyVariable] = "true";
            let preview: ProgramRun;
            try {
                preview = await runProgram("main", mainConfig());
            } finally {
                delete process.env[previewOnlyVariable];
            }
            const sync = ofType(preview, syncType).find((s) => String(s.inputs.roleArn).includes(":222222222222:")) as Registration;
            assert.match(sync.inputs.roleArn as string, /:role\/multi-account-ops-read-only$/, "the preview reaches the member read-only");
            const provider = loadSerializedProvider(sync.inputs.__provider as string);
            for (const planned of ofType(preview, syncType)) {
                const recorded = ofType(deployed, syncType).find((s) => s.urn === planned.urn) as Registration;
                const olds = { ...recorded.inputs, ownership: "created", claim: "c" };
                // The engine substitutes the recorded value of every ignoreChanges property before Diff
                // (https://www.pulumi.com/docs/iac/concepts/resources/options/ignorechanges/).
                const news = { ...planned.inputs };
                for (const key of planned.ignoreChanges ?? []) news[key] = olds[key as keyof typeof olds];
                const diff = await provider.diff!(
                    `${planned.account as string}/${planned.inputs.region as string}/org-inventory-sync`,
                    olds,
                    news,
                );
                assert.equal(diff.changes, false, `${planned.name} would show a change`);
            }
        });

        it("importSyncs and adoptExistingSyncs reach the syncs they name; an ID naming no sync of the stack is an error", async () => {
            const run = await runProgram(
                "main",
                mainConfig((inventory) => {
                    inventory.importSyncs = ["222222222222/us-east-1/org-inventory-sync"];
                    inventory.adoptExistingSyncs = true;
                }),
            );
            const modes = Object.fromEntries(
                ofType(run, syncType).map((s) => [`${s.inputs.accountId as string}/${s.inputs.region as string}`, s.inputs.onExisting]),
            );
            assert.equal(modes["222222222222/us-east-1"], "import");
            assert.equal(modes["222222222222/ap-northeast-1"], "adopt");
            assert.equal(modes["111111111111/us-east-1"], "adopt");
            await assert.rejects(
                runProgram(
                    "main",
                    mainConfig((inventory) => {
                        inventory.importSyncs = ["444444444444/us-east-1/org-inventory-sync", "222222222222/us-east-1/other-name"];
                    }),
                ),
                /inventory\.importSyncs: 444444444444\/us-east-1\/org-inventory-sync, 222222222222\/us-east-1\/other-name names no sync of this stack/,
            );
        });

        it("encrypts with a customer-managed key that the syncs name", async () => {
            const run = await runProgram(
                "main",
                mainConfig((inventory) => (inventory.encryption = "KMS")),
            );
            const key = named(run, "aws:kms/key:Key", "inventory-bucket-key");
            const keyArn = `arn:aws:kms:ap-northeast-1:${main}:key/mock-key-inventory-bucket-key`;
            assert.equal(key.account, main);
            const encryption = named(
                run,
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "inventory-bucket-encryption",
            );
            assert.deepEqual((encryption.inputs.rules as Record<string, unknown>[])[0].applyServerSideEncryptionByDefault, {
                sseAlgorithm: "aws:kms",
                kmsMasterKeyId: keyArn,
            });
            assert.ok(ofType(run, syncType).every((s) => s.inputs.kmsKeyArn === keyArn));
        });

        it("uses Quick Setup from the management account instead of associations", async () => {
            const run = await runProgram(
                "main",
                mainConfig((inventory) => {
                    inventory.collection = "quickSetup";
                    inventory.quickSetup = { organizationalUnitIds: ["ou-ab12-cdef3456"] };
                }),
            );
            assert.equal(ofType(run, "aws:ssm/association:Association").length, 0);
            const manager = ofType(run, "aws-native:ssmquicksetup:ConfigurationManager")[0];
            assert.ok(manager);
            assert.equal(manager.account, "999999999999");
            const definition = (manager.inputs.configurationDefinitions as { type: string; parameters: Record<string, string> }[])[0];
            assert.equal(definition.type, "AWSQuickSetupType-SSMHostMgmt");
            assert.equal(definition.parameters.CollectInventory, "true");
            assert.equal(definition.parameters.TargetOrganizationalUnits, "ou-ab12-cdef3456");
            assert.equal(definition.parameters.TargetRegions, "ap-northeast-1,us-east-1");
            const nativeProvider = ofType(run, "pulumi:providers:aws-native")[0];
            assert.deepEqual(nativeProvider.inputs.assumeRole, {
                roleArn: "arn:aws:iam::999999999999:role/multi-account-ops-management",
                sessionName: "multi-account-ops",
            });
            assert.equal(ofType(run, syncType).length, 7, "the syncs stay");
        });
    });

    describe("member stack", () => {
        it("syncs with the member's own credentials and serializes the provider", async () => {
            const hub = sampleHub({
                inventory: {
                    bucketName: bucket,
                    bucketRegion: "ap-northeast-1",
                    prefix: "inventory",
                    syncName: "org-inventory-sync",
                    schedule: "rate(1 hour)",
                },
            });
            const config = exampleConfig("member");
            config.inventory = { importSyncs: ["555555555555/us-east-1/org-inventory-sync"] };
            const run = await runProgram("member", config, { stackOutputs: () => ({ hub }) });
            const syncs = ofType(run, syncType);
            assert.deepEqual(
                syncs.map((s) => [s.account, s.inputs.accountId, s.inputs.region, s.inputs.roleArn, s.inputs.onExisting]),
                [
                    ["555555555555", "555555555555", "ap-northeast-1", "", "fail"],
                    ["555555555555", "555555555555", "us-east-1", "", "import"],
                ],
            );
            assert.ok(
                syncs.every((s) => typeof s.inputs.__provider === "string" && (s.inputs.__provider as string).includes("exports.handler")),
            );
            assert.ok(
                ofType(run, "aws:ssm/association:Association").every(
                    (a) => a.inputs.scheduleExpression === "rate(1 hour)" && a.account === "555555555555",
                ),
            );
        });
    });
});
