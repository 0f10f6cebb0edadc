/**
 * Every activity type can follow every output of every activity, Test branches included: for each
 * output of each activity type (written for real by the activity harness on the tiny fixture, or
 * forwarded by the real gate for the flow-control types), a Test forwards it through the real gate
 * and the fake store, then every activity type that accepts an inbound transition is gated after
 * the Test's branch; its SELECT is run on the harness's DuckDB (no "No files found"), a forwarding
 * activity's outbound transition carries the very same population, and a data activity's SQL reads
 * that population's partition. One DuckDB, no stack (integration tier for its ~400 DuckDB statements).
 *
 * A few pairs are not accepted by the activity's documented rules, and each is checked to be refused
 * when validating, with a message (not at run time): Save audience and Change dimension need a
 * targeting dimension; Reconciliation links data without one (file data).
 */
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITIES } from '../lambdas/activities/index.js';
import { gate } from '../lambdas/orchestrator/gate.js';
import { recordActivity } from '../lambdas/orchestrator/record.js';
import type { GateResult, InboundRef } from '../lambdas/orchestrator/types.js';
import type { TransitionRecord } from '../lambdas/ports/store.js';
import { csvToJsonLines } from '../lambdas/sql/csv.js';
import { CSV_COPY_FILE, type DuckDbDialect } from '../lambdas/sql/dialect.js';
import { type Population, schemaOf } from '../lambdas/sql/population.js';
import { type ActivityHarness, openActivityHarness } from './helpers/activity-harness.js';
import { type Fakes, fakeDeps, RecordingEngine } from './helpers/fakes/index.js';
import { gateEvent, RUN_ID, recordEvent, seedRun } from './helpers/fakes/events.js';

/** The recording engine, planning with the harness's dialect so that the SQL reads the harness's files. */
class HarnessEngine extends RecordingEngine {
  constructor(override readonly dialect: DuckDbDialect) {
    super();
  }
}

type Def = Record<string, unknown>;
interface Source {
  name: string;
  population: Population;
}

let h: ActivityHarness;
const sources: Source[] = [];

/** A fresh fake run whose store holds `records` (transitions already recorded). */
async function fakeRun(records: TransitionRecord[]): Promise<Fakes> {
  const f = fakeDeps();
  f.deps.engine = new HarnessEngine(h.dialect);
  const flow = { f: 'fork', w: 'wait', a: 'alert', j: 'andJoin', b: 'test', d: 'test', t: 'test' };
  const activities = [
    ...Object.entries(flow).map(([id, type]) => ({ id, type })),
    ...[...ACTIVITIES.keys()].map((type) => ({ id: `x_${type}`, type })),
  ];
  await seedRun(f.store, { activities });
  await f.store.putTransitions(RUN_ID, records);
  return f;
}

const carried = (transition: string, from: string, population: Population, output = 'main'): TransitionRecord => ({
  transitionId: transition,
  from,
  output,
  to: 'next',
  active: true,
  population,
  at: '2026-11-22T12:00:00.000Z',
});

const inboundOf = (transition: string, from: string, p: Population, output = 'main'): InboundRef => ({
  transition,
  from,
  output,
  schema: schemaOf(p),
});

/** Gates an activity as the state machine would (a wait is then recorded); answers what it left in the store. */
async function gated(
  f: Fakes,
  def: Def,
  inbound: InboundRef[],
  outputs: string[],
): Promise<{ result: GateResult; out: Map<string, TransitionRecord> }> {
  const outbound = outputs.map((o) => ({ transition: `${String(def.id)}-${o}`, output: o, to: 'next' }));
  const result = await gate(gateEvent(def, { inbound, outbound }), f.deps);
  if ('parked' in result) throw new Error('parked');
  if (result.action === 'wait') await recordActivity(recordEvent(result), f.deps);
  const out = await f.store.getTransitions(
    RUN_ID,
    outbound.map((t) => t.transition),
  );
  return { result, out };
}

