import type { Command } from 'commander';
import { generateSampleData } from '../../sampledata/generate.js';
import { color } from '../output.js';
import { dataPath } from '../paths.js';
import { positiveInt } from '../options.js';

export function generateCommand(program: Command): void {
  program
    .command('generate')
    .description(
      'write the sample data (recipients, products, purchases, subscriptions, a leads CSV) as Parquet under the data folder',
    )
    .option('--profiles <n>', 'number of recipients', positiveInt('--profiles'), 100_000)
    .option('--seed <n>', 'seed: the same seed, count and date give the same files', positiveInt('--seed'), 42)
    .option('--as-of <date>', 'date the data ends at, YYYY-MM-DD (default: today)')
    .option('--data <dir>', 'data folder (default: $ORCA_DATA or ./.orca)')
    .option('--json', 'print the row counts as JSON')
    .action(async (opts: { profiles: number; seed: number; asOf?: string; data?: string; json?: boolean }) => {
      const root = dataPath(opts.data);
      const tty = process.stderr.isTTY && !opts.json;
      const result = await generateSampleData({
        dataRoot: root,
        profiles: opts.profiles,
        seed: opts.seed,
        ...(opts.asOf ? { asOf: opts.asOf } : {}),
        onProgress: (step, done, total) => {
          if (!opts.json)
            process.stderr.write(`${tty ? '\r\u001b[K' : ''}generating ${step} (${done}/${total})${tty ? '' : '\n'}`);
        },
      });
      if (tty) process.stderr.write('\r\u001b[K');
      if (opts.json) console.log(JSON.stringify({ data: root, ...result }));
      else
        console.log(
          `${color.green('✓')} sample data in ${root} (${result.seconds.toFixed(1)} s): ${Object.entries(result.rows)
            .map(([t, n]) => `${n.toLocaleString('en-US')} ${t}`)
            .join(', ')}`,
        );
    });
}
