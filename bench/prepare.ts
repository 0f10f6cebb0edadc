/**
 * The prepare step of an email send to 1M recipients, locally: the planner's prepare SELECT
 * (normalization, exclusions against 20,000 opt-outs and a 200,000-line message log with a
 * frequency cap, message ids, chunks) materialized by the embedded engine into its chunk folders.
 * The inbound population and the lake files are generated first (not timed). Floor: 5 s.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDbEngine } from '../lambdas/adapters/duckdb-engine.js';
import { loadCatalog } from '../lambdas/catalog/catalog.js';
import { planActivity } from '../lambdas/planner.js';
import { email } from '../lambdas/activities/channels.js';
import { population } from '../lambdas/sql/population.js';
import { stringLiteral } from '../lambdas/sql/literal.js';
import { Findings } from '../lambdas/util/issues.js';
import { jsonLines, lakeDay, messageLogKey, optOutKey } from '../lambdas/channels/lake.js';

export interface PrepareBenchOptions {
  root: string;
  dataRoot: string;
  recipients: number;
  threads: number;
  memoryLimit: string;
  log: (s: string) => void;
}

export interface PrepareBenchResult {
  seconds: number;
  /** CPU time of the process during the query (DuckDB's threads are the process's): wall time without the other tenants of the machine is about this over the threads. */
  cpuSeconds: number;
  rows: Record<string, number>;
  chunks: number;
}

const NOW = new Date('2026-12-01T12:00:00Z');

export async function benchPrepare(o: PrepareBenchOptions): Promise<PrepareBenchResult> {
  rmSync(o.dataRoot, { recursive: true, force: true });
  mkdirSync(o.dataRoot, { recursive: true });
  const engine = await DuckDbEngine.open(o.dataRoot, { threads: o.threads, memoryLimit: o.memoryLimit });
  try {
    // The inbound population: 1 in 50 without an address, 1 in 100 invalid, 1 in 200 a duplicate.
    const inbound = 'work/bench/in/mailing';
    mkdirSync(join(o.dataRoot, inbound, 'orca_output=main'), { recursive: true });
    await engine.query(
      `COPY (SELECT i AS id, CASE WHEN i % 50 = 0 THEN NULL WHEN i % 100 = 1 THEN 'not an address' WHEN i % 200 = 3 THEN ' User' || (i - 1) || '@Example.com' ELSE 'user' || i || '@example.com' END AS email, 'Name' || (i % 1000) AS first_name FROM range(1, ${o.recipients + 1}) t(i)) TO ${stringLiteral(join(o.dataRoot, inbound, 'orca_output=main', 'data.parquet'))} (FORMAT PARQUET)`,
    );
    writeLake(o.dataRoot, optOutKey('email', lakeDay(NOW), 'bench'), 20_000, (k) => ({
      address: `user${k * 37}@example.com`,
      channel: 'email',
      reason: k % 3 ? 'unsubscribed' : 'bounced',
      at: NOW.toISOString(),
      campaign_id: 'c',
      run_id: 'r',
      message_id: `m${k}`,
    }));
    for (let d = 0; d < 4; d++) {
      const at = new Date(NOW.getTime() - (d + 1) * 86_400_000).toISOString();
      writeLake(o.dataRoot, messageLogKey('email', lakeDay(at), 'EARLIER', 'mail', d), 50_000, (k) => ({
        message_id: `x${d}-${k}`,
        campaign_id: 'c',
        run_id: 'EARLIER',
        activity_id: 'mail',
        channel: 'email',
        address: `user${k * 11}@example.com`,
        recipient_key: String(k * 11),
        outcome: 'sent',
        reason: null,
        at,
      }));
    }

    const catalog = loadCatalog(join(o.root, 'examples/catalog.yaml'));
    const schema = {
      dimension: 'recipients',
      columns: [
        { name: 'id', type: 'integer' as const },
        { name: 'email', type: 'string' as const },
        { name: 'first_name', type: 'string' as const },
      ],
    };
    const ref = population(schema, { location: inbound, table: 'in', output: 'main', rows: o.recipients });
    const findings = new Findings();
    const activity = email.schema.parse({
      id: 'mail',
      type: 'email',
      from: 'News <news@example.com>',
      subject: 'Hello {{ first_name }}',
      html: '<p>Hi {{ first_name | capitalize }}</p>',
      frequencyCap: { messages: 3, days: 7 },
    });
    const plan = planActivity({
      catalog,
      dialect: engine.dialect,
      campaign: { id: 'bench', dimension: 'recipients', timezone: 'UTC', variables: {} },
      activity,
      inputs: [{ transition: 't', from: 'src', output: 'main', schema, ref }],
      now: NOW,
      report: findings.at('mail', []),
      run: { id: 'BENCHRUN', testMode: false },
    });
    if (findings.errors.length || plan.action.type !== 'send')
      throw new Error(`the benchmark's email does not plan: ${JSON.stringify(findings.errors)}`);
    const target = { location: 'work/bench/BENCHRUN/mail', table: 'mail', chunks: plan.action.chunks };
    await engine.prepareTarget(target);
    const started = performance.now();
    const cpu = process.cpuUsage();
    const done = await engine.execute(engine.materialize(plan.action.sql, target));
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    return { seconds, cpuSeconds: (used.user + used.system) / 1e6, rows: done.rows, chunks: plan.action.chunks };
  } finally {
    engine.close();
  }
}

function writeLake(root: string, key: string, n: number, line: (k: number) => object): void {
  const file = join(root, key);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, jsonLines(Array.from({ length: n }, (_, k) => line(k + 1))));
}
