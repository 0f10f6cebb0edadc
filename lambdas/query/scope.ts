/**
 * Name resolution for queries. A scope is what a rule or an expression can see: a work table's
 * columns (by bare name), the attributes of a dimension table, and through N-1 / 1-1 links the
 * attributes of other tables (`product.category`). Links used are turned into LEFT JOINs once each;
 * the dimension behind a work table is joined only if one of its attributes is used.
 */
import type { Catalog, CatalogTable, Link } from '../catalog/catalog.js';
import type { Dialect } from '../sql/dialect.js';
import { quoteIdent } from '../sql/literal.js';
import type { Column, ColumnType } from '../sql/types.js';
import { didYouMean } from '../util/issues.js';
import { QueryError } from './problems.js';

export { QueryError };

export interface VariableInfo {
  type: ColumnType;
  /** Present at run time; absent when validating (the SQL then shows a typed placeholder). */
  value?: unknown;
}

/** What a query is compiled against: the catalog, the dialect and the run's clock and variables. */
export interface QueryEnv {
  catalog: Catalog;
  dialect: Dialect;
  /** The run's start time: relative dates are computed from it. */
  now: Date;
  /** IANA time zone for "today", "this month"... */
  timezone: string;
  variables: ReadonlyMap<string, VariableInfo>;
  /** Seed of pseudo-random choices (deduplication, random limits): the run id. */
  seed: string;
}

export class AliasGen {
  private n = 0;
  next(prefix: string): string {
    return `${prefix}${++this.n}`;
  }
}

export interface TypedSql {
  sql: string;
  type: ColumnType | 'null';
  /** The value of a constant number (a literal, or a negated one), for the checks that need it. */
  constant?: number;
}

export interface CollectionRef {
  link: Link;
  table: CatalogTable;
  /** The correlation predicate for an inner alias of the collection's table. */
  correlate(innerAlias: string): string;
  /** The outer side of each join pair (SQL), in link order. */
  outer: string[];
}

export interface ScopeSpec {
  /** The dimension whose attributes are visible (none for a loaded file's work table). */
  table?: CatalogTable | undefined;
  /** Alias of the dimension's rows. */
  tableAlias: string;
  /** A work table whose columns are visible by bare name; the dimension is then joined on its key. */
  work?: { alias: string; columns: readonly Column[] } | undefined;
  /** The dimension is already in the FROM clause (not joined to the work table on its key). */
  dimensionInFrom?: boolean;
}

export class Scope {
  private readonly joins: string[] = [];
  private readonly joinAliases = new Map<string, string>();
  private dimensionJoined: boolean;
  readonly table: CatalogTable | undefined;
  readonly tableAlias: string;
  readonly work: { alias: string; columns: Map<string, Column> } | undefined;

  constructor(
    readonly env: QueryEnv,
    readonly aliases: AliasGen,
    spec: ScopeSpec,
  ) {
    this.table = spec.table;
    this.tableAlias = spec.tableAlias;
    this.work = spec.work
      ? { alias: spec.work.alias, columns: new Map(spec.work.columns.map((c) => [c.name, c])) }
      : undefined;
    this.dimensionJoined = spec.dimensionInFrom ?? false;
  }

  get catalog(): Catalog {
    return this.env.catalog;
  }

  /** The SQL of the joins this scope needed, to append after its FROM item. */
  joinSql(): string {
    return this.joins.map((j) => `\n  ${j}`).join('');
  }

  /** The alias under which the dimension's own columns are, joining it to the work table if needed. */
  private dimensionAlias(): string {
    if (this.work && this.table && !this.dimensionJoined) {
      this.dimensionJoined = true;
      const key = quoteIdent(this.table.primaryKey);
      this.joins.unshift(
        `LEFT JOIN ${this.env.dialect.catalogTable(this.table)} AS ${this.tableAlias} ON ${this.tableAlias}.${key} = ${this.work.alias}.${key}`,
      );
    }
    return this.tableAlias;
  }

  private joinLink(fromAlias: string, link: Link, pathKey: string): string {
    const existing = this.joinAliases.get(pathKey);
    if (existing) return existing;
    const target = this.catalog.table(link.to)!;
    const alias = this.aliases.next('l');
    const on = link.on.map((p) => `${alias}.${quoteIdent(p.to)} = ${fromAlias}.${quoteIdent(p.from)}`).join(' AND ');
    this.joins.push(`LEFT JOIN ${this.env.dialect.catalogTable(target)} AS ${alias} ON ${on}`);
    this.joinAliases.set(pathKey, alias);
    return alias;
  }

