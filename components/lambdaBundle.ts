import * as path from "node:path";
import * as esbuild from "esbuild";
import * as pulumi from "@pulumi/pulumi";

const projectRoot = path.resolve(__dirname, "..");
const bundles = new Map<string, string>();

/**
 * Bundles a handler (and everything it imports, the AWS SDK included, so its version is pinned)
 * into one CommonJS file. Deterministic: the same sources give the same bytes, so an unchanged
 * handler gives an unchanged asset and no diff.
 */
export function buildBundle(entry: string): string {
    const result = esbuild.buildSync({
        entryPoints: [path.resolve(projectRoot, entry)],
        absWorkingDir: projectRoot,
        bundle: true,
        platform: "node",
        target: "node22",
        format: "cjs",
        write: false,
        sourcemap: false,
        legalComments: "none",
        logLevel: "silent",
        metafile: false,
    });
    return result.outputFiles[0].text;
}

/** The bundle, built once per program run. */
export function bundleHandler(entry: string): string {
    const absolute = path.resolve(projectRoot, entry);
    let code = bundles.get(absolute);
    if (code === undefined) {
        code = buildBundle(entry);
        bundles.set(absolute, code);
    }
    return code;
}

/** The Lambda deployment package: the bundle as `index.js`, so the handler is `index.handler`. */
export function handlerArchive(entry: string): pulumi.asset.AssetArchive {
    return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundleHandler(entry)) });
}
