import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import type { OfflineOrganization } from "../../offline/organizations";
import { runUnderMocks, type ProgramRun, type Registration } from "../../offline/recorder";
import { readStackFile, type StackFile } from "../../offline/stackFiles";
import { configNamespace } from "../../stacks/config/load";
import { planOnce, projectRoot } from "../helpers/program";
import { stackSetStandIn } from "./intendedTrust";

/**
 * The plans the wiring tests read: every `Pulumi.<stack>.yaml` in the repository (found, not listed,
 * so a new stack file is covered the day it is added), plus generated main, member and bootstrap stacks
 * that turn every capability and option on. Each plan carries the config values its expectations come from.
 */
export interface WiringPlan {
    /** `Pulumi.main.yaml`, or `generated: every option on (main)`. */
    label: string;
    /** The Pulumi stack name the program ran as: it is part of every Pulumi Deployments token's subject. */
    stack: string;
    /** `fleet`: a fleet account's own stack (`member-<accountId>`), which has no config file of its own. */
    stackRole: "main" | "member" | "deployments" | "bootstrap" | "fleet";
    /** This stack's config values, without the namespace. */
    values: Record<string, unknown>;
    /**
     * The main stack's values for a member stack (the organization and its accounts); this stack's own
     * values otherwise: main, bootstrap and deployments stacks name their accounts in their own config.
     */
    mainValues: Record<string, unknown>;
    /** The organization the offline plan answered the Organizations data sources with (fleet discovery). */
    organization?: OfflineOrganization;
    run: ProgramRun;
}

/** Every stack file in the project root, `Pulumi.yaml` (the project file) aside. */
export function stackFileNames(root = projectRoot): string[] {
    return fs
        .readdirSync(root)
        .filter((file) => /^Pulumi\.[^.]+\.yaml$/.test(file))
        .sort();
}

function stackNameOf(file: string): string {
    return file.replace(/^Pulumi\.|\.yaml$/g, "");
}

function encode(values: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(values).map(([key, value]) => [
            `${configNamespace}:${key}`,
            typeof value === "string" ? value : JSON.stringify(value),
        ]),
    );
}

/**
 * The example main stack with every capability and option switched on: a separate management
 * account, OU-wide StackSets, sharing with the organization and its OUs, copies into other accounts,
 * a KMS-encrypted inventory bucket in its own account, Quick Setup collection, the sample instance,
 * every endpoint, Automation past its exact-ARN limit (organization-wide), deploy roles in use and
 * GitHub Actions OIDC. Members keep no per-member switches, so every member gets every capability.
 */
