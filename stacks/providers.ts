import * as aws from "@pulumi/aws";

export interface AccountProvidersArgs {
    stack: string;
    homeRegion: string;
    extraTags: Record<string, string>;
}

/**
 * Hands out at most one aws.Provider per account. Each provider is its own plugin process in a real
 * run, so regions are chosen per resource (the v7 `region` argument), never with more providers.
 */
export class AccountProviders {
    private readonly providers = new Map<string, { provider: aws.Provider; assumeRoleArn?: string }>();

    constructor(private readonly args: AccountProvidersArgs) {}

    get defaultTags(): Record<string, string> {
        return { project: "multi-account-ops", stack: this.args.stack, "managed-by": "pulumi", ...this.args.extraTags };
    }

    /**
     * The provider for one account. Without `assumeRoleArn` it uses the ambient credentials
     * (the deployer in the main account, or a member's own credentials in a member stack);
     * `allowedAccountIds` stops it from ever touching another account.
     */
    forAccount(accountId: string, assumeRoleArn?: string): aws.Provider {
        const existing = this.providers.get(accountId);
        if (existing) {
            if (existing.assumeRoleArn !== assumeRoleArn) {
                throw new Error(
                    `account ${accountId} was given two roles to assume: ${existing.assumeRoleArn ?? "(ambient)"} and ${assumeRoleArn ?? "(ambient)"}`,
                );
            }
            return existing.provider;
        }
        const provider = new aws.Provider(`aws-${accountId}`, {
            region: this.args.homeRegion as aws.Region,
            allowedAccountIds: [accountId],
            assumeRoles: assumeRoleArn
                ? [{ roleArn: assumeRoleArn, sessionName: `multi-account-ops-${this.args.stack}`.slice(0, 64) }]
                : undefined,
            defaultTags: { tags: this.defaultTags },
        });
        this.providers.set(accountId, { provider, assumeRoleArn });
        return provider;
    }

    get count(): number {
        return this.providers.size;
    }
}
