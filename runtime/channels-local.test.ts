/**
 * Sending for real on the embedded stack (aws-local-stepfunctions, DuckDB, dynalite), with the local
 * channels the runtime builds itself (runtime/local-channels.ts): email to a real in-process SMTP
 * server (smtp-server, ORCA_SMTP_URL), SMS to the outbox folder. Six recipients, worked out by hand:
 *
 *   id email        phone              first   prepare
 *   1  ann@x.com    +33 6 12 34 56 78  Ann     message
 *   2  bob@y.org    +33 6 00 00 00 02  Bob     message
 *   3  ANN@x.com    NULL               Anna    excluded: duplicate (ann@x.com again; the lowest key, 1, is kept)
 *   4  ''           +33 6 00 00 00 04  Dan     excluded: noAddress
 *   5  eve@x.com    +33 6 00 00 00 05  Eve     excluded: unsubscribed (an opt-out written first, through the unsubscribe link)
 *   6  fay@z.net    +33 6 00 00 00 06  Fay     message
 */
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOutboxIndex } from '../lambdas/adapters/outbox-files.js';
import { buildCatalog } from '../lambdas/catalog/catalog.js';
import { signToken, verifyToken } from '../lambdas/channels/links.js';
import { workLocation } from '../lambdas/layout.js';
import { sendChunk } from '../lambdas/orchestrator/chunk.js';
import { proofSamples } from '../lambdas/orchestrator/proof.js';
import { chunkStep } from '../lambdas/orchestrator/send.js';
import type { RunContext } from '../lambdas/orchestrator/types.js';
import { unsubscribe } from '../lambdas/orchestrator/unsubscribe.js';
import { compileCampaign } from '../statemachines/compile.js';
import { validateCampaign } from '../statemachines/validate.js';
import { openTestDb, writeParquet } from '../test/helpers/duckdb.js';
import { smtpUrlFromEnv } from './local-channels.js';
import { LocalRuntime } from './local-runtime.js';

const catalog = buildCatalog({
  tables: {
    recipients: {
      primaryKey: 'id',
      location: 'catalog/recipients',
      columns: { id: 'integer', email: 'string', phone: 'string', first: 'string' },
    },
  },
});

const mailDoc = {
  id: 'news',
  label: 'Newsletter',
  dimension: 'recipients',
  timezone: 'UTC',
  activities: [
    { id: 'all', type: 'buildAudience', query: { attribute: 'id', operator: 'greater', value: 0 } },
    {
      id: 'mail',
      type: 'email',
      from: 'news@example.com',
      subject: 'Hi {{first}}',
      html: '<html><body><p>Hello {{ first }}, #{{ id }}</p></body></html>',
      generateOutput: true,
    },
    { id: 'done', type: 'end' },
    { id: 'left', type: 'end' },
  ],
  transitions: [
    { from: 'all', to: 'mail' },
    { from: 'mail', output: 'sent', to: 'done' },
    { from: 'mail', output: 'excluded', to: 'left' },
  ],
};

const smsDoc = {
  id: 'remind',
  label: 'Reminder',
  dimension: 'recipients',
  timezone: 'UTC',
  activities: [
    { id: 'all', type: 'buildAudience', query: { attribute: 'id', operator: 'greater', value: 0 } },
    {
      id: 'text',
      type: 'sms',
      text: 'See you soon {{first}}',
      sendWithoutConfirmation: true,
      throttle: { perSecond: 4 },
    },
  ],
  transitions: [{ from: 'all', to: 'text' }],
};

const received: ParsedMail[] = [];
let server: SMTPServer;
let dir = '';
let rt: LocalRuntime;
const previousSmtp = process.env.ORCA_SMTP_URL;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          callback();
        },
        (e) => callback(e),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env.ORCA_SMTP_URL = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;

  const t = await openTestDb('orca-channels-');
  await writeParquet(
    t,
    'catalog/recipients',
    `SELECT CAST(id AS BIGINT) id, email, phone, first FROM (VALUES
       (1, 'ann@x.com', '+33 6 12 34 56 78', 'Ann'),
       (2, 'bob@y.org', '+33 6 00 00 00 02', 'Bob'),
       (3, 'ANN@x.com', NULL, 'Anna'),
       (4, '', '+33 6 00 00 00 04', 'Dan'),
       (5, 'eve@x.com', '+33 6 00 00 00 05', 'Eve'),
       (6, 'fay@z.net', '+33 6 00 00 00 06', 'Fay')
     ) AS t(id, email, phone, first)`,
  );
  // The test database's folder becomes the runtime's data folder (closing it would remove it).
  dir = mkdtempSync(join(tmpdir(), 'orca-channels-data-'));
  rmSync(dir, { recursive: true });
  const { renameSync } = await import('node:fs');
  renameSync(t.dir, dir);
  t.db.closeSync();
  rt = await LocalRuntime.open({
    dataRoot: dir,
    catalog,
    memoryStore: true,
    waitMs: 0,
    threads: 2,
    memoryLimit: '1GB',
    smtpUrl: smtpUrlFromEnv(),
  });
}, 60_000);