/** Prepares the CSV copies a gate asked for, as the embedded engine does. */
async function prepareCsvs(f: Fakes): Promise<void> {
  const engine = f.deps.engine as RecordingEngine;
  for (const csv of engine.csvs.splice(0)) {
    mkdirSync(join(h.db.dir, csv.copy), { recursive: true });
    await pipeline(
      Readable.from(csvToJsonLines(createReadStream(join(h.db.dir, csv.location)), csv)),
      createWriteStream(join(h.db.dir, csv.copy, CSV_COPY_FILE)),
    );
  }
}

/** Runs gated SELECTs on the harness's DuckDB, all in one statement; one by one to name the pair that fails. */
async function runSelects(queries: Array<{ what: string; select: string }>): Promise<void> {
  const count = (q: string, i: number) => `(SELECT count(*) FROM (\n${q}\n) AS q${i}) AS c${i}`;
  try {
    await h.db.db.run(`SELECT ${queries.map((q, i) => count(q.select, i)).join(',\n')}`);
  } catch {
    for (const q of queries) await expect(h.db.db.run(`SELECT ${count(q.select, 0)}`), q.what).resolves.toBeDefined();
  }
}

const key = (p: Population) => p.columns[0]!.name;
const file = () => h.file('pairs.csv', 'email,score\nann@x.com,1\nnobody@z.com,x\n');

/** The settings of each activity type that accepts an inbound transition, for a population; why not, if it cannot follow it. */
function target(
  type: string,
  p: Population,
): { def: Def; outputs: string[]; second?: boolean } | { refused: string; def: Def } {
  const id = `x_${type}`;
  switch (type) {
    case 'buildAudience':
    case 'incrementalQuery':
      return { def: { id, type }, outputs: ['main'] };
    case 'readAudience':
      return { def: { id, type, audience: 'pairs' }, outputs: ['main'] };
    case 'loadFile':
      return { def: { id, type, file: file(), columns: [{ name: 'email' }] }, outputs: ['main', 'rejects'] };
    case 'changeDimension':
      if (p.dimension === 'recipients')
        return { def: { id, type, dimension: 'purchases', link: 'purchases' }, outputs: ['main'] };
      if (p.dimension === 'purchases')
        return { def: { id, type, dimension: 'recipients', link: 'recipient' }, outputs: ['main'] };
      return {
        refused: 'the inbound population has no dimension (it comes from a file); use Reconciliation first',
        def: { id, type, dimension: 'purchases', link: 'purchases' },
      };
    case 'combine':
      return p.dimension
        ? { def: { id, type, operation: 'union' }, outputs: ['main'], second: true }
        : { def: { id, type, operation: 'intersection', on: [key(p)] }, outputs: ['main'], second: true };
    case 'deduplication':
      return { def: { id, type, fields: [key(p)] }, outputs: ['main'] };
    case 'enrichment':
      return { def: { id, type, expressions: [{ expression: '1', as: 'pair_one' }] }, outputs: ['main'] };
    case 'reconciliation':
      if (p.dimension)
        return {
          refused: `the inbound data has a column '${key(p)}', the name of the key of recipients`,
          def: { id, type, rules: [{ source: 'email', destination: 'email' }] },
        };
      return {
        def: { id, type, rules: [{ source: p.columns.find((c) => c.type === 'string')!.name, destination: 'email' }] },
        outputs: ['main'],
      };
    case 'split':
      return { def: { id, type, subsets: [{ id: 'all' }] }, outputs: ['all'] };
    case 'saveAudience':
      if (!p.dimension)
        return {
          refused: 'only a population with a targeting dimension can be saved as an audience',
          def: { id, type, audience: 'pairs-save' },
        };
      return { def: { id, type, audience: 'pairs-save' }, outputs: ['main'] };
    case 'updateData': {
      // The population's columns of the same name fill the table's: its key, or a file's email.
      const def = {
        id,
        type,
        operation: 'update',
        table: p.dimension ?? 'recipients',
        key: p.dimension ? key(p) : 'email',
      };
      if (!p.dimension && !p.columns.some((c) => c.name === 'email'))
        return { refused: 'no column of the population is a column of recipients', def };
      return { def, outputs: ['main'] };
    }
    case 'fork':
      return { def: { id, type }, outputs: ['main'] };
    case 'andJoin':
      return { def: { id, type, primary: 't-some' }, outputs: ['main'], second: true };
    case 'wait':
      return { def: { id, type, duration: { value: 1, unit: 'seconds' } }, outputs: ['main'] };
    case 'test':
      return {
        def: { id, type, branches: [{ id: 'b', when: { population: 'greaterOrEqual', value: 0 } }] },
        outputs: ['b'],
      };
    case 'alert':
      return { def: { id, type, title: 'T', message: 'M' }, outputs: ['main'] };
    case 'end':
      return { def: { id, type }, outputs: [] };
    default:
      throw new Error(`no settings for ${type}`);
  }
}

