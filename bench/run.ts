/**
 * `npm run bench [-- --profiles N]`: the repository's benchmarks. Each prints its figures; the
 * last line is the campaign benchmark's summary:
 *   bench profiles=N total_s=X raw_s=Y ratio=Z
 */
import '../lambdas/util/polyfills.js';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { Command } from 'commander';
import { packageRoot } from '../cli/paths.js';
import { positiveInt } from '../cli/options.js';
import { benchValidation } from './validation.js';
import { benchCampaign, benchOverhead } from './campaign.js';
import { benchSend, benchThrottle } from './channels.js';
import { defaultSendWorkers } from '../runtime/send-workers.js';
import { definitionSizeOf } from './large-campaign.js';
import { benchPrepare } from './prepare.js';
import { benchImport } from './import.js';
import { loadCatalog } from '../lambdas/catalog/catalog.js';
import { validateCampaign } from '../statemachines/validate.js';
import { compileCampaign, MAX_DEFINITION_BYTES } from '../statemachines/compile.js';

const program = new Command()
  .name('npm run bench --')
  .description('run the benchmarks and print their figures')
  .option('--profiles <n>', 'profiles for the campaign benchmark', positiveInt('--profiles'), 1_000_000)
  .option('--data <dir>', 'where generated data is kept between runs (default: bench-data/ in the repository)')
  .option('--threads <n>', 'DuckDB threads', positiveInt('--threads'), 2)
  .option('--memory-limit <size>', 'DuckDB memory limit', '4GB')
  .option(
    '--only <name>',
    'one benchmark: cli, validation, asl, synth, overhead, prepare, send, throttle, import or campaign',
  )
  .option('--emails <n>', 'emails for the send benchmark', positiveInt('--emails'), 100_000)
  .option('--send-workers <n>', 'send worker threads (0: in the main thread)', (v) => Number(v), defaultSendWorkers())
  .parse(process.argv);
const opts = program.opts<{
  profiles: number;
  data?: string;
  threads: number;
  memoryLimit: string;
  only?: string;
  emails: number;
  sendWorkers: number;
}>();
const root = packageRoot();
const dataBase = resolve(opts.data ?? join(root, 'bench-data'));
const log = (s: string) => console.log(s);
const want = (name: string) => !opts.only || opts.only === name;

