/**
 * The chunk step: its files from the manifest, its window and time budget, and ChunkContinue when
 * not done; an MJML email compiled once by the prepared step, rendered from that HTML by every chunk.
 */
import { describe, expect, it } from 'vitest';
import { encodePlan } from '../../statemachines/asl.js';
import { sendConcurrency } from '../../statemachines/compile.js';
import { MemoryStore } from '../../test/helpers/fakes/index.js';
import { ChunkContinue } from '../util/errors.js';
import type { ChunkJob } from './chunk.js';
import { chunkFiles, chunkStep, compiledHtmlKey, preparedStep, sumCounts } from './send.js';
import type { ChannelDeps, Deps, PreparedEvent, RunContext } from './types.js';

describe('chunkFiles', () => {
  it('groups DuckDB partition folders and Athena bucket files by chunk; others are ignored', () => {
    expect(
      chunkFiles(
        [
          'w/a/orca_output=messages/orca_chunk=1/data_0.parquet',
          'w/a/orca_output=messages/orca_chunk=0/data_0.parquet',
          'w/a/orca_output=messages/orca_chunk=1/data_1.parquet',
          'w/a/orca_output=messages/20261122_abc_bucket-00002',
          'w/a/orca_output=messages/orca_chunk=9/data_0.parquet',
        ],
        3,
      ),
    ).toEqual([
      ['w/a/orca_output=messages/orca_chunk=0/data_0.parquet'],
      ['w/a/orca_output=messages/orca_chunk=1/data_0.parquet', 'w/a/orca_output=messages/orca_chunk=1/data_1.parquet'],
      ['w/a/orca_output=messages/20261122_abc_bucket-00002'],
    ]);
  });

  it('sums counts per outcome and sizes concurrency as the design says', () => {
    expect(sumCounts([{ sent: 2, failed: 1 }, { sent: 3 }, {}])).toEqual({ sent: 5, failed: 1 });
    // clamp(floor(perSecond x 600 / 5,000), 1, 40)
    expect([1, 8, 9, 100, 200, 334, 10_000].map(sendConcurrency)).toEqual([1, 1, 1, 12, 24, 40, 40]);
    expect(sendConcurrency(undefined)).toBe(40);
  });
});

