import { parseStackConfig } from "../../stacks/config/load";
import { memberFeatures, memberStackFeatures } from "../../stacks/config/resolve";
import type { BootstrapStackConfig, MainStackConfig, MemberStackConfig } from "../../stacks/config/schema";
import type { WiringPlan } from "./plans";

/**
 * The trust edges the design intends, written once, from config only: who may assume which role.
 * Every trust policy in every plan must match a row here (a new trust edge has to be declared), and
 * every row is simulated: each intended caller allowed, strangers and unnamed principals denied.
 */

/** A caller that should (or should not) get in: an IAM role, an AWS service, or an OIDC token. */
export type Caller =
    | { kind: "role"; arn: string; organizationId: string }
    | { kind: "service"; service: string; sourceAccount?: string }
    | { kind: "oidc"; provider: string; issuer: "pulumi" | "github"; audience: string; subject: string };

export interface TrustRow {
    /** What the edge is for, in the design's words. */
    edge: string;
    /** The role's ARN; a role a StackSet creates in OU accounts has the placeholder account `stackSetAccount`. */
    roleArn: string;
    callers: Caller[];
    /**
     * The trust limits IAM callers to the organization (aws:PrincipalOrgID): the same caller ARN
     * presented from another organization must be denied. False where the trust names one exact
     * role ARN of the main account without an organization condition (AWS's own Automation setup).
     */
    organizationBound: boolean;
    /** Service callers are limited to this account with aws:SourceAccount (confused-deputy protection). */
    sourceAccountBound: boolean;
}

/** Stands for "every account of the StackSet's OUs": template roles have no account of their own. */
export const stackSetAccount = "ou-accounts";

/**
 * The account a simulated request against a StackSet role runs in, and what `${AWS::AccountId}` in its
 * template becomes (CloudFormation fills in each stack instance's own account).
 */
export const stackSetStandIn = "246824682468";

/** Nobody in the design: an account outside the organization, and another organization. */
export const strangerAccount = "123412341234";
export const strangerOrganization = "o-strangerorg1";

const roleArn = (account: string, name: string): string => `arn:aws:iam::${account}:role/${name}`;

/**
 * A Pulumi Deployments token's subject
 * (https://www.pulumi.com/docs/deployments/deployments/oidc/aws/, "Configure the IAM role and trust policy":
 * `pulumi:deploy:org:<org>:project:<project>:stack:<stack>:operation:<op>:scope:write`).
 */
export const pulumiToken = (organization: string, stack: string, operation: string): string =>
    `pulumi:deploy:org:${organization}:project:multi-account-ops:stack:${stack}:operation:${operation}:scope:write`;

/** Deployments' write operations; previews get their own token (`operation:preview`). */
const deployOperations = ["update", "refresh", "destroy"];

/**
 * A GitHub job that names an environment gets `repo:<owner>/<repo>:environment:<name>` as its subject
 * (https://docs.github.com/en/actions/reference/security/oidc, "Filtering for a specific environment");
 * the preview workflow runs each stack's job in the environment `preview-<stack>`.
 */
const githubPreviewSubject = (repository: string, stack: string): string => `repo:${repository}:environment:preview-${stack}`;

/** An IAM OIDC provider's ARN ends with its URL without https:// (one per URL per account). */
const oidcProviderArn = (account: string, host: string): string => `arn:aws:iam::${account}:oidc-provider/${host}`;
const pulumiHost = "api.pulumi.com/oidc";
const githubHost = "token.actions.githubusercontent.com";

/** OIDC callers: each stack's Pulumi token for each operation, and GitHub subjects. */
function oidcCallers(args: {
    pulumiProvider: string;
    pulumiOrganization: string;
    stacks: string[];
    operations: string[];
    github?: { provider: string; subjects: string[] };
}): Caller[] {
    return [
        ...args.stacks.flatMap((stack) =>
            args.operations.map((operation): Caller => ({
                kind: "oidc",
                provider: args.pulumiProvider,
                issuer: "pulumi",
                audience: args.pulumiOrganization,
                subject: pulumiToken(args.pulumiOrganization, stack, operation),
            })),
        ),
        ...(args.github?.subjects ?? []).map((subject): Caller => ({
            kind: "oidc",
            provider: args.github?.provider ?? "",
            issuer: "github",
            audience: "sts.amazonaws.com",
            subject,
        })),
    ];
}

