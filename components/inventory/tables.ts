/**
 * Glue tables over the resource data sync's S3 layout:
 * `<prefix>/<type>/accountid=<id>/region=<region>/resourcetype=<type>/<instance>.json`, one JSON
 * object per line. Columns are the documented JSON keys of each inventory type, lowercased (the
 * JSON SerDe matches keys case-insensitively).
 */
export interface InventoryTable {
    typeName: string;
    tableName: string;
    columns: string[];
}

const common = ["resourceid", "capturetime", "schemaversion"];

export const inventoryTables: InventoryTable[] = [
    {
        typeName: "AWS:InstanceInformation",
        tableName: "instance_information",
        columns: [
            "agenttype",
            "agentversion",
            "computername",
            "instanceid",
            "instancestatus",
            "ipaddress",
            "platformname",
            "platformtype",
            "platformversion",
            "resourcetype",
            ...common,
        ],
    },
    {
        typeName: "AWS:Application",
        tableName: "application",
        columns: [
            "name",
            "applicationtype",
            "publisher",
            "version",
            "release",
            "epoch",
            "installedtime",
            "architecture",
            "url",
            "summary",
            "packageid",
            ...common,
        ],
    },
    {
        typeName: "AWS:Network",
        tableName: "network",
        columns: ["name", "subnetmask", "gateway", "dhcpserver", "dnsserver", "macaddress", "ipv4", "ipv6", ...common],
    },
    { typeName: "AWS:Tag", tableName: "tag", columns: ["key", "value", ...common] },
];

export const partitionKeys = ["accountid", "region", "resourcetype"];

/** Partition projection, so no crawler is needed: accounts and regions are enumerated from the config. */
export function projectionParameters(
    bucket: string,
    prefix: string,
    typeName: string,
    accountIds: string[],
    regions: string[],
): Record<string, string> {
    return {
        classification: "json",
        "projection.enabled": "true",
        "projection.accountid.type": "enum",
        "projection.accountid.values": accountIds.join(","),
        "projection.region.type": "enum",
        "projection.region.values": regions.join(","),
        "projection.resourcetype.type": "enum",
        "projection.resourcetype.values": "ManagedInstanceInventory",
        "storage.location.template": `s3://${bucket}/${prefix}/${typeName}/accountid=\${accountid}/region=\${region}/resourcetype=\${resourcetype}`,
    };
}

/** The named queries: what platform teams ask of inventory first. */
export function namedQueries(database: string): { name: string; description: string; query: string }[] {
    return [
        {
            name: "managed-instances-by-platform-and-agent",
            description: "Managed instances per platform and SSM Agent version, across accounts and regions",
            query: `SELECT platformname, platformversion, agentversion, count(DISTINCT resourceid) AS instances
FROM "${database}"."instance_information"
GROUP BY platformname, platformversion, agentversion
ORDER BY instances DESC`,
        },
        {
            name: "where-is-package-installed",
            description: "Accounts and instances where a package is installed (edit the package name)",
            query: `SELECT accountid, region, resourceid, name, version, release
FROM "${database}"."application"
WHERE lower(name) = lower('openssl')
ORDER BY accountid, region, resourceid`,
        },
        {
            name: "stale-inventory-instances",
            description: "Instances still in S3 but no longer active: the sync keeps files of deleted nodes",
            query: `SELECT accountid, region, resourceid, instancestatus, capturetime
FROM "${database}"."instance_information"
WHERE instancestatus IS NULL
   OR instancestatus <> 'Active'
   OR from_iso8601_timestamp(capturetime) < current_timestamp - INTERVAL '7' DAY
ORDER BY capturetime`,
        },
    ];
}