export function everythingOnMain(base: Record<string, unknown>): Record<string, unknown> {
    const c = structuredClone(base) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const org = String(c.organizationId);
    // The bootstrap's role names (AWS Organizations makes no OrganizationAccountAccessRole in the management account).
    c.management = {
        accountId: "999999999999",
        roleName: "multi-account-ops-management",
        readOnlyRoleName: "multi-account-ops-management-read-only",
        callAs: "DELEGATED_ADMIN",
    };
    c.members = (c.members as Record<string, unknown>[]).map((member) => ({ ...member, features: {}, regions: undefined }));
    c.members = JSON.parse(JSON.stringify(c.members)); // drops the undefined regions
    // While role B's StackSet is on, every account with goldenAmi declares its OU (these are outside the StackSet's).
    for (const member of c.members as Record<string, unknown>[]) member.organizationalUnitId = "ou-ab12-99999999";
    // The log-archive account that holds the inventory bucket runs its own member stack.
    c.memberStacks = [
        ...(c.memberStacks as Record<string, unknown>[]).map((account) => ({ ...account, organizationalUnitId: "ou-ab12-99999999" })),
        { accountId: "777777777777", name: "log-archive", stack: "member-log-archive", organizationalUnitId: "ou-ab12-99999999" },
    ];
    c.goldenAmi.roleStackSet = { enabled: true, organizationalUnitIds: ["ou-ab12-cdef3456"] };
    c.goldenAmi.distribution = {
        shareWithMembers: true,
        accountIds: ["555555555555"],
        organizationArns: [`arn:aws:organizations::999999999999:organization/${org}`],
        organizationalUnitArns: [`arn:aws:organizations::999999999999:ou/${org}/ou-ab12-cdef3456`],
        targetAccountIds: ["666666666666"],
        // The copy target is in the StackSet's OU, which creates its cross-account distribution role.
        targetAccountRoles: { "666666666666": "stackSet" },
        nativeSsmParameters: true,
    };
    c.inventory.bucketAccount = {
        accountId: "777777777777",
        roleName: "OrganizationAccountAccessRole",
        readOnlyRoleName: "inventory-bucket-read-only",
    };
    c.inventory.encryption = "KMS";
    c.inventory.collection = "quickSetup";
    c.inventory.quickSetup = { organizationalUnitIds: ["ou-ab12-cdef3456"] };
    c.inventory.athena.extraAccountIds = ["555555555555"];
    c.managedInstances.endpoints = { logs: true, kms: true, s3Gateway: true };
    c.managedInstances.sampleInstance = { enabled: true, instanceType: "t3.micro", useGoldenAmi: true, rootVolumeGiB: 8 };
    c.automation.exactArnsUpTo = 1;
    c.automation.extraManagedPolicyArns = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"];
    c.delivery.useDeployRoles = true;
    // Stacks that run with the main account's credentials; member stacks have their own roles.
    c.delivery.stacks = ["main", "main-canary"];
    c.delivery.organizationalUnitIds = ["ou-ab12-cdef3456"];
    c.delivery.existingOidcProviders = {
        pulumi: `arn:aws:iam::${String(c.mainAccountId)}:oidc-provider/api.pulumi.com/oidc`,
        github: `arn:aws:iam::${String(c.mainAccountId)}:oidc-provider/token.actions.githubusercontent.com`,
    };
    c.delivery.github = { actionsOidc: true, repository: "my-org/multi-account-ops", branch: "release" };
    return c;
}

/**
 * The example member stack with every capability on: the hub's deploy roles, and its own OIDC deploy and
 * read-only roles through OIDC providers that already exist in its account, GitHub pull requests included.
 */
export function everythingOnMember(base: Record<string, unknown>): Record<string, unknown> {
    const c = structuredClone(base) as Record<string, unknown>;
    const account = String(c.accountId);
    c.features = { goldenAmi: true, inventory: true, managedInstances: true, automation: true, delivery: true };
    c.delivery = {
        pulumiOrganization: "my-org",
        deployerRoleName: "sandbox-deployer",
        readOnlyRoleName: "sandbox-preview",
        github: { repository: "my-org/multi-account-ops" },
        existingOidcProviders: {
            pulumi: `arn:aws:iam::${account}:oidc-provider/api.pulumi.com/oidc`,
            github: `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`,
        },
    };
    c.deployRoleManagedPolicyArns = ["arn:aws:iam::aws:policy/PowerUserAccess"];
    c.managedInstances = {
        enabled: true,
        endpoints: { logs: true, kms: true, s3Gateway: true },
        defaultHostManagement: true,
        sampleInstance: { enabled: true, useGoldenAmi: true },
        sessionManager: { enabled: true },
    };
    c.automation = {
        enabled: true,
        extraManagedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
        inlinePolicies: { "enable-s3-bucket-encryption": { actions: ["s3:PutEncryptionConfiguration"], resources: ["arn:aws:s3:::*"] } },
    };
    return c;
}

/**
 * The example bootstrap with every option: several admin roles, several OUs, role names and policies of
 * its own, and the generated main's management role names, so the two plans describe one installation.
 */
