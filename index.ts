import { readStackConfig } from "./stacks/config/load";
import { runBootstrapStack } from "./stacks/bootstrap";
import { runDeploymentsStack } from "./stacks/deployments";
import { runMainStack } from "./stacks/main";
import { runMemberStack } from "./stacks/member";

// Validation throws before any resource is registered, listing every config problem at once.
const config = readStackConfig();

export = config.stackRole === "main"
    ? runMainStack(config)
    : config.stackRole === "deployments"
      ? runDeploymentsStack(config)
      : config.stackRole === "bootstrap"
        ? runBootstrapStack(config)
        : runMemberStack(config);