afterAll(async () => {
  await rt?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (previousSmtp === undefined) delete process.env.ORCA_SMTP_URL;
  else process.env.ORCA_SMTP_URL = previousSmtp;
  rmSync(dir, { recursive: true, force: true });
});

function compiled(doc: object) {
  const v = validateCampaign(doc, catalog, { now: new Date() });
  expect(v.errors).toEqual([]);
  return compileCampaign(v.analysis!).definition;
}

async function until<T>(f: () => Promise<T | undefined | false>, what: string): Promise<T> {
  const end = Date.now() + 20_000;
  while (Date.now() < end) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`never happened: ${what}`);
}

const byId = (a: Record<string, unknown>, b: Record<string, unknown>) => Number(a.id) - Number(b.id);

describe('sending on the local stack', () => {
  it('email: excludes, waits for a confirmation, proofs, sends once each over SMTP, reports, and a retried chunk sends nothing again', async () => {
    // Eve unsubscribed from an earlier message: through the unsubscribe link's path (an opt-out file).
    const token = signToken(rt.channels.links.secret, {
      kind: 'unsubscribe',
      channel: 'email',
      address: 'eve@x.com',
      messageId: 'earlier',
      campaignId: 'news',
      runId: 'earlier-run',
      activityId: 'mail',
    });
    const publicDeps = {
      reports: rt.channels.reports,
      objects: rt.channels.objects,
      linkSecret: async () => rt.channels.links.secret,
    };
    expect(await unsubscribe(publicDeps, token)).toEqual({ channel: 'email' });

    const runId = 'run-mail';
    const done = rt.run(compiled(mailDoc), { runId });
    await until(
      async () =>
        (await rt.store.listActivities(runId)).find((a) => a.activityId === 'mail' && a.status === 'needsAttention'),
      'the email activity needs attention',
    );
    expect(received).toEqual([]);
    const logs = (await rt.store.listLogs(runId)).map((l) => l.message);
    expect(logs).toContain(
      'prepared: 3 messages to send, 3 excluded (duplicate 1, noAddress 1, unsubscribed 1); waiting for a confirmation',
    );

    // Proofs before confirming: the three prepared messages, rendered (rows in the table's order).
    const proof = await proofSamples(
      { store: rt.store, channels: rt.channels },
      { runId, campaignId: 'news' },
      'mail',
      { count: 20 },
      'test',
    );
    expect(proof.map((s) => [s.to, s.subject]).sort()).toEqual([
      ['ann@x.com', 'Hi Ann'],
      ['bob@y.org', 'Hi Bob'],
      ['fay@z.net', 'Hi Fay'],
    ]);
    expect(proof.find((s) => s.to === 'bob@y.org')!.html).toContain('<p>Hello Bob, #2</p>');
    expect(
      await proofSamples(
        { store: rt.store, channels: rt.channels },
        { runId, campaignId: 'news' },
        'mail',
        { count: 1 },
        'test',
      ),
    ).toHaveLength(1);
    expect(received).toEqual([]);

    expect(await until(() => rt.confirm(runId, 'mail', 'the test'), 'the confirmation is taken')).toBe(true);
    const run = await done;
    expect(run.status).toBe('completed');

    // What the SMTP server received: one message each, personalised, with the RFC 8058 headers.
    expect(received.map((m) => [m.to && !Array.isArray(m.to) ? m.to.text : '', m.subject]).sort()).toEqual([
      ['ann@x.com', 'Hi Ann'],
      ['bob@y.org', 'Hi Bob'],
      ['fay@z.net', 'Hi Fay'],
    ]);
    // mailparser keeps each header's raw line (folded lines joined here).
    const raw = (m: ParsedMail, name: string) =>
      m.headerLines
        .find((h) => h.key === name)
        ?.line.replace(/\r?\n[ \t]+/g, ' ')
        .slice(name.length + 1)
        .trim();
    const base = 'http://127.0.0.1:7777/u/';
    for (const m of received) {
      const to = m.to && !Array.isArray(m.to) ? m.to.text : '';
      // RFC 8058 §3.1: List-Unsubscribe holds the URI in angle brackets; List-Unsubscribe-Post this exact value.
      expect(raw(m, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      const url = /^<([^>]+)>$/.exec(raw(m, 'list-unsubscribe') ?? '')?.[1] ?? '';
      expect(url.startsWith(base)).toBe(true);
      // The link verifies with the data folder's secret and unsubscribes this very recipient.
      expect(verifyToken(rt.channels.links.secret, url.slice(base.length))).toMatchObject({
        kind: 'unsubscribe',
        channel: 'email',
        address: to,
        campaignId: 'news',
        runId,
        activityId: 'mail',
      });
    }
    expect((await rt.store.listLogs(runId)).map((l) => l.message)).toContain('confirmed by the test: sending');

    // The report: 6 targeted, 3 excluded by reason, 3 sent, 3 delivered (the SMTP hand-off).
    const [counters] = await rt.channels.reports.counters('news', runId);
    expect(counters).toEqual({
      runId,
      activityId: 'mail',
      targeted: 6,
      'excluded.duplicate': 1,
      'excluded.noAddress': 1,
      'excluded.unsubscribed': 1,
      sent: 3,
      delivered: 3,
    });

    // The sent output is exactly the recipients sent to; excluded the others, with their reasons.
    const transitions = await rt.store.listTransitions(runId);
    const sent = transitions.find((x) => x.from === 'mail' && x.output === 'sent')!;
    expect((await rt.engine.preview(sent.population!, 10, 0)).map((r) => Number(r.id)).sort()).toEqual([1, 2, 6]);
    const excluded = transitions.find((x) => x.from === 'mail' && x.output === 'excluded')!;
    expect(
      (await rt.engine.preview(excluded.population!, 10, 0)).sort(byId).map((r) => [Number(r.id), r.orca_reason]),
    ).toEqual([
      [3, 'duplicate'],
      [4, 'noAddress'],
      [5, 'unsubscribed'],
    ]);

    // A retry of chunk 0 (Step Functions calling the send step again): nothing reaches the server again.
    const runContext = {
      runId,
      campaign: { id: 'news' },
      startedAt: run.startedAt,
      testMode: false,
      variables: {},
    } as unknown as RunContext;
    const again = await chunkStep(
      { step: 'chunk', run: runContext, activity: 'mail', chunk: 0, location: workLocation('news', runId, 'mail') },
      rt.deps,
      sendChunk,
      { attempt: 'a-retry', remainingMs: 900_000 },
    );
    expect(again).toEqual({ sent: 3 });
    expect(received).toHaveLength(3);

    // Proofs sent to a test address: "[proof] " before the subject, outside the run's messages and counts.
    const proofDeps = { store: rt.store, channels: rt.channels };
    await expect(
      proofSamples(proofDeps, { runId, campaignId: 'news' }, 'mail', { to: ['not an address'] }, 'qa'),
    ).rejects.toMatchObject({
      status: 422,
      message: "activity 'mail': to: 'not an address' is not a valid email address",
    });
    await expect(
      proofSamples(proofDeps, { runId, campaignId: 'news' }, 'mail', { count: 21 }, 'qa'),
    ).rejects.toMatchObject({ status: 422 });
    const sentProofs = await proofSamples(
      proofDeps,
      { runId, campaignId: 'news' },
      'mail',
      { count: 2, to: [' QA@Example.com '] },
      'qa',
    );
    expect(sentProofs).toHaveLength(2);
    const proofs = received.slice(3);
    expect(proofs.map((m) => (m.to && !Array.isArray(m.to) ? m.to.text : ''))).toEqual([
      'qa@example.com',
      'qa@example.com',
    ]);
    expect(proofs.map((m) => m.subject).sort()).toEqual(sentProofs.map((p) => `[proof] ${p.subject}`).sort());
    expect((await rt.store.listLogs(runId)).map((l) => l.message)).toContain(
      'proof: 2 of 2 sample messages sent to qa@example.com by qa',
    );
    expect((await rt.channels.reports.counters('news', runId))[0]).toMatchObject({ sent: 3, delivered: 3 });
  }, 60_000);

  it('sms: to the outbox folder at the throttled rate, without a confirmation (sendWithoutConfirmation)', async () => {
    const runId = 'run-sms';
    const run = await rt.run(compiled(smsDoc), { runId });
    expect(run.status).toBe('completed');
    // Recipient 3 has no phone; the others' numbers normalized (spaces out).
    const index = (await readOutboxIndex(dir, runId)).sort((a, b) => a.to.localeCompare(b.to));
    expect(index.map((e) => [e.to, e.summary])).toEqual([
      ['+33600000002', 'See you soon Bob'],
      ['+33600000004', 'See you soon Dan'],
      ['+33600000005', 'See you soon Eve'],
      ['+33600000006', 'See you soon Fay'],
      ['+33612345678', 'See you soon Ann'],
    ]);
    // 5 messages at 4 a second: at most 4 in any calendar second, so they span 2 seconds at least.
    const seconds = new Map<string, number>();
    for (const e of index) seconds.set(e.at.slice(0, 19), (seconds.get(e.at.slice(0, 19)) ?? 0) + 1);
    expect(Math.max(...seconds.values())).toBeLessThanOrEqual(4);
    expect(seconds.size).toBeGreaterThanOrEqual(2);
    const [counters] = await rt.channels.reports.counters('remind', runId);
    expect(counters).toMatchObject({ targeted: 6, 'excluded.noAddress': 1, sent: 5, delivered: 5 });
  }, 60_000);
});