export function everythingOnBootstrap(base: Record<string, unknown>, main: Record<string, unknown>): Record<string, unknown> {
    const c = structuredClone(base) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const m = main as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const mainAccount = String(c.mainAccountId);
    c.namePrefix = "mao-bootstrap";
    c.defaultTags = { "cost-center": "platform" };
    c.deployerRoleName = m.delivery.deployerRoleName;
    c.readOnlyRoleName = m.delivery.readOnlyRoleName;
    c.adminRoleArns = [`arn:aws:iam::${mainAccount}:role/platform-admin`, `arn:aws:iam::${mainAccount}:role/break-glass/emergency-admin`];
    c.management = {
        roleName: m.management.roleName,
        readOnlyRoleName: m.management.readOnlyRoleName,
        managedPolicyArns: [
            "arn:aws:iam::aws:policy/AWSCloudFormationFullAccess",
            "arn:aws:iam::aws:policy/AWSOrganizationsReadOnlyAccess",
        ],
    };
    c.members = {
        // Not the OUs of the generated main's delivery StackSet, which makes the same role names there.
        organizationalUnitIds: ["ou-ab12-77776666", "ou-ab12-99998888"],
        roleName: m.delivery.memberDeployRoleName,
        readOnlyRoleName: m.delivery.memberReadOnlyRoleName,
        managedPolicyArns: ["arn:aws:iam::aws:policy/PowerUserAccess", "arn:aws:iam::aws:policy/IAMFullAccess"],
    };
    return c;
}

/** The stack a member stack (mainStack) or a fleet deployments stack (fleet.mainStack) reads. */
function mainStackOf(values: Record<string, unknown>): string | undefined {
    const fleetMain = (values.fleet as { mainStack?: unknown } | undefined)?.mainStack;
    const name = values.stackRole === "deployments" ? fleetMain : values.mainStack;
    return typeof name === "string" ? name : undefined;
}

/** A stack file's `offline:organizationalUnits` (the accounts its fleet OUs hold offline). */
export function offlineOrganizationOf(file: StackFile): OfflineOrganization | undefined {
    const value = file.config["offline:organizationalUnits"];
    return value === undefined ? undefined : (JSON.parse(value) as OfflineOrganization);
}

async function run(
    stack: string,
    file: StackFile | { values: Record<string, unknown>; organization?: OfflineOrganization },
    mainOutputs?: Record<string, unknown>,
): Promise<ProgramRun> {
    const values = file.values;
    const config = "config" in file ? file.config : encode(values);
    const secretKeys = "secretKeys" in file ? file.secretKeys : [];
    return planOnce({
        stack,
        config,
        secretKeys,
        ambientAccount: (values.managementAccountId ?? values.mainAccountId ?? values.accountId) as string | undefined,
        stackOutputs: mainOutputs && ((name) => (name === mainStackOf(values) ? mainOutputs : undefined)),
        organizationalUnits: "config" in file ? offlineOrganizationOf(file) : file.organization,
    });
}

/** The fleet OU of the generated fleet: the stand-in account of StackSet roles, and two more. */
export const generatedFleetOu = "ou-ab12-f1ee7001";
export const generatedFleetOrganization: OfflineOrganization = {
    [generatedFleetOu]: [
        { id: stackSetStandIn, name: "fleet-canary" },
        { id: "313131313131", name: "fleet-web", nested: true },
        { id: "323232323232", name: "fleet-data" },
    ],
};

