/**
 * `npm run bench [-- --profiles N]`: the repository's benchmarks. Each prints its figures; the
 * last line of each is a machine-readable summary.
 */
import '../cli/polyfills.js';
import { Command } from 'commander';
import { packageRoot } from '../cli/paths.js';
import { benchValidation } from './validation.js';

const program = new Command()
  .name('npm run bench --')
  .description('run the benchmarks and print their figures')
  .option('--only <name>', 'run one benchmark: validation')
  .parse(process.argv);
const opts = program.opts<{ only?: string }>();

if (!opts.only || opts.only === 'validation') {
  const v = benchValidation(packageRoot());
  console.log(`validation of a ${v.activities}-activity campaign, every query compiled: median ${v.medianMs.toFixed(1)} ms, worst ${v.maxMs.toFixed(1)} ms (floor: 200 ms)`);
  console.log(`bench validation activities=${v.activities} median_ms=${v.medianMs.toFixed(1)} max_ms=${v.maxMs.toFixed(1)}`);
}
