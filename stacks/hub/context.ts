import type * as aws from "@pulumi/aws";
import type { MainStackConfig } from "../config/schema";
import type { AccountProviders } from "../providers";

/** What every hub capability needs: the validated config and the main and management accounts' providers. */
export interface HubContext {
    config: MainStackConfig;
    partition: string;
    regions: string[];
    providers: AccountProviders;
    mainProvider: aws.Provider;
    /**
     * The management account (or delegated administrator); the main provider when the main account is
     * it. Made on first use, so no provider is registered for a management account nothing uses.
     */
    managementProvider: () => aws.Provider;
    managementAccountId: string;
}
