import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SecureBucket } from "../secureBucket";
import { inventoryTables, namedQueries, partitionKeys, projectionParameters } from "./tables";

export interface InventoryQueriesArgs {
    region: string;
    namePrefix: string;
    bucketName: pulumi.Input<string>;
    prefix: string;
    /** Accounts to project, or "injected" (a fleet: the queries name their accounts). */
    accountIds: string[] | "injected";
    regions: string[];
    resultsBucketName: string;
    kmsKeyArn?: pulumi.Input<string>;
    bytesScannedCutoffPerQuery: number;
    resultsExpirationDays: number;
}

/** Glue tables with partition projection over the synced inventory, an Athena workgroup with its own encrypted results, and named queries. */
export class InventoryQueries extends pulumi.ComponentResource {
    readonly database: aws.glue.CatalogDatabase;
    readonly workgroup: aws.athena.Workgroup;

    constructor(name: string, args: InventoryQueriesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("multi-account-ops:inventory:InventoryQueries", name, {}, opts);
        const { region } = args;
        const child = { parent: this };
        const databaseName = `${args.namePrefix.replace(/-/g, "_")}_inventory`;
        this.database = new aws.glue.CatalogDatabase(
            `${name}-database`,
            { region, name: databaseName, description: "SSM Inventory of the organization" },
            child,
        );

        for (const table of inventoryTables) {
            new aws.glue.CatalogTable(
                `${name}-${table.tableName}`,
                {
                    region,
                    databaseName: this.database.name,
                    name: table.tableName,
                    tableType: "EXTERNAL_TABLE",
                    parameters: pulumi
                        .output(args.bucketName)
                        .apply((bucket) => projectionParameters(bucket, args.prefix, table.typeName, args.accountIds, args.regions)),
                    partitionKeys: partitionKeys.map((key) => ({ name: key, type: "string" })),
                    storageDescriptor: {
                        location: pulumi.interpolate`s3://${args.bucketName}/${args.prefix}/${table.typeName}/`,
                        inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
                        outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                        serDeInfo: {
                            serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
                            parameters: { "ignore.malformed.json": "true", "case.insensitive": "true" },
                        },
                        columns: table.columns.map((column) => ({ name: column, type: "string" })),
                    },
                },
                child,
            );
        }

        const results = new SecureBucket(
            `${name}-results`,
            {
                region,
                bucketName: args.resultsBucketName,
                kmsKeyArn: args.kmsKeyArn,
                noncurrentVersionExpirationDays: 1,
                expirationDays: args.resultsExpirationDays,
            },
            child,
        );
        this.workgroup = new aws.athena.Workgroup(
            `${name}-workgroup`,
            {
                region,
                name: `${args.namePrefix}-inventory`,
                description: "Queries over the organization's SSM Inventory",
                forceDestroy: true,
                configuration: {
                    enforceWorkgroupConfiguration: true,
                    publishCloudwatchMetricsEnabled: true,
                    bytesScannedCutoffPerQuery: args.bytesScannedCutoffPerQuery,
                    resultConfiguration: {
                        outputLocation: pulumi.interpolate`s3://${results.bucket.bucket}/results/`,
                        encryptionConfiguration: args.kmsKeyArn
                            ? { encryptionOption: "SSE_KMS", kmsKeyArn: args.kmsKeyArn }
                            : { encryptionOption: "SSE_S3" },
                    },
                },
            },
            child,
        );
        for (const query of namedQueries(databaseName, args.accountIds === "injected")) {
            new aws.athena.NamedQuery(
                `${name}-${query.name}`,
                {
                    region,
                    name: query.name,
                    description: query.description,
                    database: this.database.name,
                    workgroup: this.workgroup.name,
                    query: query.query,
                },
                child,
            );
        }
        this.registerOutputs({ database: this.database.name, workgroup: this.workgroup.name });
    }
}
