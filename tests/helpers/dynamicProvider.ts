import Module from "node:module";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { projectRoot } from "./program";

interface CompilableModule {
    filename: string;
    paths: string[];
    exports: { handler?: () => pulumi.dynamic.ResourceProvider };
    _compile(code: string, filename: string): void;
}

/**
 * Loads a dynamic resource's serialized provider (its `__provider` input) the way Pulumi's
 * dynamic-provider host does: as a module exporting `handler`, resolving packages from the project.
 */
export function loadSerializedProvider(code: string): pulumi.dynamic.ResourceProvider {
    const filename = path.join(projectRoot, "__serialized_provider__.js");
    const loaded = new Module(filename) as unknown as CompilableModule;
    loaded.filename = filename;
    loaded.paths = (Module as unknown as { _nodeModulePaths(from: string): string[] })._nodeModulePaths(projectRoot);
    loaded._compile(code, filename);
    // Pulumi serializes `() => provider`; its host calls the exported handler to get the provider.
    if (typeof loaded.exports.handler !== "function") throw new Error("the serialized provider exports no handler function");
    return loaded.exports.handler();
}
