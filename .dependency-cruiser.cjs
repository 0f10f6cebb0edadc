/**
 * orca's layers, checked by `npm run deps` (dependency-cruiser). README.md's "Project layout" says the same in prose.
 * Layer rules apply to non-test code: a test may import whatever it exercises.
 */
const CORE = '^lambdas/(activities|channels|query|sql|catalog|util|imports)/|^lambdas/(layout|planner)\\.ts$';
const TEST = '(^test/|\\.test\\.ts$)';
const nonTest = (path) => ({ path, pathNot: TEST });

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-is-independent',
      comment:
        'The core (activities, query modeler, SQL, catalog, util, layout, planner) imports nothing of the model, ' +
        'the orchestrator, handlers, ports, adapters, API, entry points, runtime, CLI or CDK app.',
      severity: 'error',
      from: nonTest(CORE),
      to: {
        path: '^(lambdas/(orchestrator|handlers|ports|adapters|api|entry)|statemachines|runtime|cli|cdk|bench|sampledata)/',
      },
    },
    {
      name: 'model-imports-core',
      comment:
        'The campaign model, its validation and the compiler (statemachines/) import only the core and each other.',
      severity: 'error',
      from: nonTest('^statemachines/'),
      to: { path: '^(lambdas|runtime|cli|cdk|bench|sampledata)/', pathNot: CORE },
    },
    {
      name: 'ports-import-core-and-model',
      comment:
        'The ports (what the handlers need) import only the core and the model, for their types ' +
        '(the store keeps campaigns and runs in the statuses of the life cycle).',
      severity: 'error',
      from: nonTest('^lambdas/ports/'),
      to: { path: '^(lambdas|runtime|cli|cdk|bench|sampledata)/', pathNot: `${CORE}|^lambdas/ports/` },
    },
    {
      name: 'orchestrator-uses-ports',
      comment:
        'The orchestrator imports the core, the model and the ports: never adapters, entry points, the API, ' +
        'the runtime, the CLI or the CDK app.',
      severity: 'error',
      from: nonTest('^lambdas/orchestrator/'),
      to: { path: '^(lambdas/(adapters|entry|api)|runtime|cli|cdk)/' },
    },
    {
      name: 'adapters-not-entry',
      comment: 'Entry points choose the adapters; an adapter never imports an entry point.',
      severity: 'error',
      from: nonTest('^lambdas/adapters/'),
      to: { path: '^lambdas/entry/' },
    },
    {
      name: 'lambdas-not-cli-runtime-cdk',
      comment: 'What the Lambda functions run imports no CLI, embedded runtime or CDK code.',
      severity: 'error',
      from: nonTest('^lambdas/'),
      to: { path: '^(cli|runtime|cdk)/' },
    },
    {
      name: 'cdk-not-cli',
      comment: 'The CDK app imports no CLI code.',
      severity: 'error',
      from: nonTest('^cdk/'),
      to: { path: '^(cli|runtime)/' },
    },
    {
      name: 'runtime-not-cli-cdk',
      comment: 'The embedded runtime may import lambdas/ and statemachines/, not the CLI or the CDK app.',
      severity: 'error',
      from: nonTest('^runtime/'),
      to: { path: '^(cli|cdk)/' },
    },
    {
      name: 'cli-not-cdk-internals',
      comment: "The CLI may import everything but the CDK app's internals (cdk/orca.ts is its public entry).",
      severity: 'error',
      from: nonTest('^cli/'),
      to: { path: '^cdk/', pathNot: '^cdk/orca\\.ts$' },
    },
    {
      name: 'console-talks-http-only',
      comment:
        'The web console (console/, bundled for the browser) reaches orca through its HTTP API alone: it imports ' +
        'none of the server code (the campaign JSON Schema excepted).',
      severity: 'error',
      from: { path: '^console/' },
      to: { path: '^(lambdas|statemachines|runtime|cli|cdk|bench|sampledata|test)/' },
    },
    {
      name: 'not-to-test',
      comment: 'Non-test code never imports test code (test/, *.test.ts).',
      severity: 'error',
      from: { pathNot: TEST },
      to: { path: TEST },
    },
    {
      name: 'no-dev-deps-outside-tests',
      comment: 'devDependencies are for the tests and the tools; what ships imports dependencies only.',
      severity: 'error',
      // The console's packages are devDependencies: Vite bundles them into dist/console at build time.
      from: { pathNot: `${TEST}|^console/` },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular',
      comment: 'No circular dependencies between modules.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-orphans',
      comment: 'A module that imports nothing and that nothing imports is dead code (type declarations excepted).',
      severity: 'error',
      from: { orphan: true, pathNot: '\\.d\\.ts$' },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves (to a file or an installed package).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|cdk\\.out|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
