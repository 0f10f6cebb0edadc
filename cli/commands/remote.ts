/** The CLI over the HTTP API: campaigns, publish, start, pause, resume, stop, confirm, proof, preview. */
import type { Command } from 'commander';
import { CliError } from '../output.js';
import { ENDPOINT_OPTION, positiveInt } from '../options.js';
import { lazy } from './lazy.js';
import { RUN_COMMANDS } from './options.js';

const actions = () => import('./actions/remote.js');

export function remoteCommands(program: Command): void {
  program
    .command('campaigns')
    .description('list the campaigns of an orca server, with their last and next run')
    .option(...ENDPOINT_OPTION)
    .option('--status <status>', 'draft, live, scheduled, archived or running')
    .option('--search <text>', 'text in the id or label')
    .option('--json', 'print JSON')
    .action(lazy(async () => (await actions()).campaigns));

  program
    .command('publish')
    .description('send a campaign file to an orca server (creating or updating it) and publish it as a new version')
    .argument('<file>', 'campaign file')
    .option(...ENDPOINT_OPTION)
    .option('--json', 'print JSON')
    .action(lazy(async () => (await actions()).publish));

  program
    .command('start')
    .description('start a run of a published campaign (or of a draft in test mode)')
    .argument('<campaign>', 'campaign id')
    .option(...ENDPOINT_OPTION)
    .option('--var <name=value...>', 'variables of the run')
    .option('--test', 'test mode: everything but Save audience and channels')
    .option('--wait', 'wait until the run ends; exit 0 when it completed, 1 otherwise')
    .option('--json', 'print JSON')
    .action(lazy(async () => (await actions()).start));

  for (const command of RUN_COMMANDS) {
    program
      .command(command)
      .description(
        {
          pause: 'pause a run: no new activity starts; running ones finish',
          resume: 'resume a paused run',
          stop: 'stop a run: cancel its queries; final',
          restart: 'stop a run if needed and start the campaign again',
        }[command],
      )
      .argument('<run>', 'run id')
      .option(...ENDPOINT_OPTION)
      .action(lazy(async () => (await actions()).control(command)));
  }

  program
    .command('confirm')
    .description(
      'confirm a channel activity that waits for a confirmation: it sends (the run log records who confirmed)',
    )
    .argument('<run>', 'run id')
    .argument('<activity>', 'the channel activity id')
    .option(...ENDPOINT_OPTION)
    .action(lazy(async () => (await actions()).confirm));

  program
    .command('proof')
    .description(
      'render the first prepared messages of a channel activity (before confirming it); with --to, send them to test addresses ("[proof] " prefixed, not messages of the run)',
    )
    .argument('<run>', 'run id')
    .argument('<activity>', 'the channel activity id')
    .option('--to <address>', 'a test address of the channel (repeatable)', (v: string, all: string[] = []) => [
      ...all,
      v,
    ])
    .option('--count <n>', 'samples, 1 to 20 (default 3)', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 20) throw new CliError(`--count takes 1 to 20, got '${v}'`, 2);
      return n;
    })
    .option(...ENDPOINT_OPTION)
    .option('--json', 'print JSON')
    .action(lazy(async () => (await actions()).proof));

  program
    .command('duplicate')
    .description('copy a campaign as a new draft (its id: --as, default <campaign>-copy)')
    .argument('<campaign>', 'campaign id')
    .option('--as <id>', 'the id of the copy')
    .option(...ENDPOINT_OPTION)
    .option('--json', 'print JSON')
    .action(lazy(async () => (await actions()).duplicate));

  program
    .command('delete')
    .description('delete a campaign (refused while one of its runs is in progress)')
    .argument('<campaign>', 'campaign id')
    .option(...ENDPOINT_OPTION)
    .option('--json', 'print JSON')
    .action(lazy(async () => (await actions()).remove));

  program
    .command('archive')
    .description('retire a campaign: no more scheduled runs')
    .argument('<campaign>', 'campaign id')
    .option(...ENDPOINT_OPTION)
    .option('--json', 'print JSON')
    .action(lazy(async () => (await actions()).archive));

  program
    .command('schedule')
    .description("the next launches of a campaign's schedule, in its time zone")
    .argument('<campaign>', 'campaign id')
    .option(...ENDPOINT_OPTION)
    .option('--json', 'print JSON')
    .action(lazy(async () => (await actions()).schedule));

  program
    .command('versions')
    .description('the published versions of a campaign, newest first')
    .argument('<campaign>', 'campaign id')
    .option(...ENDPOINT_OPTION)
    .option('--json', 'print JSON')
    .action(lazy(async () => (await actions()).versions));

  program
    .command('tasks')
    .description("a run's activity executions, in order")
    .argument('<run>', 'run id')
    .option(...ENDPOINT_OPTION)
    .option('--json', 'print JSON')
    .action(lazy(async () => (await actions()).tasks));

  program
    .command('preview')
    .description("the rows of a transition's work table")
    .argument('<run>', 'run id')
    .argument('<transition>', 'transition id')
    .option(...ENDPOINT_OPTION)
    .option('--limit <n>', 'rows', positiveInt('--limit'), 20)
    .option('--offset <n>', 'rows to skip', (v) => Number(v), 0)
    .option('--json', 'print JSON')
    .action(lazy(async () => (await actions()).preview));
}