beforeAll(async () => {
  h = await openActivityHarness();
  const people = await h.population([1, 2, 3, 4, 5, 6]);
  const fileData = await h.population([{ email: 'ann@x.com' }, { email: 'zz@z.org' }], {
    dimension: null,
    columns: [{ name: 'email', type: 'string' }],
  });
  const run = async (def: Def, options: Parameters<ActivityHarness['run']>[1] = {}) => {
    // Each source writes under its own folder (work/test/RUN/<id>).
    const r = await h.run({ ...def, id: `s${sources.length}` }, options);
    // The outputs transitions may leave from (Update data's query also writes its counts and the table's next version).
    const module = ACTIVITIES.get(String(def.type))!;
    const outputs = module.outputs(module.schema.parse({ ...def, id: 's' }));
    for (const o of Object.keys(r.plan.outputs).filter((x) => outputs.includes(x)))
      sources.push({ name: `${String(def.type)}.${o}`, population: r.population(o) });
  };
  const fr = { attribute: 'country', operator: 'equal', value: 'FR' };
  await run({ id: 's', type: 'buildAudience', query: fr });
  await run({ id: 's', type: 'readAudience', audience: 'a' }, { state: { audience: await h.population([1, 2]) } });
  await run({ id: 's', type: 'incrementalQuery' }, { state: { history: [] } });
  await run(
    { id: 's', type: 'changeDimension', dimension: 'purchases', link: 'purchases', generateComplement: true },
    { inputs: [await h.population([1, 2, 3, 4])] },
  );
  await run(
    { id: 's', type: 'combine', operation: 'intersection', generateComplement: true },
    { inputs: [await h.population([1, 2, 3]), await h.population([1, 4])] },
  );
  await run({ id: 's', type: 'deduplication', fields: ['country'], generateComplement: true }, { inputs: [people] });
  await run({ id: 's', type: 'enrichment', attributes: ['email'] }, { inputs: [people] });
  await run({
    id: 's',
    type: 'loadFile',
    file: file(),
    columns: [{ name: 'email' }, { name: 'score', type: 'integer' }],
  });
  await run(
    { id: 's', type: 'reconciliation', rules: [{ source: 'email', destination: 'email' }], generateComplement: true },
    { inputs: [fileData] },
  );
  await run(
    { id: 's', type: 'split', subsets: [{ id: 'fr', filter: fr }], generateComplement: true },
    { inputs: [people] },
  );
  await run(
    { id: 's', type: 'split', subsets: [{ id: 'fr', filter: fr }], segmentColumn: 'seg' },
    { inputs: [people] },
  );
  await run({ id: 's', type: 'saveAudience', audience: 'src' }, { inputs: [people] });
  await run({ id: 's', type: 'updateData', table: 'recipients', operation: 'update', key: 'id' }, { inputs: [people] });
  // The flow-control types forward what they receive, through the real gate.
  const flow: Array<[Def, string[]]> = [
    [{ id: 'f', type: 'fork' }, ['main']],
    [{ id: 'w', type: 'wait', duration: { value: 1, unit: 'seconds' } }, ['main']],
    [{ id: 'a', type: 'alert', title: 'T', message: 'M' }, ['main']],
    [{ id: 'j', type: 'andJoin', primary: 'in2' }, ['main']],
    [{ id: 'b', type: 'test', branches: [{ id: 'yes', when: { population: 'greater', value: 0 } }] }, ['yes']],
    [
      { id: 'd', type: 'test', branches: [{ id: 'no', when: { population: 'greater', value: 99 } }], default: true },
      ['default'],
    ],
  ];
  for (const [def, outputs] of flow) {
    const f = await fakeRun([carried('in', 'src', people), carried('in2', 'src2', people)]);
    const inbound = [
      inboundOf('in', 'src', people),
      ...(def.type === 'andJoin' ? [inboundOf('in2', 'src2', people)] : []),
    ];
    const { out } = await gated(f, def, inbound, outputs);
    for (const o of outputs)
      sources.push({ name: `${String(def.type)}.${o}`, population: out.get(`${String(def.id)}-${o}`)!.population! });
  }
});
afterAll(() => h.close());