/** The every-option main with a fleet: canary, an override, an explicit account, and the deploy roles' StackSet. */
export function everythingOnFleetMain(everything: Record<string, unknown>): Record<string, unknown> {
    const c = structuredClone(everything);
    c.fleet = {
        enabled: true,
        organizationalUnitIds: [generatedFleetOu],
        accountIds: ["343434343434"],
        excludeAccountIds: ["353535353535"],
        features: { managedInstances: false },
        overrides: { "323232323232": { features: { managedInstances: true }, regions: [String(c.homeRegion)] } },
        canary: { accountIds: [stackSetStandIn] },
        deployRoleName: "mao-fleet-deploy",
        bootstrap: { enabled: true, oidcProvider: "create", deployManagedPolicyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"] },
    };
    return c;
}

let cached: Promise<WiringPlan[]> | undefined;

/** All plans, computed once per test process (each plan runs the whole program). */
export function wiringPlans(): Promise<WiringPlan[]> {
    cached ??= computePlans();
    return cached;
}

async function computePlans(): Promise<WiringPlan[]> {
    const plans: WiringPlan[] = [];
    const files = new Map(stackFileNames().map((file) => [stackNameOf(file), readStackFile(path.join(projectRoot, file))]));
    const mains = new Map<string, WiringPlan>();
    // Main stacks first: the others read their outputs.
    const ordered = [...files].sort(([, a], [, b]) => Number(b.values.stackRole === "main") - Number(a.values.stackRole === "main"));
    for (const [stack, file] of ordered) {
        const role = file.values.stackRole as WiringPlan["stackRole"];
        // A member stack reads its main stack, and so does a deployments stack with a fleet; bootstrap names its accounts itself.
        const mainName = mainStackOf(file.values)?.split("/").pop();
        const main = mainName ? mains.get(mainName) : undefined;
        if ((role === "member" || mainName) && !main)
            throw new Error(`Pulumi.${stack}.yaml names main stack ${String(file.values.mainStack)}, which has no stack file`);
        const plan: WiringPlan = {
            label: `Pulumi.${stack}.yaml`,
            stack,
            stackRole: role,
            values: file.values,
            mainValues: role === "member" ? (main?.values ?? file.values) : file.values,
            organization: offlineOrganizationOf(file),
            run: await run(stack, file, main?.run.outputs),
        };
        if (role === "main") mains.set(stack, plan);
        plans.push(plan);
    }
    const exampleMain = files.get("main");
    const exampleMember = files.get("member");
    const exampleBootstrap = files.get("bootstrap");
    if (exampleMain) {
        const values = everythingOnMain(exampleMain.values);
        const main: WiringPlan = {
            label: "generated: every option on (main)",
            stack: "main",
            stackRole: "main",
            values,
            mainValues: values,
            run: await run("main", { values }),
        };
        plans.push(main);
        if (exampleMember) {
            const memberValues = everythingOnMember(exampleMember.values);
            plans.push({
                label: "generated: every option on (member)",
                stack: "member",
                stackRole: "member",
                values: memberValues,
                mainValues: values,
                run: await run("member", { values: memberValues }, main.run.outputs),
            });
        }
        // A fleet: its main stack, one fleet account's own stack (no config at all) and the fleet's Deployments.
        const fleetValues = everythingOnFleetMain(values);
        const fleetMain: WiringPlan = {
            label: "generated: fleet (main)",
            stack: "main",
            stackRole: "main",
            values: fleetValues,
            mainValues: fleetValues,
            organization: generatedFleetOrganization,
            run: await run("main", { values: fleetValues, organization: generatedFleetOrganization }),
        };
        plans.push(fleetMain);
        const fleetAccount = "313131313131";
        plans.push({
            label: `generated: fleet (member-${fleetAccount}, no config file)`,
            stack: `member-${fleetAccount}`,
            stackRole: "fleet",
            values: {},
            mainValues: fleetValues,
            organization: generatedFleetOrganization,
            run: await runUnderMocks({
                stack: `member-${fleetAccount}`,
                config: {},
                ambientAccount: fleetAccount,
                organization: "my-org",
                stackOutputs: (name) => (name === "my-org/multi-account-ops/main" ? fleetMain.run.outputs : undefined),
            }),
        });
        const exampleDeployments = files.get("deployments");
        if (exampleDeployments) {
            const deploymentsValues = {
                ...exampleDeployments.values,
                fleet: { mainStack: "my-org/multi-account-ops/main", driftHourUtc: 22 },
            };
            plans.push({
                label: "generated: fleet (deployments)",
                stack: "deployments",
                stackRole: "deployments",
                values: deploymentsValues,
                mainValues: deploymentsValues,
                run: await run("deployments", { values: deploymentsValues }, fleetMain.run.outputs),
            });
        }
        if (exampleBootstrap) {
            const bootstrapValues = everythingOnBootstrap(exampleBootstrap.values, values);
            plans.push({
                label: "generated: every option on (bootstrap)",
                stack: "bootstrap",
                stackRole: "bootstrap",
                values: bootstrapValues,
                mainValues: bootstrapValues,
                run: await run("bootstrap", { values: bootstrapValues }),
            });
        }
    }
    return plans;
}

/** One IAM policy document found in a plan, and where. */
export interface FoundDocument {
    registration: Registration;
    /** Input path, e.g. `assumeRolePolicy` or `templateBody.Resources.DeployRole.Properties.AssumeRolePolicyDocument`. */
    path: string;
    document: { Version?: string; Statement: Statement | Statement[] };
    /** A role's trust policy, and the role's ARN (for a StackSet template: its account is the stand-in `account`). */
    trust?: { roleName: string; rolePath: string; templated: boolean };
}

export interface Statement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: "*" | Record<string, string | string[]>;
    NotPrincipal?: Record<string, string | string[]>;
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
    NotResource?: string | string[];
    Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

function parseStructured(text: string): unknown {
    const trimmed = text.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
            return JSON.parse(trimmed) as unknown;
        } catch {
            return undefined;
        }
    }
    // CloudFormation templates may be YAML.
    if (/AWSTemplateFormatVersion|^Resources:/m.test(text)) return parseYaml(text) as unknown;
    return undefined;
}

