import { generateSampleData } from '../../../sampledata/generate.js';
import { color } from '../../output.js';
import { dataPath } from '../../paths.js';
import type { GenerateCommandOptions } from '../options.js';

export async function generate(opts: GenerateCommandOptions): Promise<void> {
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
}
