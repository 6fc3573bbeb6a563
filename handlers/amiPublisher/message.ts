/** The parts of an Image Builder SNS notification the publisher reads, validated. */

export interface ImageAmi {
    region: string;
    image: string;
    accountId: string;
}

export interface LaunchPermission {
    userIds?: string[];
    organizationArns?: string[];
    organizationalUnitArns?: string[];
}

export interface Distribution {
    region: string;
    amiDistributionConfiguration?: {
        launchPermission?: LaunchPermission;
        targetAccountIds?: string[];
    };
}

export interface ImageMessage {
    status: string;
    recipeName: string;
    imageArn: string;
    imageVersion: string;
    ownerAccountId: string;
    partition: string;
    amis: ImageAmi[];
    distributions: Distribution[];
}

/** What a target's write needs of the image; a queued target carries just this. */
export type ImageIdentity = Pick<ImageMessage, "recipeName" | "imageArn" | "imageVersion" | "ownerAccountId" | "partition">;

export class MalformedMessageError extends Error {
    override name = "MalformedMessageError";
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses one SNS Message. Non-AVAILABLE images need only `state.status` (FAILED images carry no
 * AMIs); AVAILABLE ones must carry everything the publisher reads.
 */
export function parseImageMessage(raw: string, where: string): ImageMessage | { status: string; name: unknown } {
    let parsed: unknown;
    try {
        parsed = JSON.parse(raw);
    } catch {
        throw new MalformedMessageError(`${where}: Message is not JSON: ${JSON.stringify(raw.slice(0, 120))}`);
    }
    if (!isObject(parsed)) throw new MalformedMessageError(`${where}: Message is not a JSON object`);
    const state = parsed.state;
    const status = isObject(state) && typeof state.status === "string" ? state.status : undefined;
    if (status === undefined) throw new MalformedMessageError(`${where}: image message lacks state.status`);
    if (status !== "AVAILABLE") return { status, name: parsed.name };

    const missing = ["name", "arn", "outputResources", "distributionConfiguration"].filter((key) => parsed[key] === undefined);
    if (missing.length > 0) throw new MalformedMessageError(`${where}: image message lacks ${missing.join(", ")}`);
    const { name, arn, outputResources, distributionConfiguration } = parsed;
    if (typeof name !== "string" || name === "")
        throw new MalformedMessageError(`${where}: name ${JSON.stringify(name)} is not a recipe name`);
    const arnMatch = typeof arn === "string" ? /^arn:([\w-]+):imagebuilder:[\w-]+:(\d{12}):image\/[^/]+\/([^/]+)\/(\d+)$/.exec(arn) : null;
    if (!arnMatch) throw new MalformedMessageError(`${where}: arn ${JSON.stringify(arn)} is not an Image Builder image ARN`);
    const amis = isObject(outputResources) ? outputResources.amis : undefined;
    if (!Array.isArray(amis) || amis.length === 0) throw new MalformedMessageError(`${where}: outputResources.amis is missing or empty`);
    amis.forEach((ami: unknown, index) => {
        if (!isObject(ami) || typeof ami.region !== "string" || typeof ami.image !== "string" || !/^\d{12}$/.test(String(ami.accountId))) {
            throw new MalformedMessageError(
                `${where}: outputResources.amis[${index}] needs region, image and a 12-digit accountId: ${JSON.stringify(ami)}`,
            );
        }
    });
    const distributions = isObject(distributionConfiguration) ? distributionConfiguration.distributions : undefined;
    if (!Array.isArray(distributions)) throw new MalformedMessageError(`${where}: distributionConfiguration.distributions is missing`);
    const version = typeof parsed.version === "string" ? parsed.version : `${arnMatch[3]}/${arnMatch[4]}`;
    return {
        status,
        recipeName: name,
        imageArn: arn as string,
        imageVersion: version,
        partition: arnMatch[1],
        ownerAccountId: arnMatch[2],
        amis: amis as ImageAmi[],
        distributions: distributions as Distribution[],
    };
}

/** SSM labels: letters, digits, `.`, `-`, `_`; not starting with a digit, `aws` or `ssm`; at most 100 characters. */
export function parameterLabel(imageVersion: string): string {
    return `v${imageVersion.replace(/[^A-Za-z0-9_.-]/g, "-")}`.slice(0, 100);
}

/** A label parameterLabel made from an Image Builder version (`<major>.<minor>.<patch>/<build>`). */
export function isPublisherLabel(label: string): boolean {
    return /^v\d+\.\d+\.\d+-\d+$/.test(label);
}

/** Orders two publisher labels by image version (`v<major>.<minor>.<patch>-<build>`), numerically. */
export function comparePublisherLabels(a: string, b: string): number {
    const parts = (label: string): number[] => label.slice(1).split(/[.-]/).map(Number);
    const [x, y] = [parts(a), parts(b)];
    for (let i = 0; i < 4; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
}
