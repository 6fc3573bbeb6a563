import { strict as assert } from "node:assert";
import { inventoryTables } from "../../components/inventory/tables";

/**
 * Real inventory objects, one per type, as the resource data sync writes them. AWS:Application is
 * the seed write-up's (both records, one with Epoch); the others follow the documented metadata.
 */
const samples: Record<string, Record<string, string>[]> = {
    "AWS:Application": [
        {
            ApplicationType: "System Environment/Libraries",
            InstalledTime: "2022-12-15T21:53:40Z",
            Architecture: "x86_64",
            Version: "1.0.4",
            Summary: "String library, very low memory overhead, simple to import",
            PackageId: "ustr-1.0.4-16.amzn2.0.3.src.rpm",
            Publisher: "Amazon Linux",
            Release: "16.amzn2.0.3",
            URL: "http://www.and.org/ustr/",
            Name: "ustr",
            resourceId: "i-0ac46e13720305980",
            captureTime: "2023-01-10T02:39:10Z",
            schemaVersion: "1.1",
        },
        {
            ApplicationType: "System Environment/Base",
            InstalledTime: "2022-12-15T21:53:27Z",
            Architecture: "x86_64",
            Version: "2",
            Epoch: "1",
            Summary: "Amazon Linux release files",
            PackageId: "system-release-2-14.amzn2.src.rpm",
            Publisher: "Amazon Linux",
            Release: "14.amzn2",
            URL: "https://amazonlinux.com/",
            Name: "system-release",
            resourceId: "i-0ac46e13720305980",
            captureTime: "2023-01-10T02:39:10Z",
            schemaVersion: "1.1",
        },
    ],
    "AWS:InstanceInformation": [
        {
            AgentType: "amazon-ssm-agent",
            AgentVersion: "3.3.987.0",
            ComputerName: "ip-10-0-2-15.ap-northeast-1.compute.internal",
            InstanceId: "i-0ac46e13720305980",
            InstanceStatus: "Active",
            IpAddress: "10.0.2.15",
            PlatformName: "Amazon Linux",
            PlatformType: "Linux",
            PlatformVersion: "2023",
            ResourceType: "EC2Instance",
            resourceId: "i-0ac46e13720305980",
            captureTime: "2023-01-10T02:39:10Z",
            schemaVersion: "1.0",
        },
    ],
    "AWS:Network": [
        {
            Name: "ens5",
            SubnetMask: "255.255.255.0",
            Gateway: "10.0.2.1",
            DHCPServer: "10.0.2.1",
            DNSServer: "10.0.0.2",
            MacAddress: "06:8e:4c:12:34:56",
            IPV4: "10.0.2.15",
            IPV6: "fe80::48e:4cff:fe12:3456",
            resourceId: "i-0ac46e13720305980",
            captureTime: "2023-01-10T02:39:10Z",
            schemaVersion: "1.0",
        },
    ],
    "AWS:Tag": [
        { Key: "Name", Value: "step-server", resourceId: "i-0ac46e13720305980", captureTime: "2023-01-10T02:39:10Z", schemaVersion: "1.0" },
    ],
};

describe("inventory Glue tables", () => {
    it("cover AWS:InstanceInformation, AWS:Application, AWS:Network and AWS:Tag", () => {
        assert.deepEqual(inventoryTables.map((t) => t.typeName).sort(), Object.keys(samples).sort());
    });
    for (const table of inventoryTables) {
        it(`${table.typeName}: the columns are exactly the keys of real inventory objects`, () => {
            const keys = new Set(samples[table.typeName].flatMap((sample) => Object.keys(sample).map((key) => key.toLowerCase())));
            assert.deepEqual([...table.columns].sort(), [...keys].sort());
        });
    }
});
