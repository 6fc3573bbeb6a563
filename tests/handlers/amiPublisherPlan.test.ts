import { strict as assert } from "node:assert";
import { readSettings } from "../../handlers/amiPublisher/settings";
import type { PolicyDocument } from "../../components/iam";
import type { ProgramRun } from "../../offline/recorder";
import { decide } from "../helpers/iam";
import { exampleConfig, named, ofType, policyOf, runProgram } from "../helpers/program";

/**
 * The publisher as the main stack's plan deploys it: the environment that tells it which accounts
 * must have role B, and role B's permissions for healing the 100-version limit, evaluated with
 * iam-simulate on the documents the plan emits (member role B, the StackSet's role B, role A).
 */
const main = "111111111111";
const members = ["222222222222", "333333333333", "444444444444"];
const memberStackAccount = "555555555555";
const copyTarget = "777777777777";
const stackSetOu = "ou-ab12-cdef3456";
const ouArn = `arn:aws:organizations::999999999999:ou/o-exampleorg1/${stackSetOu}`;
const parameterIn = (account: string, path = "/ec2-imagebuilder/latest/golden-al2023"): string =>
    `arn:aws:ssm:us-east-1:${account}:parameter${path}`;

function sharingConfig(): Record<string, unknown> {
    const config = exampleConfig("main");
    const goldenAmi = config.goldenAmi as Record<string, Record<string, unknown>>;
    goldenAmi.distribution = {
        ...goldenAmi.distribution,
        accountIds: [memberStackAccount],
        organizationalUnitArns: [ouArn],
        targetAccountIds: [copyTarget],
        // A copy target must be reachable for its cross-account distribution role: here, its own member stack.
        targetAccountRoles: { [copyTarget]: "memberStack" },
    };
    goldenAmi.roleStackSet = { enabled: true, organizationalUnitIds: [stackSetOu] };
    // While role B's StackSet is on, every account with goldenAmi declares its OU (none is in the StackSet's here).
    for (const account of [...(config.members as Record<string, unknown>[]), ...(config.memberStacks as Record<string, unknown>[])])
        account.organizationalUnitId = "ou-ab12-99999999";
    return config;
}

/** The StackSet template's role B policy as CloudFormation resolves it in one account. */
function stackSetRolePolicy(run: ProgramRun, account: string): PolicyDocument {
    const stackSet = named(run, "aws:cloudformation/stackSet:StackSet", "golden-ami-role-stack-set-stack-set");
    const template = JSON.parse(String(stackSet.inputs.templateBody)) as {
        Resources: { ParameterWriterRole: { Properties: { Policies: { PolicyDocument: unknown }[] } } };
    };
    const resolved = JSON.stringify(template.Resources.ParameterWriterRole.Properties.Policies[0].PolicyDocument).replace(
        /\{"Fn::Sub":"((?:[^"\\]|\\.)*)"\}/g,
        (_, text: string) => JSON.stringify(text.replace("${AWS::Partition}", "aws").replace("${AWS::AccountId}", account)),
    );
    return JSON.parse(resolved) as PolicyDocument;
}

describe("AMI publisher as the plan deploys it", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram("main", sharingConfig());
    });

    it("tells the Lambda which accounts must have role B: configured members, declared accounts, copy targets, StackSet OUs", () => {
        const fn = named(run, "aws:lambda/function:Function", "golden-ami-publisher-function");
        const variables = (fn.inputs.environment as { variables: Record<string, string> }).variables;
        assert.equal(variables.ROLE_B_ACCOUNT_IDS, [...members, memberStackAccount, copyTarget].join(","));
        assert.equal(variables.ROLE_B_OU_IDS, stackSetOu);
        // The handler reads exactly what the plan sets.
        const settings = readSettings(variables);
        assert.deepEqual(settings.roleBAccountIds, [...members, memberStackAccount, copyTarget]);
        assert.deepEqual(settings.roleBOrganizationalUnitIds, [stackSetOu]);
    });

    describe("healing the 100-version limit (iam-simulate)", () => {
        const documents = (): { who: string; account: string; policy: PolicyDocument }[] => {
            const memberRoleB = ofType(run, "aws:iam/rolePolicy:RolePolicy").find(
                (r) => r.account === members[0] && r.name.includes("ami-parameter-writer"),
            );
            assert.ok(memberRoleB, "no role B policy in the first member");
            return [
                { who: "member role B", account: members[0], policy: policyOf(memberRoleB) as unknown as PolicyDocument },
                { who: "StackSet role B", account: "888888888888", policy: stackSetRolePolicy(run, "888888888888") },
                {
                    who: "role A",
                    account: main,
                    policy: policyOf(
                        named(run, "aws:iam/rolePolicy:RolePolicy", "golden-ami-publisher-role-publish-latest-ami"),
                    ) as unknown as PolicyDocument,
                },
            ];
        };
        const ask = (account: string, policy: PolicyDocument, action: string, resource: string): ReturnType<typeof decide> =>
            decide({
                principal: `arn:aws:iam::${account}:role/LambdaExecutionRoleForSSMParam`,
                action,
                resource,
                resourceAccount: resource.split(":")[4],
                identityPolicies: [policy],
            });

        it("allows reading the history and removing a label of the publisher's parameter in its own account", async () => {
            for (const { who, account, policy } of documents()) {
                for (const action of ["ssm:GetParameterHistory", "ssm:UnlabelParameterVersion"]) {
                    assert.equal(await ask(account, policy, action, parameterIn(account)), "Allowed", `${who} ${action}`);
                }
            }
        });

        it("allows neither outside the prefix, in another account, nor deleting versions", async () => {
            for (const { who, account, policy } of documents()) {
                const other = account === "333333333333" ? "444444444444" : "333333333333";
                assert.equal(
                    await ask(account, policy, "ssm:UnlabelParameterVersion", parameterIn(account, "/app/db-password")),
                    "ImplicitlyDenied",
                    `${who} outside the prefix`,
                );
                assert.equal(
                    await ask(account, policy, "ssm:UnlabelParameterVersion", parameterIn(other)),
                    "ImplicitlyDenied",
                    `${who} in ${other}`,
                );
                for (const action of ["ssm:DeleteParameter", "ssm:DeleteParameters"]) {
                    assert.equal(await ask(account, policy, action, parameterIn(account)), "ImplicitlyDenied", `${who} ${action}`);
                }
            }
        });
    });
});