if (want('cli')) {
  // How long `orca --help` takes to answer, as a user types it (a new Node process each time).
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const r = spawnSync(process.execPath, [join(root, 'bin/orca.js'), '--help'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`orca --help failed:\n${r.stderr}`);
    times.push(performance.now() - started);
  }
  const median = times.sort((a, b) => a - b)[2]!;
  log(`orca --help: median ${median.toFixed(0)} ms of 5 runs (floor: 300 ms)`);
  log(`bench cli help_median_ms=${median.toFixed(0)}`);
}
if (want('validation')) {
  const v = benchValidation(root);
  log(
    `validation of a ${v.activities}-activity campaign, every query compiled: median ${v.medianMs.toFixed(1)} ms, worst ${v.maxMs.toFixed(1)} ms (floor: 200 ms)`,
  );
  log(`bench validation activities=${v.activities} median_ms=${v.medianMs.toFixed(1)} max_ms=${v.maxMs.toFixed(1)}`);
}
if (want('asl')) {
  // The size of the state machine of a 500-activity campaign, against Step Functions' 1 MB limit.
  const catalog = loadCatalog(join(root, 'examples/catalog.yaml'));
  const size = definitionSizeOf(500, (doc) => {
    const v = validateCampaign(doc, catalog);
    if (!v.valid) throw new Error(`the benchmark campaign is invalid: ${JSON.stringify(v.errors.slice(0, 3))}`);
    return compileCampaign(v.analysis!, { maxDefinitionBytes: Number.POSITIVE_INFINITY });
  });
  log(
    `state machine of a ${size.activities}-activity campaign: ${(size.bytes / 1024).toFixed(0)} KB (limit: ${MAX_DEFINITION_BYTES / 1024} KB)`,
  );
  log(`bench asl activities=${size.activities} definition_bytes=${size.bytes} limit_bytes=${MAX_DEFINITION_BYTES}`);
}
if (want('synth')) {
  // The whole stack with the example campaigns, as `npx cdk synth` does it (bundling included).
  const started = performance.now();
  const r = spawnSync('npx', ['cdk', 'synth', '--no-notices', '-q'], {
    cwd: root,
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
    encoding: 'utf8',
  });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`cdk synth failed:\n${r.stderr}`);
  log(`cdk synth of the stack with the example campaigns: ${seconds.toFixed(1)} s (floor: 30 s)`);
  log(`bench synth s=${seconds.toFixed(1)}`);
}
if (want('overhead')) {
  const o = await benchOverhead({
    root,
    profiles: 1000,
    dataRoot: join(dataBase, 'p1000'),
    threads: opts.threads,
    memoryLimit: opts.memoryLimit,
    log,
  });
  log(
    `orchestration overhead on 1,000 profiles: ${o.perActivityMs.toFixed(1)} ms per activity (${o.activities} activities; run time minus query time, median of 5 runs; floor: 50 ms)`,
  );
  log(`bench overhead activities=${o.activities} ms_per_activity=${o.perActivityMs.toFixed(1)}`);
}
if (want('prepare')) {
  // A channel's prepare step (message table, exclusions, chunks) for 1M recipients.
  const p = await benchPrepare({
    root,
    dataRoot: join(dataBase, 'prepare'),
    recipients: 1_000_000,
    threads: opts.threads,
    memoryLimit: opts.memoryLimit,
    log,
  });
  log(
    `prepare of an email to 1,000,000 recipients: ${p.seconds.toFixed(2)} s (CPU ${p.cpuSeconds.toFixed(2)} s), ${p.rows.messages ?? 0} messages in ${p.chunks} chunks, ${p.rows.excluded ?? 0} excluded (floor: 5 s)`,
  );
  log(`bench prepare recipients=1000000 s=${p.seconds.toFixed(2)} cpu_s=${p.cpuSeconds.toFixed(2)} chunks=${p.chunks}`);
}
if (want('send')) {
  // Rendered and handed to a real SMTP server through the chunk sender: 20 chunks, 4 at a time
  // (the Map's concurrency), in the send workers (one per core), 8 pooled SMTP connections each.
  const r = await benchSend({
    root,
    dataRoot: join(dataBase, 'channels'),
    log,
    messages: opts.emails,
    chunks: 20,
    parallel: 4,
    workers: opts.sendWorkers,
  });
  log(
    `${r.messages.toLocaleString('en')} emails rendered and handed to a local SMTP server: ${r.seconds.toFixed(1)} s, ${r.perSecond.toFixed(0)} messages/s (floor: 1,000/s)`,
  );
  log(
    `bench send messages=${r.messages} workers=${opts.sendWorkers} load=${loadavg()[0]!.toFixed(2)} s=${r.seconds.toFixed(1)} per_second=${r.perSecond.toFixed(0)} sender_cpu_ms_per_message=${r.senderCpuMs.toFixed(3)} smtp_server_cpu_ms_per_message=${r.serverCpuMs.toFixed(3)}`,
  );
}
if (want('throttle')) {
  // One activity's rate shared by 6 chunks sending at once.
  const r = await benchThrottle({
    root,
    dataRoot: join(dataBase, 'channels'),
    log,
    perSecond: 200,
    seconds: 30,
    chunks: 6,
  });
  log(
    `throttle at ${r.target}/s for ${r.seconds} s across 6 chunks: ${r.measured.toFixed(1)} messages/s measured, at most ${r.maxSecond} in one second (floor: within 10 %)`,
  );
  log(
    `bench throttle target=${r.target} s=${r.seconds} measured=${r.measured.toFixed(1)} max_second=${r.maxSecond} deviation_pct=${((Math.abs(r.measured - r.target) / r.target) * 100).toFixed(1)}`,
  );
}
if (want('import')) {
  const r = await benchImport({
    rows: 1_000_000,
    dataRoot: join(dataBase, 'import'),
    threads: opts.threads,
    memoryLimit: opts.memoryLimit,
    log,
  });
  log(`import job stages: ${r.stages.map((s) => `${s.stage} ${(s.ms / 1000).toFixed(2)} s`).join(', ')}`);
  log(
    `import of a 1M-line CSV as insert-or-update into a 1M-row table: ${r.seconds.toFixed(2)} s (floor: 10 s; CPU ${r.cpuS.toFixed(2)} s), peak RSS ${r.peakMb.toFixed(0)} MB (floor: 2048 MB); ${JSON.stringify(r.counts)}`,
  );
  log(`bench import s=${r.seconds.toFixed(2)} cpu_s=${r.cpuS.toFixed(2)} peak_mb=${r.peakMb.toFixed(0)}`);
}
if (want('campaign')) {
  const r = await benchCampaign({
    root,
    profiles: opts.profiles,
    dataRoot: join(dataBase, `p${opts.profiles}`),
    threads: opts.threads,
    memoryLimit: opts.memoryLimit,
    log,
  });
  log(`peak memory (RSS, orca and the hand-written SQL): ${r.peakMb.toFixed(0)} MB`);
  log(
    `bench profiles=${opts.profiles} total_s=${r.totalS.toFixed(2)} raw_s=${r.rawS.toFixed(2)} ratio=${r.ratio.toFixed(2)}`,
  );
}
