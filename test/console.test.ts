/**
 * The web console in a real browser: headless Chromium (Debian's, driven by playwright-core)
 * against the local server, in-process, on the tiny data set. One browser, one walk through: the
 * list, a campaign's canvas, a test run whose counts appear live, a transition's rows, logs filtered
 * by activity, keyboard selection, a validation error on the activity it names; an import job
 * seen finished on the Jobs page, its journal, rejects and their CSV download, an export's file
 * downloaded from its page. A failure leaves a screenshot in test-results/.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { largeCampaign } from '../bench/large-campaign.js';
import { campaignIndexKeys, keys } from '../lambdas/adapters/dynamodb-keys.js';
import type { CampaignRecord } from '../lambdas/ports/store.js';
import { TABLE } from '../runtime/dynalite.js';
import { startTestServer, type TestServer, waitingCampaign } from './helpers/server.js';
import { waitFor } from './helpers/wait.js';
import { floorBound } from './helpers/floors.js';

const ROOT = join(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let t: TestServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [t, browser] = await Promise.all([
    startTestServer({ consoleDir: join(ROOT, 'dist/console') }),
    // playwright-core gives the browser a fresh profile of its own (a temporary user-data dir).
    chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    }),
  ]);
  page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  page.setDefaultTimeout(5000);
  // The flagship waits 1 s between its audience and the rest: long enough to watch it run.
  expect((await t.call('POST', '/campaigns', waitingCampaign('flagship', 1, { label: 'Flagship' }))).status).toBe(201);
  const broken = waitingCampaign('broken', 0, { label: 'Broken' });
  (broken.activities[0] as { query: unknown }).query = { attribute: 'no_such_column', operator: 'equal', value: 1 };
  expect((await t.call('POST', '/campaigns', broken)).status).toBe(201);
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const shot = (name: string) => {
  mkdirSync(join(ROOT, 'test-results'), { recursive: true });
  return page.screenshot({ path: join(ROOT, 'test-results', `console-${name}.png`), fullPage: true });
};

/** Runs a step; on failure, a screenshot of the page as it was (test-results/console-failed-<step>.png). */
async function step(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    await shot(`failed-${name}`).catch(() => {});
    throw e;
  }
}

/**
 * In the page (the test's TypeScript has no DOM types: functions as text): when the canvas of
 * `campaign` is drawn (its `nodes` placed and shown, its `edges` drawn), in ms from navigation,
 * and when the campaign's GET answered.
 */
const DRAWN = (campaign: string, nodes: number, edges: number) => `new Promise((done) => {
  const check = () => {
    const shown = [...document.querySelectorAll('.react-flow__node')].filter((n) => n.style.visibility !== 'hidden');
    const drawn = [...document.querySelectorAll('.react-flow__edge-path')].filter((p) => p.getAttribute('d'));
    if (shown.length === ${nodes} && drawn.length === ${edges}) {
      const read = performance.getEntriesByType('resource').find((e) => new URL(e.name).pathname === '/campaigns/${campaign}');
      done({ drawn: performance.now(), arrived: read ? read.responseEnd : NaN });
    } else requestAnimationFrame(check);
  };
  check();
})`;

/** In the page: when the list shows its first rows and its count of n campaigns, and how long GET /campaigns took. */
const LISTED = (n: number) => `new Promise((done) => {
  const check = () => {
    const row = document.querySelector('table[aria-label="campaigns"] tbody tr[data-index]');
    const counted = [...document.querySelectorAll('p[aria-live="polite"]')].some((p) => p.textContent.includes('of ${n} campaigns'));
    if (row && counted) {
      const read = performance.getEntriesByType('resource').find((e) => new URL(e.name).pathname === '/campaigns');
      done({ shown: performance.now(), api: read ? read.duration : NaN });
    } else requestAnimationFrame(check);
  };
  check();
})`;

