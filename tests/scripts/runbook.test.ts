import { strict as assert } from "node:assert";
import {
    type AutomationExecutionStatus,
    type StepExecution,
    DescribeDocumentCommand,
    GetAutomationExecutionCommand,
    SSMClient,
    StartAutomationExecutionCommand,
} from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { parseRunbookArgs, RunbookError, runRunbook } from "../../scripts/runbook";

const main = {
    memberAccountIds: ["222222222222", "333333333333"],
    executionRoleName: "AWS-SystemsManager-AutomationExecutionRole",
    regions: ["ap-northeast-1", "us-east-1"],
};
const argv = [
    "--document",
    "AWS-EnableS3BucketEncryption",
    "--parameters",
    "BucketName=logs",
    "AutomationAssumeRole=arn:aws:iam::111111111111:role/AWS-SystemsManager-AutomationAdministrationRole",
    "--accounts",
    "all",
    "--regions",
    "ap-northeast-1,us-east-1",
    "--max-concurrency",
    "2",
    "--max-errors",
    "1",
];

describe("runbook command (aws-sdk-client-mock)", () => {
    let ssm: ReturnType<typeof mockClient>;
    let printed: string[];
    const io = (): Parameters<typeof runRunbook>[1] => ({
        ssm: new SSMClient({ region: "ap-northeast-1" }),
        print: (line) => printed.push(line),
        sleep: async () => undefined,
        pollIntervalMs: 0,
    });
    beforeEach(() => {
        ssm = mockClient(SSMClient);
        printed = [];
    });
    afterEach(() => ssm.restore());

    it("starts one multi-account execution with the exact request", async () => {
        ssm.on(DescribeDocumentCommand).resolves({ Document: { Name: "AWS-EnableS3BucketEncryption" } });
        ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: "exec-1" });
        ssm.on(GetAutomationExecutionCommand).resolves({
            AutomationExecution: { AutomationExecutionStatus: "Success", StepExecutions: [] },
        });
        const code = await runRunbook(parseRunbookArgs(argv, main), io());
        assert.equal(code, 0);
        assert.deepEqual(ssm.commandCalls(StartAutomationExecutionCommand)[0].args[0].input, {
            DocumentName: "AWS-EnableS3BucketEncryption",
            Parameters: {
                BucketName: ["logs"],
                AutomationAssumeRole: ["arn:aws:iam::111111111111:role/AWS-SystemsManager-AutomationAdministrationRole"],
            },
            TargetLocations: [
                {
                    Accounts: ["222222222222", "333333333333"],
                    Regions: ["ap-northeast-1", "us-east-1"],
                    ExecutionRoleName: "AWS-SystemsManager-AutomationExecutionRole",
                    TargetLocationMaxConcurrency: "2",
                    TargetLocationMaxErrors: "1",
                },
            ],
        });
    });

    it("polls until success, printing each step once as it finishes", async () => {
        ssm.on(DescribeDocumentCommand).resolves({});
        ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: "exec-2" });
        const step = (id: string, account: string, status: AutomationExecutionStatus): StepExecution => ({
            StepExecutionId: id,
            StepName: "EnableEncryption",
            StepStatus: status,
            TargetLocation: { Accounts: [account], Regions: ["ap-northeast-1"] },
        });
        ssm.on(GetAutomationExecutionCommand)
            .resolvesOnce({
                AutomationExecution: {
                    AutomationExecutionStatus: "InProgress",
                    StepExecutions: [step("s1", "222222222222", "InProgress")],
                },
            })
            .resolvesOnce({
                AutomationExecution: {
                    AutomationExecutionStatus: "InProgress",
                    StepExecutions: [step("s1", "222222222222", "Success"), step("s2", "333333333333", "InProgress")],
                },
            })
            .resolves({
                AutomationExecution: {
                    AutomationExecutionStatus: "Success",
                    StepExecutions: [step("s1", "222222222222", "Success"), step("s2", "333333333333", "Success")],
                },
            });
        const code = await runRunbook(parseRunbookArgs(argv, main), io());
        assert.equal(code, 0);
        assert.equal(ssm.commandCalls(GetAutomationExecutionCommand).length, 3);
        assert.deepEqual(printed, [
            "started AWS-EnableS3BucketEncryption as exec-2 in 2 account(s) x 2 region(s)",
            "222222222222/ap-northeast-1  EnableEncryption: Success",
            "333333333333/ap-northeast-1  EnableEncryption: Success",
            "exec-2: Success",
        ]);
    });

    it("exits non-zero on a failed step and says where to look", async () => {
        ssm.on(DescribeDocumentCommand).resolves({});
        ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: "exec-3" });
        ssm.on(GetAutomationExecutionCommand).resolves({
            AutomationExecution: {
                AutomationExecutionStatus: "CompletedWithFailure",
                StepExecutions: [
                    {
                        StepExecutionId: "s1",
                        StepName: "EnableEncryption",
                        StepStatus: "Failed",
                        FailureMessage: "AccessDenied: s3:PutEncryptionConfiguration",
                        TargetLocation: { Accounts: ["333333333333"], Regions: ["us-east-1"] },
                        Outputs: { ExecutionId: ["child-exec-9"] },
                    },
                ],
            },
        });
        const code = await runRunbook(parseRunbookArgs(argv, main), io());
        assert.equal(code, 1);
        assert.ok(printed.includes("333333333333/us-east-1  EnableEncryption: Failed (AccessDenied: s3:PutEncryptionConfiguration)"));
        assert.ok(
            printed.includes(
                "  look in 333333333333/us-east-1: Systems Manager > Automation, execution child-exec-9 shows the step output (the main account only sees the summary)",
            ),
        );
    });

    it("gives one-line errors for an unknown document, a bad account ID and missing credentials", async () => {
        ssm.on(DescribeDocumentCommand).rejects(Object.assign(new Error("Invalid document"), { name: "InvalidDocument" }));
        await assert.rejects(
            runRunbook(parseRunbookArgs(argv, main), io()),
            (error: Error) =>
                error instanceof RunbookError &&
                error.message ===
                    'unknown document "AWS-EnableS3BucketEncryption": no such Automation runbook is visible to the main account',
        );
        assert.throws(
            () => parseRunbookArgs(["--document", "X", "--accounts", "12345", "--regions", "us-east-1"], main),
            (error: Error) => error instanceof RunbookError && error.message === '--accounts "12345" is not a 12-digit account ID',
        );
        ssm.reset();
        ssm.on(DescribeDocumentCommand).rejects(
            Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }),
        );
        await assert.rejects(
            runRunbook(parseRunbookArgs(argv, main), io()),
            /no usable AWS credentials for the main account \(CredentialsProviderError\)/,
        );
        assert.throws(() => parseRunbookArgs(["--accounts", "all", "--regions", "us-east-1"], main), /--document is required/);
        assert.throws(
            () => parseRunbookArgs(["--document", "X", "--accounts", "all", "--regions", "mars"], main),
            /--regions "mars" is not a region of the main stack; its regions are ap-northeast-1, us-east-1/,
        );
    });
});