function isDocument(value: unknown): value is FoundDocument["document"] {
    return typeof value === "object" && value !== null && !Array.isArray(value) && "Statement" in value;
}

/**
 * CloudFormation resolves `{"Fn::Sub": "...${AWS::Partition}..."}` per stack instance; the simulator needs plain
 * strings, so the partition becomes `aws` (the account placeholder stays for the checks that read it).
 */
function resolveSub<T>(value: T): T {
    if (Array.isArray(value)) return value.map(resolveSub) as T;
    if (typeof value !== "object" || value === null) return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && entries[0][0] === "Fn::Sub" && typeof entries[0][1] === "string")
        // ${AWS::AccountId} (the fleet's deploy role names its own account) becomes the stand-in account of the OUs.
        return entries[0][1].replaceAll("${AWS::Partition}", "aws").replaceAll("${AWS::AccountId}", stackSetStandIn) as T;
    return Object.fromEntries(entries.map(([key, child]) => [key, resolveSub(child)])) as T;
}

/** Every IAM document in a registration's inputs: JSON-string policies, nested objects, and the documents inside StackSet templates. */
export function documentsOf(registration: Registration): FoundDocument[] {
    const found: FoundDocument[] = [];
    const visit = (value: unknown, at: string, parent: Record<string, unknown> | undefined, templated: boolean): void => {
        if (typeof value === "string") {
            if (!value.includes("Statement")) return;
            const parsed = parseStructured(value);
            if (parsed === undefined)
                throw new Error(`${registration.name}.${at} mentions Statement but is neither JSON nor a YAML template`);
            visit(parsed, at, parent, templated || /templateBody|template/i.test(at));
            return;
        }
        if (Array.isArray(value)) {
            value.forEach((item, i) => visit(item, `${at}[${i}]`, parent, templated));
            return;
        }
        if (typeof value !== "object" || value === null) return;
        if (isDocument(value)) {
            const document: FoundDocument = { registration, path: at, document: templated ? resolveSub(value) : value };
            const key = at.split(".").pop() ?? "";
            if (key === "assumeRolePolicy" && registration.type === "aws:iam/role:Role") {
                const name = typeof registration.inputs.name === "string" ? registration.inputs.name : registration.name;
                const rolePath = typeof registration.inputs.path === "string" ? registration.inputs.path : "/";
                document.trust = { roleName: name, rolePath, templated: false };
            } else if (key === "AssumeRolePolicyDocument") {
                const roleName = parent?.RoleName;
                if (typeof roleName !== "string")
                    throw new Error(`${registration.name}.${at}: a templated role without a literal RoleName`);
                document.trust = { roleName, rolePath: typeof parent?.Path === "string" ? parent.Path : "/", templated: true };
            }
            found.push(document);
            return;
        }
        for (const [key, child] of Object.entries(value))
            visit(child, at ? `${at}.${key}` : key, value as Record<string, unknown>, templated);
    };
    visit(registration.inputs, "", undefined, false);
    return found;
}

export function statementsOf(document: FoundDocument["document"]): Statement[] {
    return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

export function asList<T>(value: T | T[] | undefined): T[] {
    if (value === undefined) return [];
    return Array.isArray(value) ? value : [value];
}