describe('chunkStep', () => {
  const run = {
    runId: 'r1',
    campaign: { id: 'news' },
    startedAt: '2026-11-22T10:00:00.000Z',
    testMode: false,
    variables: {},
  } as unknown as RunContext;
  const NOW = Date.parse('2026-11-22T12:00:00.000Z');
  const mail = {
    id: 'mail',
    type: 'email',
    from: 'a@b.co',
    subject: 'Hi',
    text: 'Hi',
    address: 'email',
    sendWithoutConfirmation: false,
    generateOutput: false,
    throttle: { perSecond: 50, windowMinutes: 30 },
  };

  async function setup(
    providerMax?: number,
    activity: Record<string, unknown> = mail,
    files: Record<string, string> = {},
  ) {
    const store = new MemoryStore();
    await store.putPlan('r1', encodePlan({ mail: { activity: activity as never, inbound: [], outbound: [] } }));
    await store.putActivities('r1', [
      { activityId: 'mail', type: 'email', status: 'running', sendingSince: '2026-11-22T11:50:00.000Z' },
    ]);
    const manifest = JSON.stringify({ chunks: [['f0'], ['f1a', 'f1b']] });
    const channels = {
      now: () => NOW,
      providers: { email: { maxPerSecond: async () => providerMax } },
      objects: {
        open: async (key: string) => {
          const body = key === 'work/news/r1/mail/manifest.json' ? manifest : files[key];
          if (body === undefined) throw new Error(`no object ${key}`);
          const b = Buffer.from(body);
          return { byteLength: b.length, slice: async () => b.buffer.slice(b.byteOffset, b.byteOffset + b.length) };
        },
      },
    } as unknown as ChannelDeps;
    return { store, deps: { store, channels } as unknown as Deps };
  }

  it('hands the chunk its files, its window (from when sending started) and its deadline (remaining time - 60 s)', async () => {
    const { deps } = await setup();
    const jobs: ChunkJob[] = [];
    const counts = await chunkStep(
      { step: 'chunk', run, activity: 'mail', chunk: 1, location: 'work/news/r1/mail' },
      deps,
      async (job) => {
        jobs.push(job);
        return { counts: { sent: 2 }, done: true };
      },
      { attempt: 'req-1', remainingMs: 900_000 },
    );
    expect(counts).toEqual({ sent: 2 });
    expect(jobs[0]).toMatchObject({
      campaignId: 'news',
      runId: 'r1',
      channel: 'email',
      chunk: 1,
      files: ['f1a', 'f1b'],
      attempt: 'req-1',
      perSecond: 50,
      // 11:50 + 30 minutes
      windowEndsAt: Date.parse('2026-11-22T12:20:00.000Z'),
      deadline: NOW + 900_000 - 60_000,
    });
  });

  it("caps the activity's rate at its provider's own (SES's max send rate, an origination identity's MPS)", async () => {
    const rate = async (max: number | undefined) => {
      const { deps } = await setup(max);
      let perSecond: number | undefined;
      await chunkStep(
        { step: 'chunk', run, activity: 'mail', chunk: 0, location: 'work/news/r1/mail' },
        deps,
        async (job) => {
          perSecond = job.perSecond;
          return { counts: {}, done: true };
        },
        { attempt: 'req-3', remainingMs: 900_000 },
      );
      return perSecond;
    };
    // throttle.perSecond is 50: a provider at 14/s lowers it, one at 200/s does not raise it.
    expect(await rate(14)).toBe(14);
    expect(await rate(200)).toBe(50);
    expect(await rate(undefined)).toBe(50);
  });

  it('throws Orca.ChunkContinue when the sender stopped at its deadline with messages left', async () => {
    const { deps } = await setup();
    const step = chunkStep(
      { step: 'chunk', run, activity: 'mail', chunk: 0, location: 'work/news/r1/mail' },
      deps,
      async () => ({ counts: { sent: 1_200, failed: 3 }, done: false }),
      { attempt: 'req-2', remainingMs: 120_000 },
    );
    await expect(step).rejects.toThrow(ChunkContinue);
    await expect(step).rejects.toMatchObject({
      name: 'Orca.ChunkContinue',
      message: "activity 'mail' chunk 0: 1,203 messages done before the time budget ended; going on",
    });
  });

  it('renders an MJML email from the HTML the prepared step compiled, never its MJML', async () => {
    const mjml = { ...mail, text: undefined, mjml: '<mjml><mj-body><mj-text>Hi</mj-text></mj-body></mjml>' };
    const compiled = '<!doctype html><p>compiled once</p>';
    const { deps } = await setup(undefined, mjml, { [compiledHtmlKey('work/news/r1/mail')]: compiled });
    const jobs: ChunkJob[] = [];
    await chunkStep(
      { step: 'chunk', run, activity: 'mail', chunk: 0, location: 'work/news/r1/mail' },
      deps,
      async (job) => {
        jobs.push(job);
        return { counts: {}, done: true };
      },
      { attempt: 'req-4', remainingMs: 900_000 },
    );
    expect(jobs[0]!.activity).toMatchObject({ html: compiled, mjml: undefined });
    // Without the compiled HTML (a prepared step that never ran), the chunk fails, naming the file.
    const { deps: bare } = await setup(undefined, mjml);
    await expect(
      chunkStep(
        { step: 'chunk', run, activity: 'mail', chunk: 0, location: 'work/news/r1/mail' },
        bare,
        async () => ({ counts: {}, done: true }),
        { attempt: 'req-5', remainingMs: 900_000 },
      ),
    ).rejects.toThrow("activity 'mail': cannot read its compiled MJML work/news/r1/mail/compiled.html: no object");
  });
});

describe('preparedStep', () => {
  it("compiles an MJML email's body once for the run, beside the manifest", async () => {
    const store = new MemoryStore();
    await store.putActivities('r1', [{ activityId: 'mail', type: 'email', status: 'running' }]);
    const written = new Map<string, string>();
    const channels = {
      objects: {
        list: async () => [{ key: 'work/news/r1/mail/orca_output=messages/orca_chunk=0/data_0.parquet' }],
        put: async (key: string, body: string) => {
          written.set(key, body);
        },
      },
      reports: { setCounters: async () => undefined },
    } as unknown as ChannelDeps;
    const engine = { outputRows: async () => ({ messages: 3 }) };
    const activity = {
      id: 'mail',
      type: 'email',
      from: 'a@b.co',
      subject: 'Hi',
      mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ first_name }}</mj-text></mj-column></mj-section></mj-body></mjml>',
    };
    const e = {
      step: 'prepared',
      run: { runId: 'r1', campaign: { id: 'news' }, startedAt: '2026-11-22T10:00:00.000Z', testMode: false },
      gate: { activity, target: { location: 'work/news/r1/mail', table: 't' }, chunks: 1, select: 'SELECT 1' },
    } as unknown as PreparedEvent;
    const r = await preparedStep(e, { store, engine, channels } as unknown as Deps);
    expect(r).toEqual({ chunks: [0], confirm: false, rows: { messages: 3, excluded: 0 } });
    const html = written.get('work/news/r1/mail/compiled.html');
    // mjml's output: a whole document, the Liquid expression kept for the chunks to render.
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('Hi {{ first_name }}');
    expect(JSON.parse(written.get('work/news/r1/mail/manifest.json')!)).toEqual({
      chunks: [['work/news/r1/mail/orca_output=messages/orca_chunk=0/data_0.parquet']],
    });
  });
});
