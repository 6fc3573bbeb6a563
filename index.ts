import { readStackConfig } from "./stacks/config/load";
import { runBootstrapStack } from "./stacks/bootstrap";
import { runDeploymentsStack } from "./stacks/deployments";
import { fleetMemberAccount, runFleetMemberStack } from "./stacks/fleetMember";
import { runMainStack } from "./stacks/main";
import { runMemberStack } from "./stacks/member";

function runConfiguredStack(): unknown {
    // Validation throws before any resource is registered, listing every config problem at once.
    const config = readStackConfig();
    return config.stackRole === "main"
        ? runMainStack(config)
        : config.stackRole === "deployments"
          ? runDeploymentsStack(config)
          : config.stackRole === "bootstrap"
            ? runBootstrapStack(config)
            : runMemberStack(config);
}

// A fleet stack (`member-<accountId>` with no config file) reads everything from the main stack's outputs.
const fleetAccount = fleetMemberAccount();

export = fleetAccount ? runFleetMemberStack(fleetAccount) : runConfiguredStack();
