/**
 * Three tiers (vitest projects); `npm test` runs them all, `npm run test:<tier>` one:
 *
 * - unit: pure code and fake ports; every *.test.ts not listed below.
 * - integration: the embedded stack (DuckDB, dynalite, s3rver, the local Step Functions runner, the
 *   local server in-process).
 * - process: what needs processes of its own: the built CLI spawned, `orca serve`; its globalSetup
 *   builds the CLI once and generates the shared sample data. With it (`npm run test:process`),
 *   process-rules: the CDK app synthesized (esbuild bundling), AWS's rules and the IAM simulation.
 */
import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const INTEGRATION = [
  'runtime/send-workers.test.ts',
  'lambdas/adapters/dynamodb-store.test.ts',
  'lambdas/adapters/dynamodb-report.test.ts',
  'lambdas/adapters/secrets.test.ts',
  'lambdas/adapters/s3-objects.test.ts',
  // A real SMTP server (smtp-server) in-process.
  'lambdas/adapters/smtp-provider.test.ts',
  'lambdas/adapters/dynamodb-ledger.test.ts',
  'lambdas/orchestrator/chunk.test.ts',
  'lambdas/adapters/s3-object-store.test.ts',
  'lambdas/api/apigateway.test.ts',
  'lambdas/api/code-campaigns.test.ts',
  'lambdas/entry/entries.test.ts',
  'lambdas/query/compile.test.ts',
  'lambdas/sql/literal.test.ts',
  // The prepare query on real DuckDB (lake files, chunked materialization) and parsed with the Trino grammar.
  'lambdas/channels/prepare.test.ts',
  'lambdas/channels/chunked.test.ts',
  'runtime/start-failure.test.ts',
  'runtime/local-runtime.test.ts',
  // A channel activity run on the embedded stack (DuckDB, dynalite), confirmed and sent through a fake sender.
  'runtime/send-run.test.ts',
  // Sending for real on the embedded stack: a real SMTP server (smtp-server), the outbox, dynalite, DuckDB.
  'runtime/channels-local.test.ts',
  // Import jobs end to end: dynalite, DuckDB and the local Step Functions runner.
  'runtime/local-imports.test.ts',
  // Update data activities in campaigns on the embedded stack: dynalite, DuckDB, the local runner.
  'runtime/update-data-run.test.ts',
  // Export jobs end to end: dynalite, DuckDB and the local Step Functions runner.
  'runtime/local-exports.test.ts',
  // orca export in-process: the embedded runtime opened by each command.
  'cli/export.test.ts',
  // Import jobs through the API on the local server (dynalite, DuckDB, uploads, FIFO-held stages).
  'test/jobs-api.test.ts',
  // orca import and export --endpoint in-process against a local server (and a fake API for S3's refusals).
  'test/cli-remote-jobs.test.ts',
  'test/cli-remote-export.test.ts',
  'runtime/server.test.ts',
  'runtime/console-serving.test.ts',
  'runtime/dynalite.test.ts',
  'cli/doctor.test.ts',
  // Compiles every example four ways and parses each statement with the Trino grammar.
  'test/athena-statements.test.ts',
  'test/activities.test.ts',
  'test/activity-pairs.test.ts',
  'test/api.test.ts',
  'test/run-control.test.ts',
  // The CLI against the router on a loopback HTTP server (fake ports).
  'test/cli-commands.test.ts',
  'test/cli-report.test.ts',
  // Tickets' uploads and downloads against a loopback HTTP server.
  'cli/transfer.test.ts',
];
const PROCESS = [
  // The built CLI spawned (one process per behaviour that is about a process), `orca serve`.
  'test/cli.test.ts',
  'test/cli-api.test.ts',
  // The job commands spawned against a local server: pause and resume from another process.
  'test/cli-jobs.test.ts',
  'test/e2e.test.ts',
  'test/crash-recovery.test.ts',
  // The web console in headless Chromium, against the local server (in-process).
  'test/console.test.ts',
];
/**
 * The CDK app: the stack's tests, AWS's documented rules and IAM, the integ snapshot, on one
 * synthesized stack per worker shared by the files (no isolation: aws-cdk-lib is loaded once).
 */
const RULES = [
  'cdk/orca.test.ts',
  'cdk/rules/*.test.ts',
  'test/integ/integ.test.ts',
  // Simulates every AWS call against the synthesized IAM policies.
  'test/iam.test.ts',
];
const EXCLUDE = [...configDefaults.exclude, 'dist/**', 'cdk.out/**'];

/**
 * The files that take longest (wall time on the 2-core machine), longest first. The two workers take
 * files in queue order, so the long ones start first and the many short unit files even out the end.
 */
