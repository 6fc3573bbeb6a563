import type { HubOutputs } from "../../components/hub";

const main = "111111111111";

/** The part of the hub outputs every main stack exports. */
export const baseHub: HubOutputs = {
    organizationId: "o-exampleorg1",
    mainAccountId: main,
    partition: "aws",
    homeRegion: "ap-northeast-1",
    regions: ["ap-northeast-1"],
};

/** Hub outputs as the example main stack exports them, for member-stack tests; `overrides` replace whole parts. */
export function sampleHub(overrides: Partial<HubOutputs> = {}): HubOutputs {
    return {
        ...baseHub,
        goldenAmi: {
            publisherRoleArn: `arn:aws:iam::${main}:role/multi-account-ops-ami-publisher`,
            parameterPrefix: "/ec2-imagebuilder/latest",
            targetRoleName: "LambdaExecutionRoleForSSMParam",
            imageTopicArn: `arn:aws:sns:ap-northeast-1:${main}:multi-account-ops-image-builder`,
            latestAmiParameter: "/ec2-imagebuilder/latest/golden-al2023",
        },
        automation: {
            administrationRoleArn: `arn:aws:iam::${main}:role/AWS-SystemsManager-AutomationAdministrationRole`,
            executionRoleName: "AWS-SystemsManager-AutomationExecutionRole",
            mainBusArn: `arn:aws:events:ap-northeast-1:${main}:event-bus/default`,
        },
        delivery: {
            deployerRoleArn: `arn:aws:iam::${main}:role/multi-account-ops-deployer`,
            readOnlyRoleArn: `arn:aws:iam::${main}:role/multi-account-ops-preview`,
            memberDeployRoleName: "multi-account-ops-deploy",
            memberReadOnlyRoleName: "multi-account-ops-read-only",
        },
        inventory: {
            bucketName: `multi-account-ops-inventory-${main}-ap-northeast-1`,
            bucketRegion: "ap-northeast-1",
            prefix: "inventory",
            syncName: "org-inventory-sync",
            schedule: "rate(30 minutes)",
        },
        memberStacks: {
            "555555555555": {
                name: "sandbox",
                stack: "member",
                features: { goldenAmi: true, inventory: true, managedInstances: false, automation: true, delivery: true },
                parameterWriterRoleFromStackSet: false,
            },
        },
        ...overrides,
    };
}
