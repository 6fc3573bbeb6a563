import * as pulumi from "@pulumi/pulumi";
import { roleArn } from "../../components/arns";
import { AmiKeys } from "../../components/goldenAmi/amiKey";
import { ImageNotifications } from "../../components/goldenAmi/notifications";
import { OrgReaderRole } from "../../components/goldenAmi/orgReaderRole";
import { AmiPipeline } from "../../components/goldenAmi/pipeline";
import { AmiPublisher } from "../../components/goldenAmi/publisher";
import { parameterWriterTemplate } from "../../components/goldenAmi/policies";
import { OrganizationStackSet } from "../../components/organizationStackSet";
import type { HubPartInputs } from "../../components/hub";
import { accountsWithFeature } from "../config/resolve";
import { fleetRoleB } from "../fleet";
import type { HubContext } from "./context";

/** `arn:aws:organizations::<mgmt>:ou/o-xxx/ou-xxx` to its org and OU IDs. */
function ouOf(arn: string): { organizationId: string; ouId: string } {
    const [organizationId, ouId] = arn.slice(arn.indexOf(":ou/") + 4).split("/");
    return { organizationId, ouId };
}

/** The golden AMI capability in the main account: notifications, pipeline, publisher, and role B for OU-only accounts. */
export function deployGoldenAmiHub(ctx: HubContext): HubPartInputs<"goldenAmi"> {
    const { config, partition } = ctx;
    const settings = config.goldenAmi;
    if (!settings.enabled) return undefined;
    const region = config.homeRegion;
    const opts = { provider: ctx.mainProvider };

    const receivingMembers = accountsWithFeature(config, "goldenAmi");
    const distribution = settings.distribution;
    const userIds = [...new Set([...(distribution.shareWithMembers ? receivingMembers : []), ...distribution.accountIds])];
    const sharedOrganizationIds = distribution.organizationArns.map((arn) => arn.split("/").pop() as string);
    const sharedOrganizationalUnits = distribution.organizationalUnitArns.map(ouOf);
    const sharesWithOrganization = sharedOrganizationIds.length + sharedOrganizationalUnits.length > 0;

    const nativeSsmParameterName = distribution.nativeSsmParameters
        ? `${settings.parameterPrefix}/${settings.pipeline.recipeName}`
        : undefined;
    // The AMI key of every region: the copies in each region, and in each target account, are encrypted with it.
    const amiKeys = settings.pipeline.enabled
        ? new AmiKeys(
              "golden-ami-key",
              {
                  partition,
                  accountId: config.mainAccountId,
                  namePrefix: config.namePrefix,
                  regions: ctx.regions,
                  receivers: {
                      accountIds: [...new Set([...userIds, ...distribution.targetAccountIds])],
                      organizationIds: sharedOrganizationIds,
                      organizationalUnits: sharedOrganizationalUnits,
                      copyTargetAccountIds: distribution.targetAccountIds,
                  },
                  existingKeyArn: settings.encryption.kmsKeyArn,
              },
              opts,
          )
        : undefined;
    const amiKeyArns = pulumi.all(ctx.regions.map((r) => amiKeys?.keyArns[r] ?? "")).apply((arns) => arns.filter((arn) => arn !== ""));

    const notifications = new ImageNotifications(
        "golden-ami-notifications",
        {
            partition,
            accountId: config.mainAccountId,
            region,
            namePrefix: config.namePrefix,
            alarmEmails: settings.publisher.alarmEmails,
            emailsAreSecret: config.secretKeys.has("goldenAmi"),
        },
        opts,
    );

    if (amiKeys) {
        new AmiPipeline(
            "golden-ami-pipeline",
            {
                partition,
                region,
                namePrefix: config.namePrefix,
                ...settings.pipeline,
                distributionRegions: ctx.regions,
                launchPermission: {
                    userIds,
                    organizationArns: distribution.organizationArns,
                    organizationalUnitArns: distribution.organizationalUnitArns,
                },
                targetAccountIds: distribution.targetAccountIds,
                nativeSsmParameterName,
                keyArns: amiKeys.keyArns,
                notificationTopicArn: notifications.imageTopic.arn,
            },
            opts,
        );
    }

    if (!settings.publisher.enabled) return undefined;

    // A reader role in a separate management account is created below; its ARN is known from its name.
    const createReader = sharesWithOrganization && !settings.publisher.orgReaderRoleArn && ctx.managementAccountId !== config.mainAccountId;
    const readerName = `${config.namePrefix}-org-reader`;
    const orgReaderRoleArn =
        settings.publisher.orgReaderRoleArn ?? (createReader ? roleArn(partition, ctx.managementAccountId, readerName) : undefined);

    // Fleet accounts without role B, but never an account the hub or a member stack gives role B.
    const fleet = fleetRoleB(config);
    const givenRoleB = new Set([
        ...receivingMembers,
        ...config.memberStacks.map((stack) => stack.accountId),
        ...distribution.targetAccountIds,
    ]);
    const withoutRoleB = new Set(fleet.excludedAccountIds.filter((id) => !givenRoleB.has(id)));
    const roleBAccountIds = [
        ...new Set([...receivingMembers, ...distribution.accountIds, ...distribution.targetAccountIds, ...fleet.accountIds]),
    ]
        .filter((id) => id !== config.mainAccountId && !withoutRoleB.has(id))
        .sort();
    const publisher = new AmiPublisher(
        "golden-ami-publisher",
        {
            partition,
            accountId: config.mainAccountId,
            region,
            namePrefix: config.namePrefix,
            parameterPrefix: settings.parameterPrefix,
            targetRoleName: settings.targetRoleName,
            targetAccountIds: [...new Set([...userIds, ...distribution.targetAccountIds])],
            // Role B by configuration: members with goldenAmi (MemberAccount), declared member-stack accounts, copy targets,
            // fleet accounts switched on one by one; by OU: the role-B StackSet's OUs and the fleet OUs.
            roleBAccountIds,
            roleBOrganizationalUnitIds: [
                ...(settings.roleStackSet.enabled ? settings.roleStackSet.organizationalUnitIds : []),
                ...fleet.organizationalUnitIds,
            ],
            roleBExcludedAccountIds: [...withoutRoleB],
            sharedOrganizationIds,
            sharedOrganizationalUnits,
            orgReaderRoleArn: sharesWithOrganization ? orgReaderRoleArn : undefined,
            listOrganizationDirectly: sharesWithOrganization && orgReaderRoleArn === undefined,
            maxConcurrency: settings.publisher.maxConcurrency,
            memorySize: settings.publisher.memorySize,
            timeoutSeconds: settings.publisher.timeoutSeconds,
            fanOut: settings.publisher.fanOut,
            logRetentionDays: settings.publisher.logRetentionDays,
            imageTopic: notifications.imageTopic,
            opsTopic: notifications.opsTopic,
            key: notifications.key,
        },
        opts,
    );

    if (createReader) {
        new OrgReaderRole(
            "golden-ami-org-reader",
            { name: readerName, publisherRoleArn: publisher.role.arn, organizationId: config.organizationId },
            { provider: ctx.managementProvider() },
        );
    }
    if (settings.roleStackSet.enabled) {
        new OrganizationStackSet(
            "golden-ami-role-stack-set",
            {
                region,
                stackSetName: `${config.namePrefix}-ami-parameter-writer`,
                description: "Role B for the golden AMI publisher, in every account of the shared OUs",
                templateBody: pulumi.all([publisher.role.arn, amiKeyArns]).apply(([publisherRoleArn, keyArns]) =>
                    parameterWriterTemplate(
                        publisherRoleArn,
                        config.organizationId,
                        settings.targetRoleName,
                        settings.parameterPrefix,
                        // Copies go to accounts of these OUs: they get Image Builder's cross-account role too.
                        Object.values(distribution.targetAccountRoles).includes("stackSet")
                            ? { mainAccountId: config.mainAccountId, keyArns, parameterName: nativeSsmParameterName }
                            : undefined,
                    ),
                ),
                organizationalUnitIds: settings.roleStackSet.organizationalUnitIds,
                callAs: config.management?.callAs ?? "SELF",
            },
            { provider: ctx.managementProvider() },
        );
    }

    return {
        publisherRoleArn: publisher.role.arn,
        parameterPrefix: settings.parameterPrefix,
        targetRoleName: settings.targetRoleName,
        imageTopicArn: notifications.imageTopic.arn,
        latestAmiParameter: `${settings.parameterPrefix}/${settings.pipeline.recipeName}`,
        amiKeyArns,
        nativeSsmParameterName,
    };
}
