/**
 * The data catalog: the tables campaigns target, their typed columns, where their data lives, and
 * the links between them. N-1 and 1-1 links are declared on the table that holds the foreign key;
 * `reverse` names the 1-N collection (or 1-1 link) that the target table gets in return.
 */
import { z } from 'zod';
import { Findings, didYouMean, type Issue } from '../util/issues.js';
import { readDocument } from '../util/files.js';
import { reportZodIssues } from '../util/zod-issues.js';
import { COLUMN_TYPES, comparable, type ColumnType } from '../sql/types.js';
import { IDENTIFIER } from '../sql/literal.js';
import { OrcaError } from '../util/errors.js';
import { LAKE_TABLES, lakeSource } from '../channels/lake.js';
import type { LakeSource } from '../sql/dialect.js';

const name = z
  .string()
  .regex(IDENTIFIER, 'use lower-case letters, digits and underscores, starting with a letter (Glue lower-cases names)')
  .max(128);

const columnSchema = z.union([
  z.enum(COLUMN_TYPES),
  z
    .object({
      type: z.enum(COLUMN_TYPES),
      label: z.string().optional(),
      description: z.string().optional(),
    })
    .strict(),
]);

const linkSchema = z
  .object({
    to: name.describe('the target table'),
    cardinality: z.enum(['many-to-one', 'one-to-one']).default('many-to-one'),
    on: z.record(name, name).describe('join keys: { local column: target column }'),
    reverse: name
      .optional()
      .describe('name of the link back from the target: a 1-N collection (or 1-1 for one-to-one)'),
    label: z.string().optional(),
  })
  .strict();

const tableSchema = z
  .object({
    label: z.string().optional(),
    description: z.string().optional(),
    primaryKey: name,
    location: z
      .string()
      .min(1)
      .describe('folder of Parquet files, relative to the data root (a local folder or the data bucket)'),
    glue: z
      .object({ database: z.string().min(1), table: z.string().min(1) })
      .strict()
      .optional()
      .describe('an existing Glue table to query in the cloud instead of the one orca creates'),
    columns: z.record(name, columnSchema),
    links: z.record(name, linkSchema).default({}),
  })
  .strict();

export const catalogFileSchema = z
  .object({
    name: z.string().optional(),
    tables: z.record(name, tableSchema),
  })
  .strict();

export type CatalogFile = z.input<typeof catalogFileSchema>;

/**
 * The opt-outs of orca's lake (lambdas/channels/lake.ts), a table a catalog gets by naming it
 * (`tables: { orca_optouts: {} }`, or with links: nothing else): one row per unsubscribe, bounce or
 * complaint, per channel (an address may have several; `address` is only nominally its key). Its
 * links reach other tables, e.g. `profile: { to: recipients, on: { address: email }, reverse: optouts }`
 * gives recipients an `optouts` collection (`exists optouts where channel = 'email'`).
 */
export const OPTOUTS_TABLE = LAKE_TABLES.optouts;
const builtinExtension = z
  .object({
    label: z.string().optional(),
    description: z.string().optional(),
    links: z.record(name, linkSchema).default({}),
  })
  .strict();
const OPTOUTS_DEFINITION = {
  label: 'Opt-outs (unsubscribes, bounces, complaints)',
  primaryKey: 'address',
  location: lakeSource('optouts').folder,
  columns: {
    address: { type: 'string', label: 'normalized address' },
    channel: 'string',
    reason: { type: 'string', label: 'unsubscribed, bounced or complained' },
    at: { type: 'string', label: 'when (ISO-8601, UTC)' },
    campaign_id: 'string',
    run_id: 'string',
    message_id: 'string',
  },
} as const;

/** The catalog document with orca's own table of opt-outs in place of its mention (its declared links kept). */
function withBuiltins(doc: unknown, findings: Findings): unknown {
  if (!doc || typeof doc !== 'object' || !('tables' in doc) || !doc.tables || typeof doc.tables !== 'object')
    return doc;
  const tables = doc.tables as Record<string, unknown>;
  if (!(OPTOUTS_TABLE in tables)) return doc;
  const ext = builtinExtension.safeParse(tables[OPTOUTS_TABLE] ?? {});
  if (!ext.success)
    findings.error(
      null,
      ['tables', OPTOUTS_TABLE],
      `${OPTOUTS_TABLE} is orca's own table of opt-outs: a catalog may only declare its links (and label, description)`,
    );
  const links = ext.success ? ext.data.links : {};
  return { ...doc, tables: { ...tables, [OPTOUTS_TABLE]: { ...OPTOUTS_DEFINITION, links } } };
}

export interface CatalogColumn {
  name: string;
  type: ColumnType;
  label: string;
}

export interface Link {
  name: string;
  from: string;
  to: string;
  /** 'one': N-1 or 1-1 (a row has at most one target row); 'many': a 1-N collection. */
  kind: 'one' | 'many';
  on: Array<{ from: string; to: string }>;
  label: string;
}