const SLOWEST = [
  'cdk/orca.test.ts',
  'test/iam.test.ts',
  'test/run-control.test.ts',
  'test/activities.test.ts',
  'test/cli-api.test.ts',
  // The job commands spawned against a local server: pause and resume from another process.
  'test/cli-jobs.test.ts',
  'test/e2e.test.ts',
  'test/console.test.ts',
  'lambdas/sql/literal.test.ts',
  'statemachines/compile.test.ts',
  'test/athena-statements.test.ts',
  'test/cli.test.ts',
  'test/api.test.ts',
  'lambdas/adapters/s3-objects.test.ts',
];

/**
 * Files of a non-isolated project that leave state behind (cli/doctor.test.ts keeps its
 * aws-sdk-client-mock stubs of the Athena, Glue and S3 clients): last of their project, so that no
 * other file runs after them in that worker.
 */
const LEAVE_STATE = ['cli/doctor.test.ts'];

/**
 * The process file that starts alongside the first CDK file, on the other worker, so that one worker
 * takes all the CDK files one after the other: a second CDK worker would load aws-cdk-lib and
 * synthesize the stack again (about 11 s of CPU). The longest process file: the CDK files are done
 * about when it is (if it ends first, its worker takes CDK files too, as without it).
 */
const ALONGSIDE_CDK = 'test/console.test.ts';

/**
 * The same order on every machine (vitest's default order reads its results cache, which CI lacks):
 * one project after the other (a non-isolated worker, which keeps its loaded modules, aws-cdk-lib
 * and the synthesized stack..., is reused only for the next file of its project): the CDK project,
 * the processes, the integration files, the unit files last; within each, SLOWEST first, then the
 * larger files, the files in another environment than node last; ALONGSIDE_CDK second.
 */
class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const block = (f: TestSpecification) => ['process-rules', 'process', 'integration', 'unit'].indexOf(f.project.name);
    const rank = (f: TestSpecification) => {
      const file = relative(this.ctx.config.root, f.moduleId);
      // A file in another environment (jsdom) runs in a worker of its own: before it, a worker's
      // node files would end there, and the files after it load their modules again in a new worker.
      if (/@vitest-environment /.test(readFileSync(f.moduleId, 'utf8').slice(0, 500))) return SLOWEST.length + 2;
      if (LEAVE_STATE.includes(file)) return SLOWEST.length + 1;
      const i = SLOWEST.indexOf(file);
      return i === -1 ? SLOWEST.length : i;
    };
    const size = (f: TestSpecification) => statSync(f.moduleId).size;
    const sorted = [...files].sort((a, b) => block(a) - block(b) || rank(a) - rank(b) || size(b) - size(a));
    const alongside = sorted.findIndex((f) => relative(this.ctx.config.root, f.moduleId) === ALONGSIDE_CDK);
    if (alongside > 1 && sorted[0]?.project.name === 'process-rules')
      sorted.splice(1, 0, ...sorted.splice(alongside, 1));
    return sorted;
  }
}

export default defineConfig({
  test: {
    pool: 'forks',
    // Two files at a time on the 2-core reference machine: much of the time is spent waiting on
    // spawned processes, DuckDB threads and timers (vitest's default here would be one).
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    setupFiles: ['./test/setup.ts'],
    // The tests' runtimes send in process: a send worker under tsx compiles the sender's modules
    // (seconds); runtime/send-workers.test.ts runs the worker path.
    env: { ORCA_SEND_WORKERS: '0' },
    sequence: { sequencer: SlowestFirst },
    coverage: {
      provider: 'v8',
      include: ['{lambdas,statemachines,cli,runtime,sampledata,cdk}/**/*.ts'],
      exclude: ['**/*.test.ts', '**/*.d.ts'],
      reporter: ['text-summary'],
      // A ratchet: just below the figures reached (in-process code only; spawned CLIs are not
      // measured). Raise them with coverage, never lower them.
      thresholds: { statements: 90, branches: 80, functions: 91, lines: 92 },
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
      // The integration files start and stop what they use (servers, runtimes, mocks, environment)
      // around their tests: they share a worker's loaded modules too (see LEAVE_STATE).
      { extends: true, test: { name: 'integration', include: INTEGRATION, exclude: EXCLUDE, isolate: false } },
      // The stack deploys the web console's build (dist/console): built first when missing or stale.
      {
        extends: true,
        test: {
          name: 'process-rules',
          include: RULES,
          exclude: EXCLUDE,
          isolate: false,
          globalSetup: ['./test/helpers/global-console.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'process',
          include: PROCESS,
          exclude: EXCLUDE,
          globalSetup: [
            './test/helpers/global-build.ts',
            './test/helpers/global-sample-data.ts',
            './test/helpers/global-console.ts',
          ],
        },
      },
    ],
  },
});