/** Rows for one member account, from the main stack's config (role names, the hub's role ARNs). */
function memberRows(main: MainStackConfig, account: string): TrustRow[] {
    const rows: TrustRow[] = [];
    const prefix = main.namePrefix;
    const org = main.organizationId;
    const publisher = roleArn(main.mainAccountId, `${prefix}-ami-publisher`);
    rows.push({
        edge: "role B: the AMI publisher writes Parameter Store in the member",
        roleArn: roleArn(account, main.goldenAmi.targetRoleName),
        callers: [{ kind: "role", arn: publisher, organizationId: org }],
        organizationBound: true,
        sourceAccountBound: false,
    });
    rows.push({
        edge: "managed instances: EC2 instances take the instance role",
        roleArn: roleArn(account, `${prefix}-ssm-instance`),
        callers: [{ kind: "service", service: "ec2.amazonaws.com" }],
        organizationBound: false,
        sourceAccountBound: false,
    });
    rows.push({
        edge: "managed instances: Systems Manager's Default Host Management role",
        roleArn: roleArn(account, `${prefix}-default-host-management`),
        callers: [{ kind: "service", service: "ssm.amazonaws.com" }],
        organizationBound: false,
        sourceAccountBound: false,
    });
    rows.push({
        edge: "automation: the member's rule forwards failures to the main bus",
        roleArn: roleArn(account, `${prefix}-automation-forwarder`),
        callers: [{ kind: "service", service: "events.amazonaws.com", sourceAccount: account }],
        organizationBound: false,
        sourceAccountBound: true,
    });
    rows.push({
        edge: "automation: the administration role runs Automation in the member; SSM runs it locally",
        roleArn: roleArn(account, main.automation.executionRoleName),
        callers: [
            { kind: "role", arn: roleArn(main.mainAccountId, main.automation.administrationRoleName), organizationId: org },
            { kind: "service", service: "ssm.amazonaws.com", sourceAccount: account },
        ],
        organizationBound: false,
        sourceAccountBound: true,
    });
    rows.push({
        edge: "delivery: the hub's deployer deploys the member",
        roleArn: roleArn(account, main.delivery.memberDeployRoleName),
        callers: [{ kind: "role", arn: roleArn(main.mainAccountId, main.delivery.deployerRoleName), organizationId: org }],
        organizationBound: true,
        sourceAccountBound: false,
    });
    rows.push({
        edge: "delivery: the hub's deployer and preview roles read the member",
        roleArn: roleArn(account, main.delivery.memberReadOnlyRoleName),
        callers: [
            { kind: "role", arn: roleArn(main.mainAccountId, main.delivery.deployerRoleName), organizationId: org },
            { kind: "role", arn: roleArn(main.mainAccountId, main.delivery.readOnlyRoleName), organizationId: org },
        ],
        organizationBound: true,
        sourceAccountBound: false,
    });
    return rows;
}

