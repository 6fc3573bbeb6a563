import { strict as assert } from "node:assert";
import type { PolicyDocument } from "../../components/iam";
import type { ProgramRun } from "../../offline/recorder";
import { allowEverything, decide } from "../helpers/iam";
import { exampleConfig, named, ofType, policyOf, runProgram } from "../helpers/program";

/**
 * The AMI key policy as the plan emits it, evaluated with iam-simulate. The rules it encodes:
 * - EC2 "Share an AMI with specific AWS accounts" / "Share an AMI with organizations or OUs": an encrypted AMI is
 *   usable by a receiving account only if the key policy lets it use the key; an AMI on aws/ebs cannot be shared.
 * - Amazon EBS "Permissions to use AWS KMS keys": launching from an encrypted snapshot needs kms:Decrypt,
 *   DescribeKey, ReEncrypt*, GenerateDataKeyWithoutPlaintext and CreateGrant (for the AWS resource).
 * - EC2 Auto Scaling "Required AWS KMS key policy for use with encrypted volumes" (example 2, cross-account): the
 *   receiving account creates a grant for its own AWSServiceRoleForAutoScaling.
 * Expectations come from the config, not from the policy builder.
 */

type Config = Record<string, unknown> & {
    mainAccountId: string;
    organizationId: string;
    homeRegion: string;
    extraRegions: string[];
    members: { accountId: string; features?: { goldenAmi?: boolean } }[];
    goldenAmi: { distribution: Record<string, unknown> };
};

const otherOrg = "o-otherorg999";
const strangerInOrg = "888888888888";

function sharingConfig(distribution: Record<string, unknown>): Config {
    const config = exampleConfig("main") as Config;
    config.goldenAmi.distribution = { ...config.goldenAmi.distribution, ...distribution };
    return config;
}

function keyPolicies(run: ProgramRun, config: Config): { region: string; arn: string; policy: PolicyDocument }[] {
    return [config.homeRegion, ...config.extraRegions].map((region) => {
        const key = named(run, "aws:kms/key:Key", `golden-ami-key-${region}`);
        assert.equal(key.account, config.mainAccountId);
        assert.equal(key.region, region);
        const alias = named(run, "aws:kms/alias:Alias", `golden-ami-key-${region}-alias`);
        return {
            region,
            arn: `arn:aws:kms:${region}:${config.mainAccountId}:key/${String(alias.inputs.targetKeyId)}`,
            policy: policyOf(key) as unknown as PolicyDocument,
        };
    });
}

interface Caller {
    account: string;
    orgId?: string;
    orgPath?: string;
}

function orgContext(caller: Caller): Record<string, string | string[]> {
    return caller.orgId
        ? { "aws:PrincipalOrgID": caller.orgId, "aws:PrincipalOrgPaths": [caller.orgPath ?? `${caller.orgId}/r-ab12/`] }
        : {};
}

async function launch(key: { arn: string; policy: PolicyDocument }, main: string, caller: Caller): Promise<string[]> {
    const principal = `arn:aws:iam::${caller.account}:role/platform-admin`;
    const base = { principal, resource: key.arn, resourceAccount: main, identityPolicies: [allowEverything], resourcePolicy: key.policy };
    const use = await Promise.all(
        ["kms:Decrypt", "kms:DescribeKey", "kms:ReEncryptFrom", "kms:GenerateDataKeyWithoutPlaintext"].map((action) =>
            decide({ ...base, action, context: orgContext(caller) }),
        ),
    );
    const attach = await decide({
        ...base,
        action: "kms:CreateGrant",
        context: {
            ...orgContext(caller),
            "kms:GrantIsForAWSResource": "true",
            "kms:ViaService": "ec2.ap-northeast-1.amazonaws.com",
            "kms:GranteePrincipal": "arn:aws:iam::000000000000:role/ec2-internal",
            "kms:GrantOperations": ["Decrypt"],
        },
    });
    return [...use, attach];
}

const allAllowed = ["Allowed", "Allowed", "Allowed", "Allowed", "Allowed"];
const allDenied = ["ImplicitlyDenied", "ImplicitlyDenied", "ImplicitlyDenied", "ImplicitlyDenied", "ImplicitlyDenied"];

