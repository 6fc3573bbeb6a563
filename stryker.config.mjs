// Mutation testing, one folder per Stryker run (scripts/mutation.mjs runs them in turn).
// Options: https://stryker-mutator.io/docs/stryker-js/configuration/
// Mocha runner: https://stryker-mutator.io/docs/stryker-js/mocha-runner/
// Stryker 9.x: Stryker 10 needs Node 22, this project supports Node 20.
//
// Each folder runs only its own fast tests. A mutant in code that runs at module load (zod schemas,
// constant tables) is "static": Stryker reruns every test of the run for it
// (https://stryker-mutator.io/docs/mutation-testing-elements/static-mutants/), so a run that also
// held the whole-program tests (components, stacks, wiring: 10-30 s each) would take hours. The
// policies' documents are tested directly in tests/components/*Policies.test.ts and tests/mutation/.
const folders = {
    handlers: {
        mutate: ["handlers/**/*.ts"],
        spec: ["tests/handlers/**/*.test.ts", "tests/mutation/handlers*.test.ts"],
    },
    policies: {
        mutate: ["components/**/policies.ts"],
        spec: ["tests/components/*Policies.test.ts", "tests/mutation/policies*.test.ts"],
    },
    config: {
        mutate: ["stacks/config/**/*.ts"],
        spec: ["tests/stacks/config.test.ts", "tests/mutation/config*.test.ts"],
    },
};
const folder = process.env.STRYKER_FOLDER ?? "handlers";
const selected = folders[folder];
if (!selected) throw new Error(`STRYKER_FOLDER ${folder} is not one of ${Object.keys(folders).join(", ")}`);

export default {
    packageManager: "npm",
    testRunner: "mocha",
    // Runs only the tests that cover a mutant: https://stryker-mutator.io/docs/stryker-js/configuration/#coverageanalysis-string
    coverageAnalysis: "perTest",
    mutate: selected.mutate,
    mochaOptions: {
        // .mocharc.json's requires: ts-node, and the root hooks that also start each worker's moto_server
        // (tests/helpers/workerMoto.ts; a shared server would be reset by another worker's tests).
        config: ".mocharc.json",
        spec: selected.spec,
    },
    // ts-node transpiles only, so no checker plugin: a mutant that would not type-check still runs.
    concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
    timeoutMS: 20000,
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: `reports/mutation/${folder}/index.html` },
    jsonReporter: { fileName: `reports/mutation/${folder}/mutation.json` },
    tempDirName: ".stryker-tmp",
    cleanTempDir: "always",
};
