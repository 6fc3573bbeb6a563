import { strict as assert } from "node:assert";
import {
    GetParameterCommand,
    GetParameterHistoryCommand,
    LabelParameterVersionCommand,
    ListTagsForResourceCommand,
    ParameterNotFound,
    PutParameterCommand,
} from "@aws-sdk/client-ssm";
import {
    CreateAccountCommand,
    CreateOrganizationalUnitCommand,
    CreateOrganizationCommand,
    DescribeOrganizationCommand,
    ListAccountsCommand,
    ListRootsCommand,
    MoveAccountCommand,
    OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { handler as rawHandler, reportReserveMs } from "../../handlers/amiPublisher";
import { credentialsFor, ssmIn } from "../helpers/aws";
import { imageMessage, ownerAccount, snsEvent } from "../helpers/imageEvents";
import { captureLogs } from "../helpers/logs";
import { motoEndpoint } from "../helpers/moto";
import { startParameterStoreProxy, type ParameterStoreProxy } from "../helpers/parameterStoreProxy";

const parameter = "/ec2-imagebuilder/latest/golden-al2023";
const memberA = "111111111111";
const memberB = "222222222222";
const outsider = "333333333333";
const regions = ["us-east-1", "eu-west-1"];

async function valueIn(accountId: string, region: string): Promise<{ value?: string; version?: number } | undefined> {
    try {
        const result = await (await ssmIn(accountId, region)).send(new GetParameterCommand({ Name: parameter }));
        return { value: result.Parameter?.Value, version: result.Parameter?.Version };
    } catch (error) {
        if (error instanceof ParameterNotFound) return undefined;
        throw error;
    }
}

let logLines: Record<string, unknown>[] = [];

/** The handler, with its log lines captured (kept in logLines) instead of printed. */
async function handler(event: Parameters<typeof rawHandler>[0]): ReturnType<typeof rawHandler> {
    const { result, error, lines } = await captureLogs(() => rawHandler(event));
    logLines = lines;
    if (error !== undefined) throw error;
    return result as Awaited<ReturnType<typeof rawHandler>>;
}

const twoRegionImage = imageMessage({
    amis: [
        { region: "us-east-1", image: "ami-0aaaaaaaaaaaaaaa1" },
        { region: "eu-west-1", image: "ami-0bbbbbbbbbbbbbbb2" },
    ],
    distributions: regions.map((region) => ({
        region,
        amiDistributionConfiguration: { launchPermission: { userIds: [memberA, memberB] } },
    })),
});

const summaryOf = (counts: Partial<Awaited<ReturnType<typeof rawHandler>>>): Awaited<ReturnType<typeof rawHandler>> => ({
    written: 0,
    labelled: 0,
    unchanged: 0,
    superseded: 0,
    skipped: 0,
    skippedImages: 0,
    queued: 0,
    ...counts,
});

/** The label of a version, read as Parameter Store resolves `name:label`; undefined when no version carries it. */
async function labelledVersion(accountId: string, region: string, label: string): Promise<number | undefined> {
    try {
        return (await (await ssmIn(accountId, region)).send(new GetParameterCommand({ Name: `${parameter}:${label}` }))).Parameter?.Version;
    } catch (error) {
        if (error instanceof ParameterNotFound) return undefined;
        throw error;
    }
}

const roleB = (accountId: string): string => `arn:aws:iam::${accountId}:role/LambdaExecutionRoleForSSMParam`;

describe("AMI publisher handler against moto (multi-account)", () => {
    // SSM and STS go through a proxy that adds what moto lacks: asynchronous AMI validation, missing roles, failed calls.
    let proxy: ParameterStoreProxy;
    before(async () => {
        proxy = await startParameterStoreProxy(motoEndpoint());
        process.env.AWS_ENDPOINT_URL_SSM = proxy.url;
        process.env.AWS_ENDPOINT_URL_STS = proxy.url;
    });
    after(async () => {
        delete process.env.AWS_ENDPOINT_URL_SSM;
        delete process.env.AWS_ENDPOINT_URL_STS;
        await proxy.close();
    });
    beforeEach(() => {
        process.env.PARAMETER_PREFIX = "/ec2-imagebuilder/latest";
        process.env.TARGET_ROLE_NAME = "LambdaExecutionRoleForSSMParam";
        delete process.env.ORG_READER_ROLE_ARN;
        delete process.env.ROLE_B_ACCOUNT_IDS;
        delete process.env.ROLE_B_OU_IDS;
        delete process.env.VERSION_WAIT_SECONDS;
        process.env.MAX_CONCURRENCY = "4";
        proxy.reset();
    });

    it("writes each region's AMI in exactly the receiving accounts and regions, tagged at creation", async () => {
        const summary = await handler(snsEvent(twoRegionImage));
        assert.deepEqual(summary, summaryOf({ written: 6 }));
        const outcomes = logLines.filter((line) => line.outcome !== undefined);
        assert.equal(outcomes.length, 6, "one structured log line per target");
        assert.ok(outcomes.every((line) => line.level === "INFO" && line.outcome === "written" && line.service === "ami-publisher"));
        for (const account of [ownerAccount, memberA, memberB]) {
            assert.equal((await valueIn(account, "us-east-1"))?.value, "ami-0aaaaaaaaaaaaaaa1", `${account} us-east-1`);
            assert.equal((await valueIn(account, "eu-west-1"))?.value, "ami-0bbbbbbbbbbbbbbb2", `${account} eu-west-1`);
            assert.equal(await valueIn(account, "ap-northeast-1"), undefined, `${account} got a region it did not receive`);
        }
        for (const region of regions) assert.equal(await valueIn(outsider, region), undefined, `outsider got ${region}`);

        const labelled = await (await ssmIn(memberA, "us-east-1")).send(new GetParameterCommand({ Name: `${parameter}:v1.0.0-3` }));
        assert.equal(labelled.Parameter?.Value, "ami-0aaaaaaaaaaaaaaa1");

        // Tags go on PutParameter when the parameter is created; no separate AddTagsToResource call.
        const tags = await (
            await ssmIn(memberA, "eu-west-1")
        ).send(new ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: parameter }));
        assert.deepEqual(tags.TagList, [
            { Key: "managed-by", Value: "multi-account-ops" },
            { Key: "image-recipe", Value: "golden-al2023" },
        ]);
        assert.deepEqual(
            proxy.calls.filter((call) => call.startsWith("AddTagsToResource")),
            [],
        );
    });

    it("adds no parameter version when SNS redelivers the event", async () => {
        await handler(snsEvent(twoRegionImage));
        const again = await handler(snsEvent(twoRegionImage));
        assert.deepEqual(again, summaryOf({ unchanged: 6 }));
        assert.equal((await valueIn(memberB, "eu-west-1"))?.version, 1);
    });

    it("writes nothing for a FAILED image", async () => {
        const summary = await handler(snsEvent(imageMessage({ status: "FAILED" })));
        assert.deepEqual(summary, summaryOf({ skippedImages: 1 }));
        for (const account of [ownerAccount, memberA]) assert.equal(await valueIn(account, "us-east-1"), undefined);
    });

    it("resolves OU sharing through Organizations, nested OUs included, via the org reader role", async () => {
        const organizations = new OrganizationsClient({ region: "us-east-1" });
        await organizations.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
        const rootId = (await organizations.send(new ListRootsCommand({}))).Roots?.[0]?.Id;
        assert.ok(rootId);
        const workloads = (await organizations.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: "workloads" })))
            .OrganizationalUnit;
        const nested = (await organizations.send(new CreateOrganizationalUnitCommand({ ParentId: workloads?.Id, Name: "prod" })))
            .OrganizationalUnit;
        assert.ok(workloads?.Id && workloads.Arn && nested?.Id);
        for (const [name, parent] of [
            ["in-workloads", workloads.Id],
            ["in-nested", nested.Id],
            ["in-root", undefined],
        ] as const) {
            await organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
            const created = (await organizations.send(new ListAccountsCommand({}))).Accounts?.find((a) => a.Name === name);
            assert.ok(created?.Id);
            if (parent)
                await organizations.send(
                    new MoveAccountCommand({ AccountId: created.Id, SourceParentId: rootId, DestinationParentId: parent }),
                );
        }
        const accounts = (await organizations.send(new ListAccountsCommand({}))).Accounts ?? [];
        const idOf = (name: string): string => accounts.find((a) => a.Name === name)?.Id ?? assert.fail(name);

        process.env.ORG_READER_ROLE_ARN = `arn:aws:iam::${ownerAccount}:role/OrgReader`;
        const summary = await handler(
            snsEvent(
                imageMessage({
                    amis: [{ region: "us-east-1", image: "ami-0ccccccccccccccc3" }],
                    distributions: [
                        {
                            region: "us-east-1",
                            amiDistributionConfiguration: { launchPermission: { organizationalUnitArns: [workloads.Arn] } },
                        },
                    ],
                }),
            ),
        );
        assert.equal(summary.written, 3);
        assert.equal((await valueIn(idOf("in-workloads"), "us-east-1"))?.value, "ami-0ccccccccccccccc3");
        assert.equal((await valueIn(idOf("in-nested"), "us-east-1"))?.value, "ami-0ccccccccccccccc3");
        assert.equal(await valueIn(idOf("in-root"), "us-east-1"), undefined);
    });

    it("rejects a malformed message, naming what is missing", async () => {
        await assert.rejects(handler(snsEvent("not json")), /SNS record 0: Message is not JSON: "not json"/);
        const lacking = imageMessage();
        delete lacking.outputResources;
        delete lacking.distributionConfiguration;
        await assert.rejects(handler(snsEvent(lacking)), /SNS record 0: image message lacks outputResources, distributionConfiguration/);
    });

    it("writes every other target when one fails, then names the failed one", async () => {
        // A parameter at SSM's 100-version limit whose oldest version carries someone else's label refuses new
        // versions; the publisher removes only its own labels, so this target fails.
        const blocked = await ssmIn(memberB, "us-east-1");
        for (let i = 0; i < 100; i++) {
            await blocked.send(
                new PutParameterCommand({
                    Name: parameter,
                    Value: `ami-0${String(i).padStart(16, "0")}`,
                    Type: "String",
                    Overwrite: i > 0,
                }),
            );
        }
        await blocked.send(new LabelParameterVersionCommand({ Name: parameter, ParameterVersion: 1, Labels: ["pinned"] }));

        await assert.rejects(handler(snsEvent(twoRegionImage)), (error: Error) => {
            assert.match(
                error.message,
                /^AMI publish failed for 1 target\(s\): 222222222222\/us-east-1: cannot write \/ec2-imagebuilder\/latest\/golden-al2023: ParameterMaxVersionLimitExceeded: its oldest version 1 carries label\(s\) pinned that the publisher did not set/,
            );
            return true;
        });
        assert.equal((await valueIn(memberB, "eu-west-1"))?.value, "ami-0bbbbbbbbbbbbbbb2");
        const failed = logLines.filter((line) => line.outcome === "failed");
        assert.deepEqual(
            failed.map((line) => [line.account, line.region, line.level]),
            [[memberB, "us-east-1", "ERROR"]],
        );
        for (const account of [ownerAccount, memberA]) {
            assert.equal((await valueIn(account, "us-east-1"))?.value, "ami-0aaaaaaaaaaaaaaa1");
        }
    });
    const oneRegionImage = (launchPermission: Record<string, unknown>, image = "ami-0ddddddddddddddd4"): Record<string, unknown> =>
        imageMessage({
            amis: [{ region: "us-east-1", image }],
            distributions: [{ region: "us-east-1", amiDistributionConfiguration: { launchPermission } }],
        });

    describe("Parameter Store's asynchronous aws:ec2:image validation", () => {
        it("labels the exact version it wrote, once that version is visible with the AMI ID", async () => {
            // memberA already has version 1 (the previous image); the new version 2 stays hidden for two polls.
            await (
                await ssmIn(memberA, "us-east-1")
            ).send(new PutParameterCommand({ Name: parameter, Value: "ami-0000000000000old1", Type: "String", DataType: "aws:ec2:image" }));
            proxy.hiddenPolls = 2;
            const summary = await handler(snsEvent(oneRegionImage({ userIds: [memberA] })));
            assert.deepEqual(summary, summaryOf({ written: 2 }));

            assert.equal(await labelledVersion(memberA, "us-east-1", "v1.0.0-3"), 2);
            assert.equal((await valueIn(memberA, "us-east-1"))?.value, "ami-0ddddddddddddddd4");
            // Two reads of version 2 answered "not found", the third saw it; only then was version 2 labelled.
            const versionReads = proxy.calls.flatMap((call, i) => (call === `GetParameter ${parameter}:2` ? [i] : []));
            assert.equal(versionReads.length, 3);
            const label = proxy.calls.indexOf(`LabelParameterVersion ${parameter}:2`);
            assert.ok(label > versionReads[2], `labelled before the version was visible: ${proxy.calls.join(" | ")}`);
            const written = logLines.find((line) => line.account === memberA);
            assert.equal(written?.outcome, "written");
            assert.equal(written?.version, 2);
        });

        it("fails a target whose version never becomes visible (validation failed), labelling nothing", async () => {
            process.env.VERSION_WAIT_SECONDS = "1";
            proxy.hiddenPolls = Infinity;
            await assert.rejects(handler(snsEvent(oneRegionImage({ userIds: [memberA] }))), (error: Error) => {
                assert.match(error.message, /^AMI publish failed for 2 target\(s\): /);
                assert.match(
                    error.message,
                    /111111111111\/us-east-1: version 1 of \/ec2-imagebuilder\/latest\/golden-al2023 \(ami-0ddddddddddddddd4\) is not visible after \d+ s: Parameter Store validates aws:ec2:image values asynchronously/,
                );
                return true;
            });
            assert.deepEqual(
                proxy.calls.filter((call) => call.startsWith("LabelParameterVersion")),
                [],
            );
        });
    });

    it("stops waiting before the Lambda timeout and reports every target, the unstarted ones as not attempted", async () => {
        // Lambda ends an invocation at its timeout with no chance to log or flush metrics; getRemainingTimeInMillis() is
        // "the number of milliseconds left before the execution times out" (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html).
        // Here 3 targets, one at a time, each waiting up to 10 s for a version that never appears, but only 2 s left.
        process.env.VERSION_WAIT_SECONDS = "10";
        process.env.MAX_CONCURRENCY = "1";
        proxy.hiddenPolls = Infinity;
        const context = { getRemainingTimeInMillis: () => reportReserveMs + 2000 };
        const started = Date.now();
        const { error, lines } = await captureLogs(() => rawHandler(snsEvent(oneRegionImage({ userIds: [memberA, memberB] })), context));
        const elapsedMs = Date.now() - started;
        assert.ok(elapsedMs < 8000, `the handler ran ${elapsedMs} ms, past the invocation's time limit`);
        assert.ok(error instanceof Error);
        assert.match(error.message, /^AMI publish failed for 3 target\(s\): /);
        for (const account of [ownerAccount, memberA, memberB])
            assert.match(
                error.message,
                new RegExp(
                    `${account}/us-east-1: (version 1 .* is not visible after \\d+ s \\(cut short by the Lambda timeout\\)|not attempted)`,
                ),
            );
        // The metrics were flushed (EMF line) with every target counted as failed.
        const emf = lines.find((line) => line._aws !== undefined);
        assert.equal(emf?.TargetsFailed, 3);

        // With no time left at all, nothing is started and every target is named as not attempted.
        const late = await captureLogs(() =>
            rawHandler(snsEvent(oneRegionImage({ userIds: [memberA, memberB] })), { getRemainingTimeInMillis: () => reportReserveMs }),
        );
        assert.ok(late.error instanceof Error);
        assert.equal(late.error.message.match(/not attempted: the invocation ran out of time/g)?.length, 3, late.error.message);
    });

    it("does not roll the parameter back when an older image arrives late (Lambda retry, dead-letter replay)", async () => {
        // Lambda retries a failed asynchronous event for up to maximumEventAgeInSeconds (6 h here) and the dead-letter
        // queue is replayed by hand ("Configuring error handling for asynchronous invocation",
        // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html): image 1.0.0/3 can come after 1.0.0/10.
        const newer = imageMessage({
            version: "1.0.0/10",
            amis: [{ region: "us-east-1", image: "ami-0eeeeeeeeeeeeeee5" }],
            distributions: [{ region: "us-east-1", amiDistributionConfiguration: { launchPermission: { userIds: [memberA] } } }],
        });
        assert.deepEqual(await handler(snsEvent(newer)), summaryOf({ written: 2 }));
        assert.deepEqual(await handler(snsEvent(oneRegionImage({ userIds: [memberA] }))), summaryOf({ superseded: 2 }));
        assert.equal((await valueIn(memberA, "us-east-1"))?.value, "ami-0eeeeeeeeeeeeeee5");
        assert.equal((await valueIn(memberA, "us-east-1"))?.version, 1);
        const line = logLines.find((entry) => entry.account === memberA);
        assert.equal(line?.outcome, "superseded");
        assert.equal(line?.supersededBy, "v1.0.0-10");
    });

    it("finishes a half-done write on redelivery: labels the version already written, adds none", async () => {
        // First delivery: every put succeeds, every label call fails (e.g. a throttled or denied call).
        proxy.failLabels = true;
        await assert.rejects(handler(snsEvent(twoRegionImage)), /AMI publish failed for 6 target\(s\): .*AccessDeniedException/);
        assert.equal((await valueIn(memberA, "us-east-1"))?.value, "ami-0aaaaaaaaaaaaaaa1");
        assert.equal(await labelledVersion(memberA, "us-east-1", "v1.0.0-3"), undefined);

        // SNS/Lambda redeliver: the value is already there, so only the label is missing.
        proxy.failLabels = false;
        assert.deepEqual(await handler(snsEvent(twoRegionImage)), summaryOf({ labelled: 6 }));
        for (const account of [ownerAccount, memberA, memberB]) {
            for (const region of regions) {
                assert.equal((await valueIn(account, region))?.version, 1, `${account} ${region} got another version`);
                assert.equal(await labelledVersion(account, region, "v1.0.0-3"), 1, `${account} ${region} is not labelled`);
            }
        }
        assert.deepEqual(await handler(snsEvent(twoRegionImage)), summaryOf({ unchanged: 6 }));
    });

    it("heals the 100-version limit by removing its own label from the oldest version, then writes", async () => {
        // moto enforces the limit like Parameter Store: 100 versions kept, no new one while the oldest is labelled.
        const full = await ssmIn(memberB, "us-east-1");
        for (let i = 1; i <= 100; i++) {
            await full.send(
                new PutParameterCommand({
                    Name: parameter,
                    Value: `ami-0${String(i).padStart(16, "0")}`,
                    Type: "String",
                    DataType: "aws:ec2:image",
                    Overwrite: i > 1,
                }),
            );
        }
        await full.send(new LabelParameterVersionCommand({ Name: parameter, ParameterVersion: 1, Labels: ["v0.9.0-1"] }));
        await full.send(new LabelParameterVersionCommand({ Name: parameter, ParameterVersion: 2, Labels: ["v0.9.0-2"] }));
        await assert.rejects(
            full.send(new PutParameterCommand({ Name: parameter, Value: "ami-0eeeeeeeeeeeeeee5", Type: "String", Overwrite: true })),
            { name: "ParameterMaxVersionLimitExceeded" },
        );

        const summary = await handler(snsEvent(oneRegionImage({ userIds: [memberB] })));
        assert.deepEqual(summary, summaryOf({ written: 2 }));
        assert.equal(await labelledVersion(memberB, "us-east-1", "v1.0.0-3"), 101);
        assert.equal(await labelledVersion(memberB, "us-east-1", "v0.9.0-1"), undefined, "version 1 and its label are gone");
        assert.equal(await labelledVersion(memberB, "us-east-1", "v0.9.0-2"), 2, "only the oldest version's label was removed");
        const history = await full.send(new GetParameterHistoryCommand({ Name: parameter, MaxResults: 50 }));
        assert.equal(history.Parameters?.[0]?.Version, 2, "Parameter Store dropped version 1");
        const healed = logLines.find((line) => line.account === memberB);
        assert.deepEqual(healed?.unlabelled, { version: 1, labels: ["v0.9.0-1"] });
    });

    describe("organization sharing and role B", () => {
        const management = "999999999999";
        let organizationArn: string;
        let stackSetOuId: string;
        let inStackSetOu: string;
        let outside: string;

        beforeEach(async () => {
            // The organization belongs to its management account, 999999999999; the image owner is a member.
            const organizations = new OrganizationsClient({ region: "us-east-1", credentials: await credentialsFor(management) });
            await organizations.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
            organizationArn = (await organizations.send(new DescribeOrganizationCommand({}))).Organization?.Arn ?? assert.fail("no org");
            assert.match(organizationArn, new RegExp(`^arn:aws:organizations::${management}:organization/o-`));
            const rootId = (await organizations.send(new ListRootsCommand({}))).Roots?.[0]?.Id ?? assert.fail("no root");
            stackSetOuId =
                (await organizations.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: "workloads" }))).OrganizationalUnit
                    ?.Id ?? assert.fail("no OU");
            for (const name of ["in-stack-set-ou", "outside"]) {
                await organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
            }
            const accounts = (await organizations.send(new ListAccountsCommand({}))).Accounts ?? [];
            const idOf = (name: string): string => accounts.find((a) => a.Name === name)?.Id ?? assert.fail(name);
            inStackSetOu = idOf("in-stack-set-ou");
            outside = idOf("outside");
            await organizations.send(
                new MoveAccountCommand({ AccountId: inStackSetOu, SourceParentId: rootId, DestinationParentId: stackSetOuId }),
            );

            process.env.ORG_READER_ROLE_ARN = `arn:aws:iam::${management}:role/OrgReader`;
            process.env.ROLE_B_OU_IDS = stackSetOuId;
            process.env.ROLE_B_ACCOUNT_IDS = memberA;
            // No StackSet instance in the management account, none outside the StackSet's OU.
            proxy.missingRoles.add(roleB(management));
            proxy.missingRoles.add(roleB(outside));
        });

        it("skips the management account and other accounts without role B, with the reason, a count and a metric", async () => {
            const summary = await handler(snsEvent(oneRegionImage({ organizationArns: [organizationArn] })));
            assert.deepEqual(summary, summaryOf({ written: 2, skipped: 2 }));
            assert.equal((await valueIn(inStackSetOu, "us-east-1"))?.value, "ami-0ddddddddddddddd4");
            assert.equal(await valueIn(management, "us-east-1"), undefined);

            const skipped = logLines.filter((line) => line.outcome === "skipped");
            assert.deepEqual(
                skipped.map((line) => `${String(line.account)} ${String(line.level)}`).sort(),
                [`${management} WARN`, `${outside} WARN`].sort(),
            );
            const byAccount = Object.fromEntries(skipped.map((line) => [line.account, String(line.reason)]));
            assert.match(byAccount[management], /management account .* service-managed StackSets never deploy to the management account/);
            assert.match(
                byAccount[outside],
                /not a configured member, distribution account or copy target, and is in no role-B StackSet OU/,
            );

            // One embedded-metric-format line (CloudWatch creates the metrics from the log).
            const emf = logLines.filter((line) => line._aws !== undefined);
            assert.equal(emf.length, 1);
            assert.equal(emf[0].TargetsSkipped, 2);
            assert.equal(emf[0].TargetsWritten, 2);
            assert.equal(emf[0].TargetsFailed, 0);
            const directives = (emf[0]._aws as { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] })
                .CloudWatchMetrics[0];
            assert.equal(directives.Namespace, "MultiAccountOps/GoldenAmi");
            assert.ok(directives.Metrics.some((metric) => metric.Name === "TargetsSkipped"));
        });

        it("still fails loudly for an account that should have role B: in the StackSet's OU, or configured", async () => {
            // `outside` now stands for a configured member that receives the image only through the organization share.
            process.env.ROLE_B_ACCOUNT_IDS = `${memberA},${outside}`;
            proxy.missingRoles.add(roleB(inStackSetOu));
            await assert.rejects(handler(snsEvent(oneRegionImage({ organizationArns: [organizationArn] }))), (error: Error) => {
                assert.match(error.message, /^AMI publish failed for 2 target\(s\): /);
                for (const account of [inStackSetOu, outside])
                    assert.ok(
                        error.message.includes(`${account}/us-east-1: cannot assume ${roleB(account)}: the role is missing`),
                        error.message,
                    );
                assert.ok(!error.message.includes(management), "the management account is skipped, not failed");
                return true;
            });
            assert.deepEqual(
                logLines.filter((line) => line.outcome === "skipped").map((line) => line.account),
                [management],
            );
        });

        it("skips an account of a role-B OU that is excluded (a fleet account without golden AMIs) instead of failing", async () => {
            // The fleet OU is a role-B OU (fleet stacks make role B); an excluded fleet account has none (stacks/fleet.ts).
            process.env.ROLE_B_EXCLUDED_ACCOUNT_IDS = inStackSetOu;
            proxy.missingRoles.add(roleB(inStackSetOu));
            try {
                const summary = await handler(snsEvent(oneRegionImage({ organizationArns: [organizationArn] })));
                assert.deepEqual(summary, summaryOf({ written: 1, skipped: 3 }));
                const reasons = Object.fromEntries(
                    logLines.filter((line) => line.outcome === "skipped").map((line) => [line.account, String(line.reason)]),
                );
                assert.match(
                    reasons[inStackSetOu],
                    /excluded from role B: a fleet account excluded from the fleet or with golden AMIs switched off/,
                );
                assert.equal(await valueIn(inStackSetOu, "us-east-1"), undefined);
            } finally {
                delete process.env.ROLE_B_EXCLUDED_ACCOUNT_IDS;
            }
        });
    });
});