  /** Names a caller can use here, for "did you mean" hints. */
  knownNames(table?: CatalogTable): string[] {
    const t = table ?? this.table;
    return [...(this.work?.columns.keys() ?? []), ...(t ? [...t.columns.keys(), ...t.links.keys()] : [])];
  }

  /**
   * Walks the N-1 links of a path and returns the alias and table its last segment belongs to.
   * `rest` is the path after the links (one name: a column or a collection).
   */
  private walk(path: readonly string[]): { alias: string; table: CatalogTable; last: string } {
    if (!this.table) {
      throw new QueryError(
        `'${path.join('.')}' is not a column of this population (it comes from a file and has no dimension).${didYouMean(path[0]!, this.knownNames())}`,
      );
    }
    let table = this.table;
    let alias = this.dimensionAlias();
    for (let i = 0; i < path.length - 1; i++) {
      const name = path[i]!;
      const link = table.links.get(name);
      if (!link) {
        const what = table.columns.has(name)
          ? `'${name}' is a column, not a link`
          : `unknown link '${name}' on ${table.name}`;
        throw new QueryError(
          `${what} (in '${path.join('.')}').${table.columns.has(name) ? '' : didYouMean(name, table.links.keys())}`,
        );
      }
      if (link.kind === 'many') {
        throw new QueryError(
          `'${path.slice(0, i + 1).join('.')}' is a collection (1-N): use exists, notExists or an aggregate to test it`,
        );
      }
      alias = this.joinLink(alias, link, `${alias}:${path.slice(0, i + 1).join('.')}`);
      table = this.catalog.table(link.to)!;
    }
    return { alias, table, last: path[path.length - 1]! };
  }

  /** Resolves an attribute path to a typed column reference. */
  resolve(path: readonly string[]): TypedSql {
    if (path.length === 1 && this.work?.columns.has(path[0]!)) {
      const c = this.work.columns.get(path[0]!)!;
      return { sql: `${this.work.alias}.${quoteIdent(c.name)}`, type: c.type };
    }
    const { alias, table, last } = this.walk(path);
    const column = table.columns.get(last);
    if (column) return { sql: `${alias}.${quoteIdent(column.name)}`, type: column.type };
    const link = table.links.get(last);
    if (link?.kind === 'many')
      throw new QueryError(
        `'${path.join('.')}' is a collection (1-N): use exists, notExists or an aggregate to test it`,
      );
    if (link)
      throw new QueryError(
        `'${path.join('.')}' is a link to ${link.to}: name one of its attributes, e.g. '${path.join('.')}.${this.catalog.table(link.to)!.primaryKey}'`,
      );
    const names = path.length === 1 ? this.knownNames() : [...table.columns.keys(), ...table.links.keys()];
    throw new QueryError(
      `unknown attribute '${path.join('.')}' on ${path.length === 1 && this.work ? 'this population' : table.name}.${didYouMean(last, names)}`,
    );
  }

  /** Resolves the path of a 1-N collection (optionally reached through N-1 links). */
  collection(path: readonly string[]): CollectionRef {
    const { alias, table, last } = this.walk(path);
    const link = table.links.get(last);
    if (!link) {
      throw new QueryError(
        `unknown collection '${path.join('.')}' on ${table.name}.${didYouMean(
          last,
          [...table.links.values()].filter((l) => l.kind === 'many').map((l) => l.name),
        )}`,
      );
    }
    if (link.kind !== 'many')
      throw new QueryError(
        `'${path.join('.')}' is a link to a single ${link.to}, not a collection: test its attributes directly (e.g. '${path.join('.')}.${this.catalog.table(link.to)!.primaryKey}')`,
      );
    const target = this.catalog.table(link.to)!;
    return {
      link,
      table: target,
      correlate: (inner) =>
        link.on.map((p) => `${inner}.${quoteIdent(p.to)} = ${alias}.${quoteIdent(p.from)}`).join(' AND '),
      outer: link.on.map((p) => `${alias}.${quoteIdent(p.from)}`),
    };
  }

  /** A scope over one table for a subquery (a collection's rows). */
  child(table: CatalogTable): Scope {
    return new Scope(this.env, this.aliases, { table, tableAlias: this.aliases.next('c') });
  }
}

export function splitPath(path: string): string[] {
  return path.split('.').map((s) => s.trim());
}
