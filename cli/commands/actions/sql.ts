import { AthenaDialect, DuckDbDialect } from '../../../lambdas/sql/dialect.js';
import { loadCatalogFor, validateFile } from '../../load.js';
import { CliError, printFindings, terminalText } from '../../output.js';
import { dataPath } from '../../paths.js';
import type { SqlCommandOptions } from '../options.js';

export function sql(file: string, opts: SqlCommandOptions): void {
  if (opts.dialect !== 'athena' && opts.dialect !== 'duckdb')
    throw new CliError(`unknown dialect '${opts.dialect}': use athena or duckdb`, 2);
  const dialect =
    opts.dialect === 'athena' ? new AthenaDialect({ database: opts.database }) : new DuckDbDialect(dataPath(opts.data));
  const result = validateFile(file, loadCatalogFor(opts.catalog), { dialect });
  const node = result.analysis?.nodes.get(opts.activity);
  if (!node) {
    const ids = result.analysis ? [...result.analysis.nodes.keys()].join(', ') : '';
    if (!result.valid) printFindings(file, result.errors, result.warnings);
    throw new CliError(`no activity '${opts.activity}' in ${file}${ids ? `; activities: ${ids}` : ''}`, 1);
  }
  const own = result.errors.filter((e) => e.activity === opts.activity);
  if (own.length || !node.valid || !node.plan) {
    printFindings(file, own.length ? own : result.errors, []);
    throw new CliError(`the SQL of '${opts.activity}' cannot be shown while it has errors`, 1);
  }
  const action = node.plan.action;
  if (action.type !== 'query') {
    console.log(`-- ${node.module.title} '${opts.activity}' runs no query (${node.def.type})`);
    return;
  }
  console.log(`${terminalText(action.sql)};`);
}