describe('every activity type after every output of every activity, through a Test branch', () => {
  it('has every output of every activity type that runs, each with rows', () => {
    const produced = new Set(sources.map((s) => s.name.split('.')[0]));
    const running = [...ACTIVITIES.values()].filter((m) => m.category !== 'channel');
    expect(running.map((m) => m.type).filter((t) => t !== 'end' && !produced.has(t))).toEqual([]);
    for (const s of sources) expect(s.population.rows, s.name).toBeGreaterThan(0);
  });

  it('each pair finds its population', async () => {
    const targets = [...ACTIVITIES.values()].filter((m) => m.inbound.max >= 1 && m.category !== 'channel');
    let pairs = 0;
    const audience = {
      name: 'pairs',
      campaignId: 'camp',
      runId: 'EARLIER',
      savedAt: '2026-11-21T12:00:00.000Z',
      population: { ...(await h.population([1, 2])), dimension: 'recipients' },
    };
    for (const s of sources) {
      const p = s.population;
      // The Test forwards the source's population on its branch: the same rows, where they were written.
      const f = await fakeRun([carried('src-out', 'src', p), carried('other', 'src2', p)]);
      const branches = [{ id: 'some', when: { population: 'greater', value: 0 } }];
      const { out } = await gated(
        f,
        { id: 't', type: 'test', branches, default: true },
        [inboundOf('src-out', 'src', p)],
        ['some', 'default'],
      );
      const branch = out.get('t-some')!;
      expect(branch, s.name).toMatchObject({ active: true, population: p });
      expect(out.get('t-default')?.active, s.name).toBe(false);
      await f.store.putTransitions(RUN_ID, [{ ...branch, transitionId: 't-some' }]);
      const queries: Array<{ what: string; select: string }> = [];
      for (const m of targets) {
        const t = target(m.type, p);
        const what = `${s.name} -> test -> ${m.type}`;
        const inbound = [
          inboundOf('t-some', 't', p, 'some'),
          ...('second' in t && t.second ? [inboundOf('other', 'src2', p)] : []),
        ];
        if ('refused' in t) {
          // Refused by the activity's rules, with a message, before anything runs.
          const planned = h.plan(t.def, { inputs: [p] });
          expect(planned.messages.join('; '), what).toContain(t.refused);
          continue;
        }
        if (m.type === 'readAudience') await f.store.putAudience(audience);
        const { result, out: after } = await gated(f, t.def, inbound, t.outputs);
        pairs++;
        if (result.action === 'query') {
          await prepareCsvs(f);
          queries.push({ what, select: result.select });
          if (m.usesPopulation) expect(result.select, what).toContain(`${p.location}/orca_output=${p.output}/`);
        } else {
          // Done at once, or after a wait: the outputs carry the population the branch carried.
          for (const o of t.outputs)
            expect(after.get(`${String(t.def.id)}-${o}`), `${what}.${o}`).toMatchObject({
              active: true,
              population: p,
            });
        }
      }
      await runSelects(queries);
    }
    expect(pairs).toBeGreaterThan(300);
  });
});
