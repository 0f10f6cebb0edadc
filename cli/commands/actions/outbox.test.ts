/** `orca outbox` over a data folder the outbox provider wrote (in-process). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orcaInProcess as orca } from '../../../test/helpers/cli.js';
import { OutboxProvider } from '../../../lambdas/adapters/outbox-provider.js';

const data = mkdtempSync(join(tmpdir(), 'orca-outbox-cli-'));
afterAll(() => rmSync(data, { recursive: true, force: true }));
const base = { campaignId: 'winback', runId: 'r1', activityId: 'mail', key: '1' };

beforeAll(async () => {
  const email = new OutboxProvider('email', data, () => new Date('2026-12-01T10:00:00Z'));
  await email.send({
    ...base,
    messageId: 'aaa111',
    to: 'ann@example.com',
    channel: 'email',
    email: { from: 'news@shop.example', subject: 'Hi Ann \u001b[31m', text: 'Hello', headers: {} },
  });
  await email.close();
  await new OutboxProvider('sms', data).send({
    ...base,
    messageId: 'bbb222',
    to: '+33612345678',
    channel: 'sms',
    sms: { text: 'See you' },
  });
});

describe('orca outbox', () => {
  it('lists the runs with their messages by channel', async () => {
    const r = await orca(['outbox', '--data', data, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ runId: 'r1', messages: 2, channels: { email: 1, sms: 1 } });
  });

  it("lists a run's messages, control characters from rows escaped", async () => {
    const r = await orca(['outbox', 'r1', '--data', data]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ann@example.com  Hi Ann \\x1b[31m  aaa111');
    expect(r.stdout).toContain('+33612345678  See you  bbb222');
    expect(r.stdout).not.toContain('\u001b[31m');
    const json = await orca(['outbox', 'r1', '--data', data, '--json']);
    expect(
      json.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).file),
    ).toEqual(['aaa111.eml', 'bbb222.sms.json']);
  });

  it('shows one message', async () => {
    const r = await orca(['outbox', 'r1', '--show', 'aaa111', '--data', data]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^To: ann@example\.com$/m);
    expect(r.stdout).toMatch(/^Date: Tue, 01 Dec 2026 10:00:00 \+0000$/m);
    expect(r.stdout).toMatch(/\n\nHello\n$/);
    const sms = await orca(['outbox', 'r1', '--show', 'bbb222', '--data', data, '--json']);
    expect(JSON.parse(JSON.parse(sms.stdout).content).sms).toEqual({ text: 'See you' });
  });

  it('says what is missing in one line', async () => {
    const none = await orca(['outbox', 'r2', '--data', data]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no messages of run 'r2' in .*; `orca outbox` lists the runs that have some/);
    const missing = await orca(['outbox', 'r1', '--show', 'zzz', '--data', data]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no message 'zzz' in run 'r1'/);
    expect((await orca(['outbox', '--show', 'aaa111', '--data', data])).code).toBe(2);
    expect((await orca(['outbox', '../etc', '--data', data])).stderr).toMatch(/is not a run id/);
    const empty = mkdtempSync(join(tmpdir(), 'orca-outbox-empty-'));
    expect((await orca(['outbox', '--data', empty])).stdout).toMatch(/^no messages in /);
    rmSync(empty, { recursive: true });
  });
});
