import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError, color, formatTime, jsonText, localZone, terminalText } from '../../output.js';
import { dataPath } from '../../paths.js';
import { checkRunId } from '../../options.js';
import { listOutboxRuns, outboxFolder, readOutboxIndex } from '../../../lambdas/adapters/outbox-files.js';
import type { OutboxCommandOptions } from '../options.js';

export async function outbox(runId: string | undefined, opts: OutboxCommandOptions): Promise<void> {
  const root = dataPath(opts.data);
  if (runId === undefined) {
    if (opts.show) throw new CliError('--show needs the run: `orca outbox RUN --show MESSAGE`', 2);
    return listRuns(root, opts);
  }
  checkRunId(runId);
  const entries = await readOutboxIndex(root, runId);
  if (!entries.length)
    throw new CliError(
      `no messages of run '${runId}' in ${outboxFolder(root)}; \`orca outbox\` lists the runs that have some`,
      1,
    );
  if (opts.show) {
    const entry = entries.find((e) => e.messageId === opts.show);
    if (!entry)
      throw new CliError(
        `no message '${terminalText(opts.show, true).slice(0, 80)}' in run '${runId}'; \`orca outbox ${runId}\` lists them`,
        1,
      );
    const content = await readFile(join(outboxFolder(root, runId), entry.file), 'utf8');
    if (opts.json) console.log(jsonText({ ...entry, content }, 0));
    else {
      // A message need not end with a line break (SMTP's end of data adds one): the terminal's prompt starts on its own line.
      const shown = terminalText(content.replace(/\r\n/g, '\n'));
      process.stdout.write(shown.endsWith('\n') ? shown : `${shown}\n`);
    }
    return;
  }
  if (opts.json) {
    for (const e of entries) console.log(jsonText(e, 0));
    return;
  }
  console.log(
    color.dim(
      `${entries.length} message${entries.length === 1 ? '' : 's'} in ${outboxFolder(root, runId)} (times in ${localZone()})`,
    ),
  );
  for (const e of entries)
    console.log(
      `${color.dim(formatTime(e.at, undefined, true))} ${e.channel.padEnd(5)} ${terminalText(e.to, true)}  ${terminalText(e.summary, true)}  ${color.dim(e.messageId)}`,
    );
}

async function listRuns(root: string, opts: OutboxCommandOptions): Promise<void> {
  const runs = await listOutboxRuns(root);
  const rows = await Promise.all(
    runs.map(async (r) => {
      const channels: Record<string, number> = {};
      const entries = await readOutboxIndex(root, r.runId);
      for (const e of entries) channels[e.channel] = (channels[e.channel] ?? 0) + 1;
      return { runId: r.runId, messages: entries.length, channels, updatedAt: r.updatedAt.toISOString() };
    }),
  );
  if (opts.json) {
    for (const r of rows) console.log(jsonText(r, 0));
    return;
  }
  if (!rows.length) {
    console.log(`no messages in ${outboxFolder(root)} (runs write there when no SMTP server is given)`);
    return;
  }
  for (const r of rows)
    console.log(
      `${color.bold(r.runId)}  ${r.messages} message${r.messages === 1 ? '' : 's'} (${Object.entries(r.channels)
        .map(([c, n]) => `${c} ${n}`)
        .join(', ')})  ${color.dim(`last ${formatTime(r.updatedAt)}`)}`,
    );
}
