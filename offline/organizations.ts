/**
 * Offline answers to the aws provider's Organizations data sources, from the plan's own description of
 * the organization (`offline:organizationalUnits` in the stack file, or a test's RunOptions), so a
 * fleet plans without AWS. An OU nobody described fails the plan instead of planning an empty fleet.
 */

/** One account below an OU, as the offline plan is told about it. */
export interface OfflineAccount {
    id: string;
    name?: string;
    /** ACTIVE unless given (Organizations' `State`: ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED ...). */
    state?: string;
    /** Only in `getOrganizationalUnitDescendantAccounts`' answer: the account sits in a nested OU. */
    nested?: boolean;
}

/** OU ID to the accounts below it. */
export type OfflineOrganization = Record<string, OfflineAccount[]>;

const descendantAccounts = "aws:organizations/getOrganizationalUnitDescendantAccounts:getOrganizationalUnitDescendantAccounts";
const childAccounts = "aws:organizations/getOrganizationalUnitChildAccounts:getOrganizationalUnitChildAccounts";

export function isOrganizationsCall(token: string): boolean {
    return token === descendantAccounts || token === childAccounts;
}

/** The data source's result shape (pulumi-aws GetOrganizationalUnitDescendantAccountsResult). */
export function answerOrganizationsCall(
    token: string,
    inputs: Record<string, unknown>,
    organization: OfflineOrganization | undefined,
    partition: string,
): Record<string, unknown> {
    const parentId = String(inputs.parentId);
    const known = organization?.[parentId];
    if (!known)
        throw new Error(
            `offline plan: no accounts are known for ${parentId}; list them under offline:organizationalUnits.${parentId} in the stack file`,
        );
    const accounts = known
        .filter((account) => token === descendantAccounts || !account.nested)
        .map((account) => {
            const state = account.state ?? "ACTIVE";
            return {
                id: account.id,
                name: account.name ?? account.id,
                arn: `arn:${partition}:organizations::000000000000:account/o-offline/${account.id}`,
                email: `${account.id}@example.com`,
                joinedMethod: "CREATED",
                joinedTimestamp: "2024-01-01T00:00:00Z",
                state,
                status: ["ACTIVE", "SUSPENDED", "PENDING_CLOSURE"].includes(state) ? state : "SUSPENDED",
            };
        });
    return { accounts, id: parentId, parentId };
}
