import { strict as assert } from "node:assert";
import {
    assumeRoles,
    githubEnvironmentSubject,
    githubOidcHost,
    hubAccessRolesTemplate,
    mainAccountRoleTrust,
    memberRolesTemplate,
    memberRoleTrust,
    oidcTrust,
    previewEnvironment,
    pulumiOidcHost,
    pulumiSubjects,
    writeOperations,
} from "../../components/delivery/policies";
import type { PolicyDocument } from "../../components/iam";
import { decide, withSimulatableIssuer } from "../helpers/iam";
import { exampleConfig } from "../helpers/program";

/**
 * Delivery's documents for the example main and bootstrap stacks (Pulumi.main.yaml, Pulumi.bootstrap.yaml):
 * the Pulumi organization, stacks, role names, accounts and organization they name. Fast and direct, for
 * Stryker; tests/wiring/policyDocuments.test.ts checks the plans deploy these documents.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const main = exampleConfig("main") as Record<string, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const bootstrap = exampleConfig("bootstrap") as Record<string, any>;
const org: string = main.organizationId;
const mainAccount: string = main.mainAccountId;
const pulumiOrg: string = main.delivery.pulumiOrganization;
const stacks: string[] = main.delivery.stacks;
const repository: string = main.delivery.github.repository;
const pulumiProvider = `arn:aws:iam::${mainAccount}:oidc-provider/${pulumiOidcHost}`;
const githubProvider = `arn:aws:iam::${mainAccount}:oidc-provider/${githubOidcHost}`;
const deployerArn = `arn:aws:iam::${mainAccount}:role/${main.delivery.deployerRoleName}`;
const readOnlyArn = `arn:aws:iam::${mainAccount}:role/${main.delivery.readOnlyRoleName}`;

// Pulumi Deployments' token: aud is the Pulumi organization, sub
// pulumi:deploy:org:<org>:project:<project>:stack:<stack>:operation:<operation>:scope:write
// (https://www.pulumi.com/docs/deployments/deployments/oidc/aws/, "Configure the IAM role and trust policy").
const subject = (stack: string, operation: string): string =>
    `pulumi:deploy:org:${pulumiOrg}:project:multi-account-ops:stack:${stack}:operation:${operation}:scope:write`;

describe("delivery policies", () => {
    it("names the Pulumi Cloud and GitHub issuers and the write operations", () => {
        assert.equal(pulumiOidcHost, "api.pulumi.com/oidc");
        // https://docs.github.com/en/actions/reference/security/oidc: issuer token.actions.githubusercontent.com.
        assert.equal(githubOidcHost, "token.actions.githubusercontent.com");
        assert.deepEqual(writeOperations, ["update", "refresh", "destroy"]);
        assert.deepEqual(pulumiSubjects(pulumiOrg, ["main", "canary"], ["update", "preview"]), [
            subject("main", "update"),
            subject("main", "preview"),
            subject("canary", "update"),
            subject("canary", "preview"),
        ]);
    });

    it("names GitHub environments per stack", () => {
        // https://docs.github.com/en/actions/reference/security/oidc ("Filtering for a specific environment").
        assert.equal(githubEnvironmentSubject(repository, previewEnvironment("main")), `repo:${repository}:environment:preview-main`);
    });

    describe("deployer trust", () => {
        const githubSubjects = [`repo:${repository}:ref:refs/heads/${main.delivery.github.branch}`];
        const trust = oidcTrust({
            pulumiProviderArn: pulumiProvider,
            organization: pulumiOrg,
            stacks,
            operations: writeOperations,
            github: { providerArn: githubProvider, subjects: githubSubjects },
        });

        it("accepts Pulumi Deployments tokens of this organization, project, stacks and write operations, and GitHub's", () => {
            assert.deepEqual(trust, {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "PulumiDeployments",
                        Effect: "Allow",
                        Principal: { Federated: pulumiProvider },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Condition: {
                            StringEquals: { "api.pulumi.com/oidc:aud": pulumiOrg },
                            StringLike: { "api.pulumi.com/oidc:sub": stacks.flatMap((s) => writeOperations.map((o) => subject(s, o))) },
                        },
                    },
                    {
                        Sid: "GitHubActions",
                        Effect: "Allow",
                        Principal: { Federated: githubProvider },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        // "Configuring OpenID Connect in Amazon Web Services" (GitHub Docs): aud sts.amazonaws.com, sub per repository/ref.
                        Condition: {
                            StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
                            StringLike: { "token.actions.githubusercontent.com:sub": githubSubjects },
                        },
                    },
                ],
            });
        });

        it("has no GitHub statement without GitHub", () => {
            const pulumiOnly = oidcTrust({ pulumiProviderArn: pulumiProvider, organization: pulumiOrg, stacks, operations: ["preview"] });
            assert.deepEqual(
                pulumiOnly.Statement.map((s) => s.Sid),
                ["PulumiDeployments"],
            );
        });

        const token = (aud: string, sub: string): Promise<string> =>
            decide(
                withSimulatableIssuer({
                    principal: pulumiProvider,
                    action: "sts:AssumeRoleWithWebIdentity",
                    resource: deployerArn,
                    resourceAccount: mainAccount,
                    resourcePolicy: trust,
                    context: { "api.pulumi.com/oidc:aud": aud, "api.pulumi.com/oidc:sub": sub },
                }),
            );
        it("lets an update of a configured stack in; not a preview, another stack or another organization (iam-simulate)", async () => {
            assert.equal(await token(pulumiOrg, subject(stacks[0], "update")), "Allowed");
            assert.equal(await token(pulumiOrg, subject(stacks[0], "preview")), "ImplicitlyDenied");
            assert.equal(await token(pulumiOrg, subject("other-stack", "update")), "ImplicitlyDenied");
            assert.equal(await token("other-org", subject(stacks[0], "update")), "ImplicitlyDenied");
        });
    });

    it("assumes each named role once, sorted", () => {
        const roles = [`arn:aws:iam::333333333333:role/x`, `arn:aws:iam::222222222222:role/x`, `arn:aws:iam::333333333333:role/x`];
        assert.deepEqual(assumeRoles(roles), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AssumeNamedRoles",
                    Effect: "Allow",
                    Action: "sts:AssumeRole",
                    Resource: [`arn:aws:iam::222222222222:role/x`, `arn:aws:iam::333333333333:role/x`],
                },
            ],
        });
    });

    describe("roles in other accounts", () => {
        const deployers = [`arn:aws:iam::${mainAccount}:role/${bootstrap.deployerRoleName}`, ...(bootstrap.adminRoleArns as string[])];
        const trust = mainAccountRoleTrust({
            partition: "aws",
            mainAccountId: mainAccount,
            principalRoleArns: [...deployers].reverse(),
            organizationId: org,
        });
        const expectedTrust = (principals: string[]): PolicyDocument => ({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "MainAccountDeliveryRoles",
                    Effect: "Allow",
                    // The account root with aws:PrincipalArn naming the roles: "IAM JSON policy elements: Principal",
                    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html; aws:PrincipalArn
                    // and aws:PrincipalOrgID: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
                    Principal: { AWS: `arn:aws:iam::${mainAccount}:root` },
                    Action: "sts:AssumeRole",
                    Condition: {
                        ArnEquals: { "aws:PrincipalArn": [...principals].sort() },
                        StringEquals: { "aws:PrincipalOrgID": org },
                    },
                },
            ],
        });

        it("trust the main account's named delivery roles from inside the organization", async () => {
            assert.deepEqual(trust, expectedTrust(deployers));
            const target = `arn:aws:iam::${bootstrap.managementAccountId}:role/${bootstrap.management.roleName}`;
            const assume = (principal: string, principalOrg: string): Promise<string> =>
                decide({
                    principal,
                    action: "sts:AssumeRole",
                    resource: target,
                    resourceAccount: bootstrap.managementAccountId,
                    identityPolicies: [
                        { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: target }] },
                    ],
                    resourcePolicy: trust,
                    context: { "aws:PrincipalOrgID": principalOrg },
                });
            assert.equal(await assume(deployers[0], org), "Allowed");
            assert.equal(await assume(deployers[0], "o-otherorg999"), "ImplicitlyDenied");
            assert.equal(await assume(`arn:aws:iam::${mainAccount}:role/developer`, org), "ImplicitlyDenied");
        });

        it("in the bootstrap's StackSet template: the hub access role and its read-only twin", () => {
            const template = JSON.parse(
                hubAccessRolesTemplate({
                    partition: "aws",
                    mainAccountId: mainAccount,
                    organizationId: org,
                    deployerRoleArns: deployers,
                    readOnlyRoleArn: readOnlyArn,
                    roleName: bootstrap.members.roleName,
                    readOnlyRoleName: bootstrap.members.readOnlyRoleName,
                    managedPolicyArns: bootstrap.members.managedPolicyArns,
                }),
            ) as Record<string, unknown>;
            assert.deepEqual(template, {
                AWSTemplateFormatVersion: "2010-09-09",
                Description:
                    "multi-account-ops bootstrap: the role the hub's deployer assumes here, and the read-only twin its previews assume",
                Resources: {
                    HubAccessRole: {
                        Type: "AWS::IAM::Role",
                        Properties: {
                            RoleName: bootstrap.members.roleName,
                            AssumeRolePolicyDocument: expectedTrust(deployers),
                            ManagedPolicyArns: bootstrap.members.managedPolicyArns,
                        },
                    },
                    HubReadOnlyRole: {
                        Type: "AWS::IAM::Role",
                        Properties: {
                            RoleName: bootstrap.members.readOnlyRoleName,
                            AssumeRolePolicyDocument: expectedTrust([...deployers, readOnlyArn]),
                            // Fn::Sub with ${AWS::Partition}: "Pseudo parameters reference", CloudFormation User Guide.
                            ManagedPolicyArns: [{ "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess" }],
                        },
                    },
                },
            });
        });

        const memberTrust = (principals: string[]): PolicyDocument => ({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { AWS: principals.length === 1 ? principals[0] : principals },
                    Action: "sts:AssumeRole",
                    Condition: { StringEquals: { "aws:PrincipalOrgID": org } },
                },
            ],
        });

        it("member roles trust only the hub roles, from inside the organization", async () => {
            assert.deepEqual(memberRoleTrust([deployerArn], org), memberTrust([deployerArn]));
            assert.deepEqual(memberRoleTrust([deployerArn, readOnlyArn], org), memberTrust([deployerArn, readOnlyArn]));
            const target = `arn:aws:iam::222222222222:role/${main.delivery.memberDeployRoleName}`;
            const assume = (principalOrg: string): Promise<string> =>
                decide({
                    principal: deployerArn,
                    action: "sts:AssumeRole",
                    resource: target,
                    resourceAccount: "222222222222",
                    identityPolicies: [assumeRoles([target])],
                    resourcePolicy: memberRoleTrust([deployerArn], org),
                    context: { "aws:PrincipalOrgID": principalOrg },
                });
            assert.equal(await assume(org), "Allowed");
            assert.equal(await assume("o-otherorg999"), "ImplicitlyDenied");
        });

        it("in the member roles' StackSet template", () => {
            const template = JSON.parse(
                memberRolesTemplate({
                    deployerRoleArn: deployerArn,
                    readOnlyRoleArn: readOnlyArn,
                    organizationId: org,
                    deployRoleName: main.delivery.memberDeployRoleName,
                    readOnlyRoleName: main.delivery.memberReadOnlyRoleName,
                    deployManagedPolicyArns: main.delivery.memberDeployManagedPolicyArns,
                }),
            ) as Record<string, unknown>;
            assert.deepEqual(template, {
                AWSTemplateFormatVersion: "2010-09-09",
                Description: "multi-account-ops: the roles the hub's deployer (write) and preview (read-only) roles assume",
                Resources: {
                    DeployRole: {
                        Type: "AWS::IAM::Role",
                        Properties: {
                            RoleName: main.delivery.memberDeployRoleName,
                            AssumeRolePolicyDocument: memberTrust([deployerArn]),
                            ManagedPolicyArns: main.delivery.memberDeployManagedPolicyArns,
                        },
                    },
                    ReadOnlyRole: {
                        Type: "AWS::IAM::Role",
                        Properties: {
                            RoleName: main.delivery.memberReadOnlyRoleName,
                            AssumeRolePolicyDocument: memberTrust([deployerArn, readOnlyArn]),
                            ManagedPolicyArns: [{ "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess" }],
                        },
                    },
                },
            });
        });
    });
});
