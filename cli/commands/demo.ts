import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { generateSampleData } from '../../sampledata/generate.js';
import { color } from '../output.js';
import { dataPath, packageRoot } from '../paths.js';
import { positiveInt } from '../options.js';
import { runCampaignFile } from './run.js';

export function demoCommand(program: Command): void {
  program
    .command('demo')
    .description('generate the sample data if it is missing, then run the flagship campaign (examples/winback.yaml)')
    .option('--profiles <n>', 'sample size when generating', positiveInt('--profiles'), 100_000)
    .option('--data <dir>', 'data folder (default: $ORCA_DATA or ./.orca)')
    .action(async (opts: { profiles: number; data?: string }) => {
      const root = dataPath(opts.data);
      if (!existsSync(join(root, 'catalog', 'recipients'))) {
        console.log(`generating ${opts.profiles.toLocaleString('en-US')} sample profiles in ${root}…`);
        const r = await generateSampleData({ dataRoot: root, profiles: opts.profiles });
        console.log(
          `${color.green('✓')} ${Object.entries(r.rows)
            .map(([t, n]) => `${n.toLocaleString('en-US')} ${t}`)
            .join(', ')} (${r.seconds.toFixed(1)} s)\n`,
        );
      }
      process.exitCode = await runCampaignFile(join(packageRoot(), 'examples', 'winback.yaml'), { data: root });
    });
}
