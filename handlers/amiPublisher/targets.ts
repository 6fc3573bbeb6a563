import type { ImageMessage } from "./message";

/** One parameter to write: the AMI that `accountId` can launch in `region`. */
export interface Target {
    accountId: string;
    region: string;
    amiId: string;
    /** Received only through organization or OU sharing (not as owner, launch-permission user, target or copy). */
    onlyThroughOrganization: boolean;
}

/** Resolves `launchPermission.organizationArns` / `organizationalUnitArns` to ACTIVE account IDs. */
export interface OrganizationResolver {
    accountsIn(organizationOrOuArn: string): Promise<string[]>;
}

/**
 * Every account and region that received the image. The owner's AMI in a region goes to the
 * owner, the launch-permission accounts (users, organization, OUs) and any target account without
 * its own copy; a copy made into a target account (an AMI entry with that accountId) goes to that
 * account only, since its AMI ID differs from the owner's.
 */
export async function receivingTargets(message: ImageMessage, organizations: OrganizationResolver): Promise<Target[]> {
    const targets = new Map<string, Target>();
    const key = (accountId: string, region: string): string => `${accountId}/${region}`;

    for (const ami of message.amis) {
        if (ami.accountId !== message.ownerAccountId)
            targets.set(key(ami.accountId, ami.region), {
                accountId: ami.accountId,
                region: ami.region,
                amiId: ami.image,
                onlyThroughOrganization: false,
            });
    }
    for (const ami of message.amis) {
        if (ami.accountId !== message.ownerAccountId) continue;
        const distribution = message.distributions.find((d) => d.region === ami.region)?.amiDistributionConfiguration;
        const permission = distribution?.launchPermission ?? {};
        const shared = await Promise.all(
            [...(permission.organizationArns ?? []), ...(permission.organizationalUnitArns ?? [])].map((arn) =>
                organizations.accountsIn(arn),
            ),
        );
        const named = new Set([ami.accountId, ...(permission.userIds ?? []), ...(distribution?.targetAccountIds ?? [])]);
        for (const accountId of [...named, ...shared.flat()]) {
            if (!targets.has(key(accountId, ami.region)))
                targets.set(key(accountId, ami.region), {
                    accountId,
                    region: ami.region,
                    amiId: ami.image,
                    onlyThroughOrganization: !named.has(accountId),
                });
        }
    }
    return [...targets.values()].sort((a, b) => key(a.accountId, a.region).localeCompare(key(b.accountId, b.region)));
}

/**
 * The management account, read from the shared organization and OU ARNs: both carry its ID
 * (`arn:aws:organizations::<management>:organization/o-…`, `…:ou/o-…/ou-…`; see "Get the ARN of an
 * organization or organizational unit", https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/get-org-ou-ARN.html).
 */
export function managementAccountOf(message: ImageMessage): string | undefined {
    for (const distribution of message.distributions) {
        const permission = distribution.amiDistributionConfiguration?.launchPermission ?? {};
        for (const arn of [...(permission.organizationArns ?? []), ...(permission.organizationalUnitArns ?? [])]) {
            const match = /^arn:[\w-]+:organizations::(\d{12}):/.exec(arn);
            if (match) return match[1];
        }
    }
    return undefined;
}
