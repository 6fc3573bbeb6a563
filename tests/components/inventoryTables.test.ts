import { strict as assert } from "node:assert";
import { Parser } from "node-sql-parser";
import type { ProgramRun, Registration } from "../../offline/recorder";
import { exampleConfig, ofType, runProgram } from "../helpers/program";

/**
 * The attributes each inventory type has, copied from AWS's "Metadata collected by inventory"
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/inventory-schema.html).
 */
const documentedAttributes: Record<string, string[]> = {
    "AWS:InstanceInformation": [
        "AgentType",
        "AgentVersion",
        "ComputerName",
        "InstanceId",
        "IpAddress",
        "PlatformName",
        "PlatformType",
        "PlatformVersion",
        "ResourceType",
        "AgentStatus",
        "InstanceStatus",
    ],
    "AWS:Application": [
        "Name",
        "ApplicationType",
        "Publisher",
        "Version",
        "Release",
        "Epoch",
        "InstalledTime",
        "Architecture",
        "URL",
        "Summary",
        "PackageId",
    ],
    "AWS:Network": ["Name", "SubnetMask", "Gateway", "DHCPServer", "DNSServer", "MacAddress", "IPV4", "IPV6"],
};

/**
 * Keys the resource data sync adds to every line, as in a real AWS:Application object (the seed
 * write-up's sample: `"resourceId": "i-0ac4…", "captureTime": "2023-01-10T02:39:10Z", "schemaVersion": "1.1"`;
 * CaptureTime and SchemaVersion are InventoryItem fields,
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_InventoryItem.html).
 */
const syncAddedKeys = ["resourceId", "captureTime", "schemaVersion"];

/**
 * The key layout a SyncToDestination sync writes
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/inventory-resource-data-sync.html):
 * `<prefix>/<type>/accountid=<id>/region=<region>/resourcetype=ManagedInstanceInventory/<node>.json`.
 */
function syncedObjectKey(prefix: string, type: string, account: string, region: string, node: string): string {
    return `${prefix}/${type}/accountid=${account}/region=${region}/resourcetype=ManagedInstanceInventory/${node}.json`;
}

interface PlannedTable {
    name: string;
    columns: string[];
    partitionKeys: string[];
    parameters: Record<string, string>;
}

function tablesOf(run: ProgramRun): PlannedTable[] {
    return ofType(run, "aws:glue/catalogTable:CatalogTable").map((table: Registration) => ({
        name: table.inputs.name as string,
        columns: ((table.inputs.storageDescriptor as { columns: { name: string }[] }).columns ?? []).map((c) => c.name),
        partitionKeys: ((table.inputs.partitionKeys as { name: string }[] | undefined) ?? []).map((k) => k.name),
        parameters: table.inputs.parameters as Record<string, string>,
    }));
}

/** Fills the projection template the way Athena does: each `${column}` by a projected value. */
function projectedLocation(template: string, values: Record<string, string>): string {
    return template.replace(/\$\{(\w+)\}/g, (_, column: string) => {
        const value = values[column];
        if (value === undefined) throw new Error(`the template names ${column}, which has no projected value`);
        return value;
    });
}

