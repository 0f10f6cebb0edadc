/**
 * Three tiers (vitest projects); `npm test` runs them all, `npm run test:<tier>` one:
 *
 * - unit: pure code and fake ports; every *.test.ts not listed below.
 * - integration: the embedded stack (DuckDB, dynalite, s3rver, the local Step Functions runner, the
 *   local server in-process).
 * - process: what needs processes of its own: the built CLI spawned, `orca serve`, the CDK synth
 *   (esbuild bundling). Its globalSetup builds the CLI once and generates the shared sample data.
 */
import { configDefaults, defineConfig } from 'vitest/config';

const INTEGRATION = [
  'lambdas/adapters/dynamodb-store.test.ts',
  'lambdas/adapters/s3-objects.test.ts',
  'lambdas/api/apigateway.test.ts',
  'lambdas/api/code-campaigns.test.ts',
  'lambdas/entry/entries.test.ts',
  'lambdas/query/compile.test.ts',
  'lambdas/sql/literal.test.ts',
  'runtime/start-failure.test.ts',
  'runtime/server.test.ts',
  'runtime/dynalite.test.ts',
  'cli/doctor.test.ts',
  // Compiles every example four ways and parses each statement with the Trino grammar.
  'test/athena-statements.test.ts',
  'test/activities.test.ts',
  'test/api.test.ts',
  'test/run-control.test.ts',
];
const PROCESS = [
  'test/cli.test.ts',
  'test/cli-api.test.ts',
  'test/e2e.test.ts',
  'cdk/orca.test.ts',
  'test/integ/integ.test.ts',
];
/** AWS's documented rules and IAM, on one synthesized stack per worker shared by the files (no isolation). */
const RULES = [
  'cdk/rules/*.test.ts',
  // Simulates every AWS call against the synthesized IAM policies.
  'test/iam.test.ts',
];
const EXCLUDE = [...configDefaults.exclude, 'dist/**', 'cdk.out/**'];

export default defineConfig({
  test: {
    pool: 'forks',
    // Two files at a time on the 2-core reference machine: much of the time is spent waiting on
    // spawned processes, DuckDB threads and timers (vitest's default here would be one).
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    setupFiles: ['./test/setup.ts'],
    coverage: {
      provider: 'v8',
      include: ['{lambdas,statemachines,cli,runtime,sampledata,cdk}/**/*.ts'],
      exclude: ['**/*.test.ts', '**/*.d.ts'],
      reporter: ['text-summary'],
      // A ratchet: just below the figures reached (in-process code only; spawned CLIs are not
      // measured). Raise them with coverage, never lower them.
      thresholds: { statements: 81, branches: 71, functions: 80, lines: 83 },
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: [...EXCLUDE, ...INTEGRATION, ...PROCESS, ...RULES],
          // Unit tests hold no global state: their files share a worker's loaded modules (DuckDB's
          // native module, the planner...) instead of loading them once per file.
          isolate: false,
        },
      },
      { extends: true, test: { name: 'integration', include: INTEGRATION, exclude: EXCLUDE } },
      { extends: true, test: { name: 'process-rules', include: RULES, exclude: EXCLUDE, isolate: false } },
      {
        extends: true,
        test: {
          name: 'process',
          include: PROCESS,
          exclude: EXCLUDE,
          globalSetup: ['./test/helpers/global-build.ts', './test/helpers/global-sample-data.ts'],
        },
      },
    ],
  },
});
