import {
    OrganizationsClient,
    paginateListAccountsForParent,
    paginateListOrganizationalUnitsForParent,
    paginateListRoots,
} from "@aws-sdk/client-organizations";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import type { OrganizationResolver } from "./targets";

/** Organizations is a global service; its API lives in one region per partition. */
function organizationsRegion(partition: string): string {
    if (partition === "aws-cn") return "cn-northwest-1";
    if (partition === "aws-us-gov") return "us-gov-west-1";
    return "us-east-1";
}

/**
 * Walks the organization tree (ListAccountsForParent and ListOrganizationalUnitsForParent,
 * recursively), keeping ACTIVE accounts. Each ARN is resolved once per invocation.
 */
export class OrganizationTree implements OrganizationResolver {
    private readonly cache = new Map<string, Promise<string[]>>();
    private readonly client: OrganizationsClient;

    constructor(partition: string, credentials?: AwsCredentialIdentity) {
        this.client = new OrganizationsClient({ region: organizationsRegion(partition), credentials, maxAttempts: 8 });
    }

    accountsIn(arn: string): Promise<string[]> {
        let pending = this.cache.get(arn);
        if (!pending) {
            pending = this.resolve(arn);
            this.cache.set(arn, pending);
        }
        return pending;
    }

    /** The ACTIVE accounts below one OU, nested OUs included. */
    accountsInOu(ouId: string): Promise<string[]> {
        return this.accountsIn(`ou:${ouId}`);
    }

    private async resolve(arn: string): Promise<string[]> {
        const ou = /(?::ou\/o-[a-z0-9]+\/|^ou:)(ou-[a-z0-9]+-[a-z0-9]+)$/.exec(arn);
        if (ou) return this.accountsUnder(ou[1]);
        if (/:organization\/o-[a-z0-9]+$/.test(arn)) {
            const accounts: string[] = [];
            for await (const page of paginateListRoots({ client: this.client }, {})) {
                for (const root of page.Roots ?? []) if (root.Id) accounts.push(...(await this.accountsUnder(root.Id)));
            }
            return accounts;
        }
        throw new Error(`${arn} is neither an organization nor an organizational unit ARN`);
    }

    private async accountsUnder(parentId: string): Promise<string[]> {
        const accounts: string[] = [];
        for await (const page of paginateListAccountsForParent({ client: this.client }, { ParentId: parentId })) {
            for (const account of page.Accounts ?? []) {
                const active = account.State ? account.State === "ACTIVE" : account.Status === "ACTIVE";
                if (account.Id && active) accounts.push(account.Id);
            }
        }
        for await (const page of paginateListOrganizationalUnitsForParent({ client: this.client }, { ParentId: parentId })) {
            for (const child of page.OrganizationalUnits ?? []) if (child.Id) accounts.push(...(await this.accountsUnder(child.Id)));
        }
        return accounts;
    }
}
