import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generateSampleData } from '../../../sampledata/generate.js';
import { color } from '../../output.js';
import { dataPath, packageRoot } from '../../paths.js';
import type { DemoCommandOptions } from '../options.js';
import { runCampaignFile } from './run.js';

export async function demo(opts: DemoCommandOptions): Promise<void> {
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
}