/** Rows of the main account, its management account and the StackSets' OU accounts. */
function hubRows(main: MainStackConfig): TrustRow[] {
    const prefix = main.namePrefix;
    const org = main.organizationId;
    const mainAccount = main.mainAccountId;
    const management = main.management?.accountId ?? mainAccount;
    const publisher = roleArn(mainAccount, `${prefix}-ami-publisher`);
    const delivery = main.delivery;
    // The configured existing providers, or the ones this stack makes in the main account.
    const pulumiProvider = delivery.existingOidcProviders.pulumi ?? oidcProviderArn(mainAccount, pulumiHost);
    const githubProvider = delivery.existingOidcProviders.github ?? oidcProviderArn(mainAccount, githubHost);
    const pulumiOrg = delivery.pulumiOrganization ?? "";
    const repository = delivery.github.actionsOidc ? delivery.github.repository : undefined;
    const oidc = (operations: string[], githubSubjects: (repository: string) => string[]): Caller[] =>
        oidcCallers({
            pulumiProvider,
            pulumiOrganization: pulumiOrg,
            stacks: delivery.stacks,
            operations,
            github: repository ? { provider: githubProvider, subjects: githubSubjects(repository) } : undefined,
        });
    const rows: TrustRow[] = [
        {
            edge: "golden AMI: build instances take the Image Builder instance role",
            roleArn: roleArn(mainAccount, `${prefix}-image-builder-instance`),
            callers: [{ kind: "service", service: "ec2.amazonaws.com" }],
            organizationBound: false,
            sourceAccountBound: false,
        },
        {
            edge: "golden AMI: the publisher Lambda's execution role",
            roleArn: publisher,
            callers: [{ kind: "service", service: "lambda.amazonaws.com", sourceAccount: mainAccount }],
            organizationBound: false,
            sourceAccountBound: true,
        },
        {
            edge: "golden AMI: the publisher lists the organization's accounts through the reader role",
            roleArn: roleArn(management, `${prefix}-org-reader`),
            callers: [{ kind: "role", arn: publisher, organizationId: org }],
            organizationBound: true,
            sourceAccountBound: false,
        },
        {
            edge: "automation: Systems Manager runs multi-account Automation as the administration role",
            roleArn: roleArn(mainAccount, main.automation.administrationRoleName),
            callers: [{ kind: "service", service: "ssm.amazonaws.com", sourceAccount: mainAccount }],
            organizationBound: false,
            sourceAccountBound: true,
        },
        {
            edge: "automation: the main account's other regions forward failures to its home bus",
            roleArn: roleArn(mainAccount, `${prefix}-automation-forwarder`),
            callers: [{ kind: "service", service: "events.amazonaws.com", sourceAccount: mainAccount }],
            organizationBound: false,
            sourceAccountBound: true,
        },
        {
            edge: "delivery: Pulumi Deployments (and GitHub pushes) deploy as the deployer",
            roleArn: roleArn(mainAccount, delivery.deployerRoleName),
            callers: oidc(deployOperations, (repo) => [`repo:${repo}:ref:refs/heads/${delivery.github.branch}`]),
            organizationBound: false,
            sourceAccountBound: false,
        },
        {
            edge: "delivery: previews (and GitHub pull requests) read as the preview role",
            roleArn: roleArn(mainAccount, delivery.readOnlyRoleName),
            callers: oidc(["preview"], (repo) => delivery.stacks.map((stack) => githubPreviewSubject(repo, stack))),
            organizationBound: false,
            sourceAccountBound: false,
        },
    ];
    // The StackSets create role B and the delivery roles in every account of their OUs.
    const templated = memberRows(main, stackSetAccount).filter(
        (row) =>
            row.roleArn.endsWith(`:role/${main.goldenAmi.targetRoleName}`) ||
            row.roleArn.endsWith(`:role/${delivery.memberDeployRoleName}`) ||
            row.roleArn.endsWith(`:role/${delivery.memberReadOnlyRoleName}`),
    );
    // Copy targets in role B's StackSet OUs get Image Builder's cross-account distribution role from the same StackSet:
    // only Image Builder's service-linked role in main may assume it ("Set up cross-account AMI distribution").
    const copyRoleFromStackSet =
        main.goldenAmi.enabled &&
        main.goldenAmi.roleStackSet.enabled &&
        Object.values(main.goldenAmi.distribution.targetAccountRoles).includes("stackSet");
    const copyRows: TrustRow[] = copyRoleFromStackSet
        ? [
              {
                  edge: "golden AMI: Image Builder copies the AMI into copy targets (StackSet, every account of the OUs)",
                  roleArn: roleArn(stackSetAccount, "EC2ImageBuilderDistributionCrossAccountRole"),
                  callers: [
                      {
                          kind: "role",
                          arn: `arn:aws:iam::${mainAccount}:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder`,
                          organizationId: org,
                      },
                  ],
                  organizationBound: false,
                  sourceAccountBound: false,
              },
          ]
        : [];
    return [
        ...rows,
        ...copyRows,
        ...templated.map((row) => ({ ...row, edge: `${row.edge} (StackSet, every account of the OUs)` })),
        ...fleetRows(main),
    ];
}

/**
 * Fleet mode (issue 15): the fleet StackSet's deploy role in every account X of the fleet OUs accepts only
 * Pulumi Deployments tokens of stack `member-X` (its own stack), for deploy and drift operations
 * (OperationContext operations, https://www.pulumi.com/docs/reference/cloud-rest-api/schema/operationcontext/),
 * through X's own Pulumi OIDC provider. Never main's tokens, nor another fleet stack's.
 */
function fleetRows(main: MainStackConfig): TrustRow[] {
    const fleet = main.fleet;
    const organization = main.delivery.pulumiOrganization;
    if (!fleet.enabled || !fleet.bootstrap.enabled || !organization || fleet.organizationalUnitIds.length === 0) return [];
    return [
        {
            edge: "fleet: an account's own fleet stack deploys it (StackSet, every account of the fleet OUs)",
            roleArn: roleArn(stackSetAccount, fleet.deployRoleName),
            callers: oidcCallers({
                pulumiProvider: oidcProviderArn(stackSetStandIn, pulumiHost),
                pulumiOrganization: organization,
                stacks: [`member-${stackSetStandIn}`],
                operations: [...deployOperations, "detect-drift", "remediate-drift"],
            }),
            organizationBound: false,
            sourceAccountBound: false,
        },
    ];
}