const node = (id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const edgeLabel = (id: string) => page.locator(`.react-flow__edge[data-id="${id}"] .react-flow__edge-text`);

it('list, canvas, a live test run, a transition preview, logs by activity, keyboard selection, a validation error', async () => {
  await step('list', async () => {
    const r = await page.goto(`${t.server.url}/`);
    expect(r?.headers()['content-security-policy']).toContain("script-src 'self'");
    const row = page.locator('table[aria-label="campaigns"] tbody tr', { hasText: 'Flagship' });
    await row.waitFor();
    await expect(row.locator('.badge').textContent()).resolves.toMatch(/draft/);
    await expect(row.textContent()).resolves.toMatch(/never/);
    // Search: only the broken campaign matches 'brok'.
    await page.getByLabel('Search').fill('brok');
    await waitFor(async () => (await page.locator('table[aria-label="campaigns"] tbody tr[data-index]').count()) === 1);
    await page.getByLabel('Search').fill('');
    await shot('list');
  });

  await step('open', async () => {
    await page.getByRole('link', { name: /Flagship/ }).click();
    await page.waitForURL('**/ui/campaigns/flagship');
    await node('enrich').waitFor();
    // Five activities, each with its status as text (not colour alone): pending before any run.
    expect(await page.locator('.react-flow__node').count()).toBe(5);
    for (const id of ['people', 'pause_here', 'dedup', 'enrich', 'done'])
      expect(await node(id).locator('.light').textContent()).toMatch(/pending/);
  });

  let runId = '';
  await step('live', async () => {
    await page.getByRole('button', { name: 'Start in test mode' }).click();
    await page.waitForURL(/\/runs\/[^/?]+$/);
    runId = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1)!);
    // The audience's transition gets its rows (FR and GB: people 1, 3, 5); the page shows them within 2 s.
    const recorded = await t.until(
      `/runs/${runId}`,
      (r) => r.transitions.some((x: { id: string; rows: number }) => x.id === 'people-pause_here' && x.rows === 3),
      10_000,
    );
    expect(recorded.status).toBe('running');
    const seen = Date.now();
    const liveFloor = floorBound(2000);
    await edgeLabel('people-pause_here').filter({ hasText: '3' }).waitFor({ timeout: liveFloor.bound });
    const shownAfter = Date.now() - seen;
    console.log(
      `console: a transition's new count shown ${shownAfter} ms after the API had it (floor: 2000 ms; asserted ${liveFloor.bound} ms at load ${liveFloor.load.toFixed(1)})`,
    );
    expect(shownAfter).toBeLessThan(liveFloor.bound);
    // Its activity's status is written right after its transition: shown within the same bound.
    await node('people').locator('.light', { hasText: 'done' }).waitFor({ timeout: liveFloor.bound });
  });

  await step('transition', async () => {
    await page.locator('.react-flow__edge[data-id="people-pause_here"] .react-flow__edge-textwrapper').click();
    await page.waitForURL(`**/runs/${runId}/transitions/people-pause_here`);
    const rows = page.locator('table[aria-label="rows"] tbody tr');
    await waitFor(async () => (await rows.count()) === 3, { what: 'three rows in the preview' });
    const ids = await rows.locator('td:first-child').allTextContents();
    expect(ids.sort()).toEqual(['1', '3', '5']);
    // An audience's work table holds its dimension's key alone (recipients.id).
    expect(await page.locator('table[aria-label="schema"] tbody td').allTextContents()).toEqual(['id', 'integer']);
  });

  await step('logs', async () => {
    await node('people').click();
    await page.waitForURL(/\?activity=people$/);
    await expect(page.getByLabel('filter by activity').inputValue()).resolves.toBe('people');
    const activities = page.locator('table[aria-label="logs"] tbody tr[data-index] td:nth-child(3)');
    await waitFor(async () => (await activities.count()) > 0, { what: "people's log entries" });
    expect(new Set(await activities.allTextContents())).toEqual(new Set(['people']));
    await expect(page.locator('#activity-title').textContent()).resolves.toMatch(/people/);
  });

  await step('keyboard', async () => {
    await node('dedup').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\?activity=dedup$/);
    await expect(page.locator('#activity-title').textContent()).resolves.toMatch(/dedup/);
  });

  await step('complete', async () => {
    const done = await t.until(`/runs/${runId}`, (r) => r.status === 'completed', 10_000);
    await node('done').locator('.light', { hasText: 'done' }).waitFor({ timeout: 3000 });
    // Every transition's count on the canvas is the API's.
    for (const x of done.transitions as Array<{ id: string; rows: number }>)
      await edgeLabel(x.id)
        .filter({ hasText: String(x.rows) })
        .waitFor({ timeout: 2000 });
    // The tasks of the selected activity (dedup, chosen with the keyboard): its one execution, done.
    await page.getByRole('tab', { name: /^Tasks/ }).click();
    const task = page.locator('table[aria-label="tasks"] tbody tr[data-index]');
    await waitFor(async () => (await task.count()) === 1 && /dedup\s*done/.test((await task.textContent()) ?? ''), {
      what: "dedup's task",
    });
    await shot('run');
  });

  await step('validation', async () => {
    await page.goto(`${t.server.url}/ui/campaigns/broken`);
    await node('people')
      .locator('.node-issues', { hasText: /1 error/ })
      .waitFor();
    expect(await node('dedup').locator('.node-issues').count()).toBe(0);
    await expect(page.getByRole('button', { name: 'Publish' }).isEnabled()).resolves.toBe(true);
  });

  await step('canvas-200', async () => {
    // The floor: a 200-activity campaign's canvas laid out and drawn in under 1.5 s.
    expect((await t.call('POST', '/campaigns', { ...largeCampaign(), id: 'large', label: 'Large' })).status).toBe(201);
    const large = largeCampaign() as { activities: unknown[]; transitions: unknown[] };
    // Twice (the first time also compiles the canvas's code): the floor holds for the better of the two.
    const tries: Array<{ drawn: number; arrived: number }> = [];
    for (let i = 0; i < 2; i++) {
      await page.goto(`${t.server.url}/ui/campaigns/large`);
      tries.push(
        (await page.evaluate(DRAWN('large', large.activities.length, large.transitions.length))) as {
          drawn: number;
          arrived: number;
        },
      );
    }
    const times = tries.map((x) => Math.round(x.drawn - x.arrived));
    const canvasFloor = floorBound(1500);
    console.log(
      `console: a ${large.activities.length}-activity canvas (${large.transitions.length} transitions) laid out and drawn in ${times.join(' ms, then ')} ms after its campaign arrived (${tries.map((x) => Math.round(x.drawn)).join(', ')} ms from navigation; floor: 1500 ms, on the better of the two: the machine's load varies; ${canvasFloor.bound} ms at load ${canvasFloor.load.toFixed(1)})`,
    );
    expect(Math.min(...times)).toBeLessThan(canvasFloor.bound);
    await shot('canvas-200');
  });

  await step('list-1000', async () => {
    // The floor: a list of 1,000 campaigns under 1 s. Written as the store writes them (BatchWriteItem: 25 a request).
    const now = new Date().toISOString();
    const items = Array.from({ length: 1000 }, (_, i) => {
      const id = `bulk-${String(i).padStart(4, '0')}`;
      const record: CampaignRecord = {
        id,
        label: `Bulk ${i}`,
        status: 'draft',
        definition: waitingCampaign(id, 0),
        version: 0,
        changed: true,
        createdAt: now,
        updatedAt: now,
        source: 'api',
        revision: 1,
      };
      return { ...keys.campaign(id), ...campaignIndexKeys(id), ...record };
    });
    const doc = DynamoDBDocumentClient.from(t.server.runtime.dynamo.client);
    for (let i = 0; i < items.length; i += 250)
      await Promise.all(
        Array.from({ length: 10 }, (_, k) => items.slice(i + k * 25, i + k * 25 + 25)).map((batch) =>
          doc.send(
            new BatchWriteCommand({ RequestItems: { [TABLE]: batch.map((Item) => ({ PutRequest: { Item } })) } }),
          ),
        ),
      );
    // The thousand, the flagship, the broken and the large campaigns.
    const total = 1003;
    // Twice (the first read after the seeding also warms the store): the floor holds for the better of the two.
    const tries: Array<{ shown: number; api: number }> = [];
    for (let i = 0; i < 2; i++) {
      await page.goto(`${t.server.url}/`);
      tries.push((await page.evaluate(LISTED(total))) as { shown: number; api: number });
    }
    const shown = Math.min(...tries.map((x) => x.shown));
    // Virtualised: a window of rows, not a thousand.
    const rendered = await page.locator('table[aria-label="campaigns"] tbody tr[data-index]').count();
    const listFloor = floorBound(1000);
    console.log(
      `console: a list of ${total} campaigns shown in ${tries.map((x) => Math.round(x.shown)).join(' ms, then ')} ms from navigation (GET /campaigns ${tries.map((x) => Math.round(x.api)).join(', ')} ms; ${rendered} rows rendered; floor: 1000 ms, on the better of the two; ${listFloor.bound} ms at load ${listFloor.load.toFixed(1)})`,
    );
    expect(rendered).toBeLessThan(60);
    expect(shown).toBeLessThan(listFloor.bound);
    await shot('list-1000');
  });
});