export interface CatalogTable {
  name: string;
  label: string;
  primaryKey: string;
  location: string;
  glue?: { database: string; table: string };
  /** A table of orca's lake (JSON lines), read through the dialect's lakeTable. */
  lake?: LakeSource;
  columns: Map<string, CatalogColumn>;
  links: Map<string, Link>;
}

export class Catalog {
  constructor(readonly tables: Map<string, CatalogTable>) {}

  table(name: string): CatalogTable | undefined {
    return this.tables.get(name);
  }

  get tableNames(): string[] {
    return [...this.tables.keys()];
  }

  /** The primary key column of a table. */
  keyColumn(table: string): CatalogColumn {
    const t = this.tables.get(table)!;
    return t.columns.get(t.primaryKey)!;
  }
}

export class CatalogError extends OrcaError {
  static override readonly errorName = 'CatalogError';
  constructor(readonly issues: Issue[]) {
    super(`the catalog is not valid:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
  }
}

/** Checks and normalises a parsed catalog file; throws CatalogError listing every problem. */
export function buildCatalog(doc: unknown): Catalog {
  const findings = new Findings();
  const parsed = catalogFileSchema.safeParse(withBuiltins(doc, findings));
  if (!parsed.success || findings.errors.length) {
    if (!parsed.success) reportZodIssues(parsed.error, findings.at(null, []));
    throw new CatalogError(findings.errors);
  }
  const tables = new Map<string, CatalogTable>();
  for (const [tableName, t] of Object.entries(parsed.data.tables)) {
    const columns = new Map<string, CatalogColumn>();
    for (const [colName, c] of Object.entries(t.columns)) {
      const spec = typeof c === 'string' ? { type: c } : c;
      columns.set(colName, { name: colName, type: spec.type, label: ('label' in spec && spec.label) || colName });
    }
    if (!columns.has(t.primaryKey)) {
      findings.error(
        null,
        ['tables', tableName, 'primaryKey'],
        `primary key '${t.primaryKey}' is not a column of ${tableName}.${didYouMean(t.primaryKey, columns.keys())}`,
      );
    }
    tables.set(tableName, {
      name: tableName,
      label: t.label ?? tableName,
      primaryKey: t.primaryKey,
      location: t.location,
      ...(t.glue ? { glue: t.glue } : {}),
      ...(tableName === OPTOUTS_TABLE ? { lake: lakeSource('optouts') } : {}),
      columns,
      links: new Map(),
    });
  }
  // Links and their reverses, once every table is known.
  for (const [tableName, t] of Object.entries(parsed.data.tables)) {
    const table = tables.get(tableName)!;
    for (const [linkName, l] of Object.entries(t.links)) {
      const path = ['tables', tableName, 'links', linkName];
      const target = tables.get(l.to);
      if (!target) {
        findings.error(null, [...path, 'to'], `unknown table '${l.to}'.${didYouMean(l.to, tables.keys())}`);
        continue;
      }
      const on = Object.entries(l.on).map(([from, to]) => ({ from, to }));
      if (on.length === 0) findings.error(null, [...path, 'on'], 'a link needs at least one pair of join columns');
      for (const pair of on) {
        const a = table.columns.get(pair.from);
        const b = target.columns.get(pair.to);
        if (!a)
          findings.error(
            null,
            [...path, 'on', pair.from],
            `'${pair.from}' is not a column of ${tableName}.${didYouMean(pair.from, table.columns.keys())}`,
          );
        if (!b)
          findings.error(
            null,
            [...path, 'on', pair.from],
            `'${pair.to}' is not a column of ${l.to}.${didYouMean(pair.to, target.columns.keys())}`,
          );
        if (a && b && !comparable(a.type, b.type)) {
          findings.error(
            null,
            [...path, 'on', pair.from],
            `cannot join ${tableName}.${a.name} (${a.type}) to ${l.to}.${b.name} (${b.type})`,
          );
        }
      }
      addLink(
        findings,
        table,
        { name: linkName, from: tableName, to: l.to, kind: 'one', on, label: l.label ?? linkName },
        path,
      );
      if (l.reverse) {
        const reverse: Link = {
          name: l.reverse,
          from: l.to,
          to: tableName,
          kind: l.cardinality === 'one-to-one' ? 'one' : 'many',
          on: on.map((p) => ({ from: p.to, to: p.from })),
          label: l.reverse,
        };
        addLink(findings, target, reverse, [...path, 'reverse']);
      }
    }
  }
  if (findings.errors.length) throw new CatalogError(findings.errors);
  return new Catalog(tables);
}

function addLink(findings: Findings, table: CatalogTable, link: Link, path: (string | number)[]): void {
  if (table.columns.has(link.name)) {
    findings.error(
      null,
      path,
      `link '${link.name}' has the name of a column of ${table.name}; links and columns share one namespace`,
    );
  } else if (table.links.has(link.name)) {
    findings.error(null, path, `${table.name} already has a link named '${link.name}'`);
  } else {
    table.links.set(link.name, link);
  }
}

export function loadCatalog(file: string): Catalog {
  return buildCatalog(readDocument(file));
}