describe("inventory Glue tables and named queries, as planned", () => {
    let run: ProgramRun;
    let tables: PlannedTable[];
    const config = exampleConfig("main");
    const inventory = config.inventory as { prefix: string };
    before(async () => {
        run = await runProgram("main", config);
        tables = tablesOf(run);
    });

    it("plans a table per documented inventory type", () => {
        assert.deepEqual(tables.map((t) => t.name).sort(), ["application", "instance_information", "network"]);
    });

    it("no table has a column that is also a partition key (Athena rejects the table)", () => {
        // "Partitioned columns don't exist within the table data itself, so if you use a column name that has
        // the same name as a column in the table itself, you get an error."
        // https://docs.aws.amazon.com/athena/latest/ug/alter-table-add-partition.html
        for (const table of tables) {
            const clashes = table.columns.filter((column) => table.partitionKeys.includes(column));
            assert.deepEqual(clashes, [], `${table.name}: ${clashes.join(", ")} is both a column and a partition key`);
            assert.equal(new Set(table.columns).size, table.columns.length, `${table.name} repeats a column`);
        }
    });

    it("columns are exactly the documented attributes plus the keys the sync adds", () => {
        for (const table of tables) {
            const type = /\/(AWS:[A-Za-z]+)\/accountid=/.exec(table.parameters["storage.location.template"])?.[1] ?? "";
            const documented = documentedAttributes[type];
            assert.ok(documented, `${table.name} reads ${type}, which the schema page does not document`);
            const expected = [...documented, ...syncAddedKeys].map((key) => key.toLowerCase()).sort();
            assert.deepEqual([...table.columns].sort(), expected, table.name);
        }
    });

    it("the projection template reaches exactly the objects the sync writes, with a placeholder per partition column", () => {
        const accounts = (config.members as { accountId: string }[]).map((m) => m.accountId);
        for (const table of tables) {
            const template = table.parameters["storage.location.template"];
            for (const key of table.partitionKeys) {
                assert.ok(template.includes(`\${${key}}`), `${table.name}: no placeholder for partition column ${key}`);
                assert.equal(table.parameters[`projection.${key}.type`], "enum");
            }
            const type = /\/(AWS:[A-Za-z]+)\/accountid=/.exec(template)?.[1] ?? "";
            const location = projectedLocation(template, { accountid: accounts[0], region: "us-east-1" });
            const objectKey = syncedObjectKey(inventory.prefix, type, accounts[0], "us-east-1", "i-0ac46e13720305980");
            assert.ok(
                `s3://${location.split("/")[2]}/${objectKey}`.startsWith(`${location}/`),
                `${table.name}: ${objectKey} is not under ${location}`,
            );
        }
    });

    it("every named query parses as Trino (Athena engine 3) SQL and names only columns of its table", () => {
        const parser = new Parser();
        const queries = ofType(run, "aws:athena/namedQuery:NamedQuery");
        assert.ok(queries.length >= 3);
        for (const query of queries) {
            const sql = query.inputs.query as string;
            const options = { database: "trino" };
            const ast = parser.astify(sql, options);
            const statements = Array.isArray(ast) ? ast : [ast];
            assert.equal(statements.length, 1, `${query.inputs.name as string} is one statement`);
            const aliases = new Set(
                ((statements[0] as { columns?: { as?: string | null }[] }).columns ?? []).flatMap((c) => (c.as ? [c.as] : [])),
            );
            const tableNames = parser.tableList(sql, options).map((entry) => entry.split("::")[2]);
            assert.equal(tableNames.length, 1, `${query.inputs.name as string} reads one table`);
            const table = tables.find((t) => t.name === tableNames[0]);
            assert.ok(table, `${query.inputs.name as string} reads ${tableNames[0]}, which the plan does not create`);
            const known = new Set([...table.columns, ...table.partitionKeys]);
            const referenced = parser.columnList(sql, options).map((entry) => entry.split("::")[2]);
            assert.ok(referenced.length > 0);
            const unknown = referenced.filter((column) => !known.has(column.toLowerCase()) && !aliases.has(column));
            assert.deepEqual(unknown, [], `${query.inputs.name as string} names columns ${table.name} lacks`);
        }
    });

    it("the parser is strict: it rejects broken SQL and the check catches a column the table lacks", () => {
        const parser = new Parser();
        assert.throws(() => parser.astify("SELECT FROM WHERE", { database: "trino" }));
        const referenced = parser.columnList('SELECT iamrole FROM "db"."instance_information"', { database: "trino" });
        const table = tables.find((t) => t.name === "instance_information");
        assert.ok(referenced.map((e) => e.split("::")[2]).some((column) => !table?.columns.includes(column)));
    });
});