describe("golden AMI key policy in the plan (iam-simulate)", () => {
    describe("shared with accounts and an OU", () => {
        const ouArn = "arn:aws:organizations::999999999999:ou/o-exampleorg1/ou-ab12-cdef3456";
        const config = sharingConfig({ accountIds: ["555555555555"], organizationalUnitArns: [ouArn], targetAccountIds: ["333333333333"] });
        let run: ProgramRun;
        before(async () => {
            run = await runProgram("main", config);
        });

        const sharedAccounts = (): string[] => [
            ...config.members.filter((m) => m.features?.goldenAmi !== false).map((m) => m.accountId),
            ...(config.goldenAmi.distribution.accountIds as string[]),
            ...(config.goldenAmi.distribution.targetAccountIds as string[]),
        ];

        it("makes one key per stack region and lets every shared account launch from the image with it", async () => {
            const keys = keyPolicies(run, config);
            assert.equal(keys.length, 1 + config.extraRegions.length);
            assert.equal(ofType(run, "aws:kms/key:Key").filter((k) => k.name.startsWith("golden-ami-key-")).length, keys.length);
            for (const key of keys)
                for (const account of sharedAccounts())
                    assert.deepEqual(
                        await launch(key, config.mainAccountId, { account, orgId: config.organizationId }),
                        allAllowed,
                        account,
                    );
        });

        it("lets any account below the shared OU launch, and no account of the organization outside it", async () => {
            const [key] = keyPolicies(run, config);
            const ouId = ouArn.split("/").pop() as string;
            const below = {
                account: "121212121212",
                orgId: config.organizationId,
                orgPath: `${config.organizationId}/r-ab12/${ouId}/ou-ab12-child111/`,
            };
            assert.deepEqual(await launch(key, config.mainAccountId, below), allAllowed);
            const outside = {
                account: strangerInOrg,
                orgId: config.organizationId,
                orgPath: `${config.organizationId}/r-ab12/ou-ab12-other111/`,
            };
            assert.deepEqual(await launch(key, config.mainAccountId, outside), allDenied);
        });

        it("denies a stranger and another organization, even with admin rights in their own account", async () => {
            const [key] = keyPolicies(run, config);
            assert.deepEqual(await launch(key, config.mainAccountId, { account: "999988887777" }), allDenied);
            const sameOuIdElsewhere = { account: "131313131313", orgId: otherOrg, orgPath: `${otherOrg}/r-zz99/ou-ab12-cdef3456/` };
            assert.deepEqual(await launch(key, config.mainAccountId, sameOuIdElsewhere), allDenied);
        });

        it("lets a shared account create a grant for nothing but an AWS resource, or its own Auto Scaling role", async () => {
            const [key] = keyPolicies(run, config);
            const [account] = sharedAccounts();
            const grant = (grantee: string, operations: string[], forAwsResource: string): Promise<string> =>
                decide({
                    principal: `arn:aws:iam::${account}:role/platform-admin`,
                    action: "kms:CreateGrant",
                    resource: key.arn,
                    resourceAccount: config.mainAccountId,
                    identityPolicies: [allowEverything],
                    resourcePolicy: key.policy,
                    context: {
                        "aws:PrincipalOrgID": config.organizationId,
                        "kms:GrantIsForAWSResource": forAwsResource,
                        "kms:GranteePrincipal": grantee,
                        "kms:GrantOperations": operations,
                    },
                });
            const ownAutoScaling = `arn:aws:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
            const asgOperations = ["Decrypt", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "CreateGrant"];
            assert.equal(await grant(ownAutoScaling, asgOperations, "false"), "Allowed");
            const strangersAutoScaling =
                "arn:aws:iam::999988887777:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling";
            assert.equal(await grant(strangersAutoScaling, asgOperations, "false"), "ImplicitlyDenied");
            assert.equal(await grant(`arn:aws:iam::${account}:role/anyone`, ["Decrypt"], "false"), "ImplicitlyDenied");
            assert.equal(await grant(ownAutoScaling, [...asgOperations, "Encrypt", "RetireGrant"], "false"), "ImplicitlyDenied");
        });

        it("lets only Image Builder in the main account assume the copy role in a target, which may use the AMI keys", async () => {
            // Image Builder "Set up cross-account AMI distribution": the target's role trusts the source account; Image
            // Builder's service-linked role (AWSServiceRoleForImageBuilder) is what assumes it.
            const target = (config.goldenAmi.distribution.targetAccountIds as string[])[0];
            const copyRole = ofType(run, "aws:iam/role:Role").find(
                (r) => r.inputs.name === "EC2ImageBuilderDistributionCrossAccountRole" && r.account === target,
            );
            assert.ok(copyRole, `no copy role in ${target}`);
            const trust = policyOf(copyRole, "assumeRolePolicy") as unknown as PolicyDocument;
            const roleArn = `arn:aws:iam::${target}:role/EC2ImageBuilderDistributionCrossAccountRole`;
            const assume = (principal: string): Promise<string> =>
                decide({
                    principal,
                    action: "sts:AssumeRole",
                    resource: roleArn,
                    resourceAccount: target,
                    identityPolicies: [allowEverything],
                    resourcePolicy: trust,
                });
            const main = config.mainAccountId;
            assert.equal(
                await assume(`arn:aws:iam::${main}:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder`),
                "Allowed",
            );
            assert.equal(await assume(`arn:aws:iam::${main}:role/developer`), "ImplicitlyDenied");
            assert.equal(
                await assume(`arn:aws:iam::999988887777:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder`),
                "ImplicitlyDenied",
            );
            // Cross-account key use needs the caller's own IAM policy too: the copy role's allows exactly the AMI keys.
            const inline = ofType(run, "aws:iam/rolePolicy:RolePolicy").find(
                (p) => p.inputs.role === "EC2ImageBuilderDistributionCrossAccountRole" && p.account === target,
            );
            assert.ok(inline);
            const permissions = policyOf(inline) as unknown as PolicyDocument;
            for (const key of keyPolicies(run, config)) {
                const copy = await decide({
                    principal: roleArn,
                    action: "kms:ReEncryptTo",
                    resource: key.arn,
                    resourceAccount: main,
                    identityPolicies: [permissions],
                    resourcePolicy: key.policy,
                    context: { "aws:PrincipalOrgID": config.organizationId },
                });
                assert.equal(copy, "Allowed", key.region);
            }
            const otherKey = `arn:aws:kms:${config.homeRegion}:${main}:key/another-key`;
            const [ownKey] = keyPolicies(run, config);
            assert.equal(
                await decide({
                    principal: roleArn,
                    action: "kms:Decrypt",
                    resource: otherKey,
                    resourceAccount: main,
                    identityPolicies: [permissions],
                    resourcePolicy: ownKey.policy,
                }),
                "ImplicitlyDenied",
            );
        });

        it("gives the copy role in a target the KMS actions Image Builder documents for it, on the AMI keys, and nobody else there", async () => {
            // Image Builder User Guide, "Set up cross-account AMI distribution", IAM policies step 4: for an encrypted AMI
            // the destination's EC2ImageBuilderDistributionCrossAccountRole needs kms:Encrypt, Decrypt, ReEncrypt*,
            // GenerateDataKey*, DescribeKey, CreateGrant, ListGrants and RevokeGrant; the source key's policy must allow
            // the destination account to use it ("Encryption keys", source account requirements).
            const target = (config.goldenAmi.distribution.targetAccountIds as string[])[0];
            const main = config.mainAccountId;
            const roleArn = `arn:aws:iam::${target}:role/EC2ImageBuilderDistributionCrossAccountRole`;
            const inline = ofType(run, "aws:iam/rolePolicy:RolePolicy").find(
                (p) => p.inputs.role === "EC2ImageBuilderDistributionCrossAccountRole" && p.account === target,
            );
            assert.ok(inline, `no inline policy on the copy role in ${target}`);
            const permissions = policyOf(inline) as unknown as PolicyDocument;
            const documented = [
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:ReEncryptFrom",
                "kms:ReEncryptTo",
                "kms:GenerateDataKey",
                "kms:GenerateDataKeyWithoutPlaintext",
                "kms:DescribeKey",
                "kms:CreateGrant",
                "kms:ListGrants",
                "kms:RevokeGrant",
            ];
            for (const key of keyPolicies(run, config)) {
                for (const action of documented) {
                    const decision = await decide({
                        principal: roleArn,
                        action,
                        resource: key.arn,
                        resourceAccount: main,
                        identityPolicies: [permissions],
                        resourcePolicy: key.policy,
                        // A grant the role makes itself, not through an AWS service: the page's CreateGrant has no condition.
                        context: {
                            "aws:PrincipalOrgID": config.organizationId,
                            ...(action === "kms:CreateGrant" ? { "kms:GrantIsForAWSResource": "false" } : {}),
                        },
                    });
                    assert.equal(decision, "Allowed", `${action} on the ${key.region} key`);
                }
                // Another role of the target account only gets the launch set, not the copy role's grant management.
                const other = await decide({
                    principal: `arn:aws:iam::${target}:role/platform-admin`,
                    action: "kms:RevokeGrant",
                    resource: key.arn,
                    resourceAccount: main,
                    identityPolicies: [allowEverything],
                    resourcePolicy: key.policy,
                    context: { "aws:PrincipalOrgID": config.organizationId },
                });
                assert.equal(other, "ImplicitlyDenied", key.region);
                // The copy role of an account that is shared with but not copied to gets nothing beyond the launch set.
                const sharedOnly = (config.goldenAmi.distribution.accountIds as string[])[0];
                const notATarget = await decide({
                    principal: `arn:aws:iam::${sharedOnly}:role/EC2ImageBuilderDistributionCrossAccountRole`,
                    action: "kms:ListGrants",
                    resource: key.arn,
                    resourceAccount: main,
                    identityPolicies: [allowEverything],
                    resourcePolicy: key.policy,
                    context: { "aws:PrincipalOrgID": config.organizationId },
                });
                assert.equal(notATarget, "ImplicitlyDenied", key.region);
            }
        });

        it("lets Image Builder's service-linked role in the main account use it through EC2 only", async () => {
            const [key] = keyPolicies(run, config);
            const imageBuilder = `arn:aws:iam::${config.mainAccountId}:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder`;
            const use = (viaService: string): Promise<string> =>
                decide({
                    principal: imageBuilder,
                    action: "kms:GenerateDataKeyWithoutPlaintext",
                    resource: key.arn,
                    resourceAccount: config.mainAccountId,
                    resourcePolicy: key.policy,
                    context: { "kms:ViaService": viaService },
                });
            assert.equal(await use("ec2.us-east-1.amazonaws.com"), "Allowed");
            assert.equal(await use("s3.us-east-1.amazonaws.com"), "ImplicitlyDenied");
        });
    });

    describe("shared with the organization", () => {
        const config = sharingConfig({
            shareWithMembers: false,
            organizationArns: ["arn:aws:organizations::999999999999:organization/o-exampleorg1"],
        });
        let run: ProgramRun;
        before(async () => {
            run = await runProgram("main", config);
        });

        it("lets any account of the organization launch, and nobody of another organization", async () => {
            const orgId = (config.goldenAmi.distribution.organizationArns as string[])[0].split("/").pop() as string;
            for (const key of keyPolicies(run, config)) {
                assert.deepEqual(await launch(key, config.mainAccountId, { account: strangerInOrg, orgId }), allAllowed);
                assert.deepEqual(await launch(key, config.mainAccountId, { account: "131313131313", orgId: otherOrg }), allDenied);
                assert.deepEqual(await launch(key, config.mainAccountId, { account: "999988887777" }), allDenied);
            }
        });
    });

    describe("with your own multi-Region key", () => {
        it("creates no key and uses the key's replica of each region on the recipe and every distribution", async () => {
            const config = sharingConfig({});
            const ownKey = "arn:aws:kms:ap-northeast-1:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab";
            (config.goldenAmi as Record<string, unknown>).encryption = { kmsKeyArn: ownKey };
            const run = await runProgram("main", config);
            assert.equal(ofType(run, "aws:kms/key:Key").filter((k) => k.name.startsWith("golden-ami-key")).length, 0);
            const recipe = named(run, "aws:imagebuilder/imageRecipe:ImageRecipe", "golden-ami-pipeline-recipe");
            assert.equal((recipe.inputs.blockDeviceMappings as { ebs: { kmsKeyId: string } }[])[0].ebs.kmsKeyId, ownKey);
            const distribution = named(
                run,
                "aws:imagebuilder/distributionConfiguration:DistributionConfiguration",
                "golden-ami-pipeline-distribution",
            );
            const distributions = distribution.inputs.distributions as {
                region: string;
                amiDistributionConfiguration: { kmsKeyId: string };
            }[];
            assert.deepEqual(
                distributions.map((d) => d.amiDistributionConfiguration.kmsKeyId),
                [config.homeRegion, ...config.extraRegions].map((region) => ownKey.replace(":ap-northeast-1:", `:${region}:`)),
            );
        });
    });
});
