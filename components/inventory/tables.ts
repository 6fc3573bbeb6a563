/**
 * Glue tables over what the organization resource data sync writes to S3: one object per managed
 * node and inventory type at
 * `<prefix>/<type>/accountid=<id>/region=<region>/resourcetype=ManagedInstanceInventory/<node>.json`,
 * one JSON object per line (Systems Manager User Guide, "Walkthrough: Use resource data sync to
 * aggregate inventory data", https://docs.aws.amazon.com/systems-manager/latest/userguide/inventory-resource-data-sync.html).
 *
 * Columns are the type's documented attributes ("Metadata collected by inventory",
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/inventory-schema.html), lowercased
 * (the JSON SerDe matches keys case-insensitively), plus the keys the sync adds to every line:
 * resourceId, captureTime, schemaVersion.
 *
 * `resourcetype` in the path is always `ManagedInstanceInventory`, so it is a constant in the location
 * template rather than a partition key: AWS:InstanceInformation has its own `ResourceType` attribute
 * (EC2Instance or ManagedInstance), and a partition column may not share a name with a data column
 * (Athena, "ALTER TABLE ADD PARTITION": https://docs.aws.amazon.com/athena/latest/ug/alter-table-add-partition.html).
 */
export interface InventoryTable {
    typeName: string;
    tableName: string;
    columns: string[];
}

/** Keys the sync writes on every line besides the type's attributes. */
export const syncedKeys = ["resourceid", "capturetime", "schemaversion"];

export const inventoryTables: InventoryTable[] = [
    {
        typeName: "AWS:InstanceInformation",
        tableName: "instance_information",
        columns: [
            "agenttype",
            "agentversion",
            "computername",
            "instanceid",
            "ipaddress",
            "platformname",
            "platformtype",
            "platformversion",
            "resourcetype",
            "agentstatus",
            "instancestatus",
            ...syncedKeys,
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
            ...syncedKeys,
        ],
    },
    {
        typeName: "AWS:Network",
        tableName: "network",
        columns: ["name", "subnetmask", "gateway", "dhcpserver", "dnsserver", "macaddress", "ipv4", "ipv6", ...syncedKeys],
    },
];

/** The path's `accountid=` and `region=` levels; the `resourcetype=` level is constant (see above). */
export const partitionKeys = ["accountid", "region"];

/** The path level below region=, the same for every object a SyncToDestination sync writes. */
export const syncedResourceType = "ManagedInstanceInventory";

/**
 * Partition projection, so no crawler or MSCK REPAIR is needed: regions are enumerated from the config,
 * and so are accounts, unless they are `"injected"` (a fleet, whose accounts join without a config
 * change: the table never lists them). Then every query must name its accounts with static equality or
 * IN conditions, or Athena refuses it with CONSTRAINT_VIOLATION ("Use dynamic ID partitioning",
 * https://docs.aws.amazon.com/athena/latest/ug/partition-projection-dynamic-id-partitioning.html). Every partition column has a placeholder in the template; the constant level is
 * literal text (Athena, "Set up partition projection" / custom S3 storage locations:
 * https://docs.aws.amazon.com/athena/latest/ug/partition-projection-setting-up.html).
 */
export function projectionParameters(
    bucket: string,
    prefix: string,
    typeName: string,
    accountIds: string[] | "injected",
    regions: string[],
): Record<string, string> {
    const accounts: Record<string, string> =
        accountIds === "injected"
            ? { "projection.accountid.type": "injected" }
            : { "projection.accountid.type": "enum", "projection.accountid.values": accountIds.join(",") };
    return {
        classification: "json",
        "projection.enabled": "true",
        ...accounts,
        "projection.region.type": "enum",
        "projection.region.values": regions.join(","),
        "storage.location.template": `s3://${bucket}/${prefix}/${typeName}/accountid=\${accountid}/region=\${region}/resourcetype=${syncedResourceType}`,
    };
}
/**
 * The named queries: what platform teams ask of inventory first. With injected accounts each query
 * names the accounts it reads (Athena refuses a query on such a table without them).
 */
export function namedQueries(database: string, injectedAccounts = false): { name: string; description: string; query: string }[] {
    const accounts = "accountid IN ('111111111111', '222222222222') -- the accounts to read (required: injected projection)\n";
    const where = (condition?: string): string =>
        injectedAccounts ? `WHERE ${accounts}${condition ? `  AND (${condition})\n` : ""}` : condition ? `WHERE ${condition}\n` : "";
    return [
        {
            name: "managed-instances-by-platform-and-agent",
            description:
                "Managed nodes per node type (EC2Instance or ManagedInstance), platform and SSM Agent version, across accounts and regions",
            query: `SELECT resourcetype, platformname, platformversion, agentversion, count(DISTINCT resourceid) AS instances
FROM "${database}"."instance_information"
${where()}GROUP BY resourcetype, platformname, platformversion, agentversion
ORDER BY instances DESC`,
        },
        {
            name: "where-is-package-installed",
            description: "Accounts and instances where a package is installed (edit the package name)",
            query: `SELECT accountid, region, resourceid, name, version, release
FROM "${database}"."application"
${where("lower(name) = lower('openssl')")}ORDER BY accountid, region, resourceid`,
        },
        {
            name: "stale-inventory-instances",
            description: "Instances still in S3 but no longer active: the sync keeps files of deleted nodes",
            query: `SELECT accountid, region, resourceid, instancestatus, capturetime
FROM "${database}"."instance_information"
${where("instancestatus IS NULL\n   OR instancestatus <> 'Active'\n   OR from_iso8601_timestamp(capturetime) < current_timestamp - INTERVAL '7' DAY")}ORDER BY capturetime`,
        },
    ];
}