it('the Jobs page: a job seen finished, its journal, its rejects and their CSV; an export downloaded; an unknown job says so', async () => {
  mkdirSync(join(t.db.dir, 'uploads'), { recursive: true });
  // Line 3 (after the header) has no integer id.
  writeFileSync(join(t.db.dir, 'uploads', 'console.csv'), 'id,price\n10,99.50\nxx,1\n');
  const started = await t.call('POST', '/jobs', {
    name: 'console_prices',
    table: 'products',
    key: 'id',
    source: { file: 'uploads/console.csv' },
    columns: [
      { field: 'id', column: 'id' },
      { field: 'price', column: 'price' },
    ],
  });
  expect(started.status).toBe(202);
  const id = started.body.id as string;
  await step('jobs', async () => {
    await page.goto(`${t.server.url}/ui/jobs`);
    const row = page.locator('table[aria-label="jobs"] tbody tr', { hasText: 'console_prices' });
    await row.locator('.badge', { hasText: 'finished' }).waitFor();
    await expect(row.textContent()).resolves.toContain('read 2 · updated 1 · rejected 1');
    await row.getByRole('link').click();
    await page.locator('.job-status', { hasText: 'finished' }).waitFor();
    expect(page.url()).toBe(`${t.server.url}/ui/jobs/${id}`);
    await page.locator('table[aria-label="journal"] tr', { hasText: 'products is now at version' }).waitFor();
    const reject = page.locator('table[aria-label="rejects"] tbody tr');
    await reject.first().waitFor();
    await expect(reject.allTextContents()).resolves.toEqual(['3idxxnot a valid integer']);
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${id}-rejects.csv`);
    expect(readFileSync((await download.path())!, 'utf8')).toBe(
      'line,column,value,reason\n3,id,xx,not a valid integer\n',
    );
  });
  await step('export', async () => {
    // An export of the table the job changed: its file downloaded from the job's page.
    const exported = await t.call('POST', '/exports', { table: 'products', columns: ['id', 'price'] });
    expect(exported.status).toBe(202);
    const exportId = exported.body.id as string;
    await page.goto(`${t.server.url}/ui/jobs/${exportId}`);
    await page.locator('.job-status', { hasText: 'finished' }).waitFor();
    await expect(page.locator('.toolbar').first().textContent()).resolves.toContain(
      `export of products as CSV to exports/products-${exportId}.csv`,
    );
    await expect(page.locator('.job-counts').textContent()).resolves.toMatch(/^rows 3 · \d+ B$/);
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download file' }).click(),
    ]);
    expect(file.suggestedFilename()).toBe(`products-${exportId}.csv`);
    // The tiny catalog's products after the job above (10 at 99.50).
    expect(readFileSync((await file.path())!, 'utf8')).toBe('id,price\n10,99.50\n11,15.00\n12,80.00\n');
  });
  await step('unknown-job', async () => {
    await page.goto(`${t.server.url}/ui/jobs/imp-nope`);
    await page.getByRole('alert').filter({ hasText: "no import job 'imp-nope'" }).waitFor();
  });
});
