/**
 * A program for the kill -9 test (test/crash-recovery.test.ts): in the data folder given, it writes
 * the people table, runs the import job that changes every row and, once its apply stage has
 * written the table's next version (not yet swapped), prints `applied <job id> <next version>` and
 * waits forever, to be killed.
 */
import '../../lambdas/util/polyfills.js';
import { LocalImports } from '../../runtime/local-imports.js';
import { LocalRuntime } from '../../runtime/local-runtime.js';
import { peopleCatalog, preparePeople } from '../fixtures/people-import.js';

const root = process.argv[2]!;
const runtime = await LocalRuntime.open({ dataRoot: root, catalog: peopleCatalog, threads: 1 });
const imports = await LocalImports.open(runtime);
const job = await imports.create(await preparePeople(runtime, root));
await imports.run(job.id, 'test', async (j, stage) => {
  if (stage !== 'apply') return;
  process.stdout.write(`applied ${j.id} ${j.next}\n`);
  await new Promise(() => {});
});
