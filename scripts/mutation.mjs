// npm run test:mutation [-- handlers policies config]: one Stryker run per folder, then the scores.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const all = ["handlers", "policies", "config"];
const folders = process.argv.slice(2).length > 0 ? process.argv.slice(2) : all;
for (const folder of folders) if (!all.includes(folder)) throw new Error(`unknown folder ${folder}; use ${all.join(", ")}`);

let failed = false;
for (const folder of folders) {
    const started = Date.now();
    const run = spawnSync(path.join(root, "node_modules", ".bin", "stryker"), ["run"], {
        cwd: root,
        stdio: "inherit",
        env: { ...process.env, STRYKER_FOLDER: folder },
    });
    console.log(`stryker (${folder}) exited with ${run.status} after ${Math.round((Date.now() - started) / 1000)} s`);
    if (run.status !== 0) failed = true;
}

// Score = (killed + timed out) / (killed + timed out + survived + no coverage), as Stryker defines it:
// https://stryker-mutator.io/docs/mutation-testing-elements/mutant-states-and-metrics/
const detected = new Set(["Killed", "Timeout"]);
const counted = new Set(["Killed", "Timeout", "Survived", "NoCoverage"]);
console.log("\nmutation score per folder, then per file (killed+timeout / valid mutants):");
for (const folder of all) {
    const file = path.join(root, "reports", "mutation", folder, "mutation.json");
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, "utf8"));
    const rows = [];
    let found = 0;
    let total = 0;
    for (const [name, { mutants }] of Object.entries(report.files)) {
        const valid = mutants.filter((m) => counted.has(m.status));
        const killed = valid.filter((m) => detected.has(m.status)).length;
        found += killed;
        total += valid.length;
        rows.push([name, killed, valid.length]);
    }
    const score = (killed, of) => `${((100 * killed) / Math.max(of, 1)).toFixed(1).padStart(5)}% ${killed}/${of}`;
    console.log(`${folder.padEnd(10)} ${score(found, total)}`);
    for (const [name, killed, of] of rows.sort(([a], [b]) => a.localeCompare(b)))
        console.log(`    ${name.padEnd(50)} ${score(killed, of)}`);
}
process.exit(failed ? 1 : 0);