/**
 * A member stack's own OIDC roles in its account (issue 12): the deploy role takes only this stack's
 * update/refresh/destroy tokens, the read-only role its preview token and its pull-request job's token.
 */
function memberStackRows(member: MemberStackConfig, stack: string, deliveryOn: boolean): TrustRow[] {
    const delivery = member.delivery;
    if (!deliveryOn || !delivery.pulumiOrganization) return [];
    const account = member.accountId;
    const pulumiProvider = delivery.existingOidcProviders.pulumi ?? oidcProviderArn(account, pulumiHost);
    const githubProvider = delivery.existingOidcProviders.github ?? oidcProviderArn(account, githubHost);
    const repository = delivery.github.repository;
    const common = { pulumiProvider, pulumiOrganization: delivery.pulumiOrganization, stacks: [stack] };
    return [
        {
            edge: "delivery: a member stack's own Deployments tokens deploy its account",
            roleArn: roleArn(account, delivery.deployerRoleName),
            callers: oidcCallers({ ...common, operations: deployOperations }),
            organizationBound: false,
            sourceAccountBound: false,
        },
        {
            edge: "delivery: a member stack's own previews (and pull requests) read its account",
            roleArn: roleArn(account, delivery.readOnlyRoleName),
            callers: oidcCallers({
                ...common,
                operations: ["preview"],
                github: repository ? { provider: githubProvider, subjects: [githubPreviewSubject(repository, stack)] } : undefined,
            }),
            organizationBound: false,
            sourceAccountBound: false,
        },
    ];
}

/**
 * The bootstrap (issue 12): with the management account's credentials, the role the hub assumes there and
 * its read-only twin, and by StackSet the hub's access role and its twin in every account of the OUs. The
 * write roles trust main's deployer and the configured admin roles; the twins the preview role as well.
 */
function bootstrapRows(bootstrap: BootstrapStackConfig): TrustRow[] {
    const org = bootstrap.organizationId;
    const main = bootstrap.mainAccountId;
    const writers: Caller[] = [roleArn(main, bootstrap.deployerRoleName), ...bootstrap.adminRoleArns].map((arn) => ({
        kind: "role",
        arn,
        organizationId: org,
    }));
    const readers: Caller[] = [...writers, { kind: "role", arn: roleArn(main, bootstrap.readOnlyRoleName), organizationId: org }];
    const row = (edge: string, arn: string, callers: Caller[]): TrustRow => ({
        edge,
        roleArn: arn,
        callers,
        organizationBound: true,
        sourceAccountBound: false,
    });
    return [
        row(
            "bootstrap: main's deployer (and the admin roles) reach the management account",
            roleArn(bootstrap.managementAccountId, bootstrap.management.roleName),
            writers,
        ),
        row(
            "bootstrap: main's deployer, admin and preview roles read the management account",
            roleArn(bootstrap.managementAccountId, bootstrap.management.readOnlyRoleName),
            readers,
        ),
        row(
            "bootstrap: main's deployer (and the admin roles) reach every account of the OUs (StackSet)",
            roleArn(stackSetAccount, bootstrap.members.roleName),
            writers,
        ),
        row(
            "bootstrap: main's deployer, admin and preview roles read every account of the OUs (StackSet)",
            roleArn(stackSetAccount, bootstrap.members.readOnlyRoleName),
            readers,
        ),
    ];
}

/** Every intended trust edge of one plan, from its config (and its main stack's). */
export function intendedTrust(plan: WiringPlan): TrustRow[] {
    if (plan.stackRole === "deployments") return [];
    if (plan.stackRole === "bootstrap") return bootstrapRows(parseStackConfig(plan.values) as BootstrapStackConfig);
    const main = parseStackConfig(plan.mainValues) as MainStackConfig;
    const rows = hubRows(main);
    // A fleet account's own stack creates that account's member roles (role B, the execution role ...).
    if (plan.stackRole === "fleet") return [...rows, ...memberRows(main, plan.stack.replace(/^member-/, ""))];
    if (plan.stackRole === "main") {
        for (const member of main.members) rows.push(...memberRows(main, member.accountId));
        return rows;
    }
    const member = parseStackConfig(plan.values) as MemberStackConfig;
    // A member stack's capabilities: its own switches, else its memberStacks entry in main (stacks/member.ts).
    const declared = main.memberStacks.find((entry) => entry.accountId === member.accountId);
    const features = memberStackFeatures(member, declared ? memberFeatures(main, declared) : {});
    return [...memberRows(main, member.accountId), ...memberStackRows(member, plan.stack, features.delivery)];
}
