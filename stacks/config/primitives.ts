import * as ipaddr from "ipaddr.js";
import { z } from "zod";
import { associationScheduleProblem, cronProblem } from "./schedules";
import { Region } from "@pulumi/aws/types/enums";

/** Every region pulumi-aws knows; a typo such as `ap-northeast-9` fails validation instead of a deploy. */
export const knownRegions: readonly string[] = Object.values(Region);

export const accountId = z.string().superRefine((value, ctx) => {
    if (/^\d{12}$/.test(value)) return;
    // An unquoted ID is a YAML number: one that starts with 0 loses its leading zeros on the way.
    const hint = /^\d{9,11}$/.test(value) ? `; if it started with 0, YAML dropped the zeros: quote it, "${value.padStart(12, "0")}"` : "";
    ctx.addIssue({ code: "custom", message: `is not a 12-digit account ID${hint}` });
});

export const region = z.string().refine((value) => knownRegions.includes(value), { message: "is not a known AWS region" });

export const organizationId = z
    .string()
    .regex(/^o-[a-z0-9]{10,32}$/, "is not an organization ID (o- and 10 to 32 lowercase letters or digits)");

export const organizationalUnitId = z
    .string()
    .regex(/^ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$/, "is not an organizational unit ID (ou-xxxx-xxxxxxxx)");

export const iamRoleName = z.string().regex(/^[\w+=,.@-]{1,64}$/, "is not a valid IAM role name");

/** Short names end up in resource names, so keep them DNS- and IAM-safe. */
export const shortName = z.string().regex(/^[a-z][a-z0-9-]{0,23}$/, "is not a short name (lowercase letter, then up to 23 of a-z 0-9 -)");

export const parameterPath = z.string().regex(/^(\/[A-Za-z0-9_.-]+)+$/, "is not an SSM parameter path such as /ec2-imagebuilder/latest");

/** A string checked by a function that returns the problem (and its fix), or undefined. */
function checkedString(problem: (value: string) => string | undefined): z.ZodString {
    return z.string().superRefine((value, ctx) => {
        const message = problem(value);
        if (message !== undefined) ctx.addIssue({ code: "custom", message });
    }) as unknown as z.ZodString;
}

/** A State Manager association's schedule (see schedules.ts for the AWS rules). */
export const scheduleExpression = checkedString(associationScheduleProblem);

/** An Image Builder pipeline's schedule: six-field cron only. */
export const imageBuilderCron = checkedString(cronProblem);

/**
 * VPC and subnet CIDRs: a valid IPv4 block, its network address (no host bits), a /16 to /28 size, subnets inside
 * the VPC and not overlapping ("The allowed block size is between a /16 netmask and /28 netmask", and a subnet's
 * block is a subset of the VPC's and does not overlap other subnets:
 * https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html, https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html).
 */
export function cidrProblem(value: string): string | undefined {
    if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(value)) return "is not an IPv4 CIDR block such as 10.0.0.0/16";
    const [address, prefix] = ipaddr.IPv4.parseCIDR(value);
    if (prefix < 16 || prefix > 28) return `has prefix /${prefix}; VPCs and subnets take /16 to /28`;
    const network = ipaddr.IPv4.networkAddressFromCIDR(value).toString();
    if (network !== address.toString()) return `has host bits set; the block is ${network}/${prefix}`;
    return undefined;
}

export const cidr = checkedString(cidrProblem);

/** What the offline plan puts in place of a `secure:` value it cannot decrypt. */
export const secretPlaceholder = "[secret]";

/** Email addresses are often kept as secrets, so the offline plan's placeholder passes here. */
export const email = z
    .string()
    .refine((value) => value === secretPlaceholder || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value), { message: "is not an email address" });

export const retentionDays = z
    .number()
    .int()
    .refine(
        (days) => [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653].includes(days),
        {
            message: "is not a CloudWatch Logs retention period (1, 3, 5, 7, 14, 30, 60, 90, 120, ... days)",
        },
    );

export const semanticVersion = z.string().regex(/^\d+\.\d+\.\d+$/, "is not a version such as 1.0.0");

/** An IAM OIDC identity provider's ARN for one issuer host (the ARN ends with the provider URL without https://). */
export const oidcProviderArn = (host: string) =>
    z.string().refine((value) => new RegExp(`^arn:[\\w-]+:iam::\\d{12}:oidc-provider/${host.replace(/[.]/g, "\\.")}$`).test(value), {
        message: `is not the ARN of an IAM OIDC provider for ${host} (arn:aws:iam::<account>:oidc-provider/${host})`,
    });

/**
 * IAM allows one OIDC provider per URL in an account: name the ones that already exist instead of
 * creating them (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html).
 */
export const existingOidcProviders = z
    .strictObject({
        /** arn:aws:iam::<account>:oidc-provider/api.pulumi.com/oidc; its audiences must include your Pulumi organization. */
        pulumi: oidcProviderArn("api.pulumi.com/oidc").optional(),
        /** arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com; audience sts.amazonaws.com. */
        github: oidcProviderArn("token.actions.githubusercontent.com").optional(),
    })
    .prefault({});
