import { roleArn } from "../../components/arns";
import { ImageNotifications } from "../../components/goldenAmi/notifications";
import { OrgReaderRole } from "../../components/goldenAmi/orgReaderRole";
import { AmiPipeline } from "../../components/goldenAmi/pipeline";
import { AmiPublisher } from "../../components/goldenAmi/publisher";
import { parameterWriterTemplate } from "../../components/goldenAmi/policies";
import { OrganizationStackSet } from "../../components/organizationStackSet";
import type { HubPartInputs } from "../../components/hub";
import { accountsWithFeature } from "../config/resolve";
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

    if (settings.pipeline.enabled) {
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
                nativeSsmParameterName: distribution.nativeSsmParameters
                    ? `${settings.parameterPrefix}/${settings.pipeline.recipeName}`
                    : undefined,
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
            sharedOrganizationIds,
            sharedOrganizationalUnits,
            orgReaderRoleArn: sharesWithOrganization ? orgReaderRoleArn : undefined,
            listOrganizationDirectly: sharesWithOrganization && orgReaderRoleArn === undefined,
            maxConcurrency: settings.publisher.maxConcurrency,
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
                templateBody: publisher.role.arn.apply((publisherRoleArn) =>
                    parameterWriterTemplate(publisherRoleArn, config.organizationId, settings.targetRoleName, settings.parameterPrefix),
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
    };
}
