/**
 * A recording QueryEngine: a real DuckDB dialect (so the planner writes real SQL) over a data root
 * that is never read, a materialize that wraps the SELECT in a recognisable statement, row counts
 * per output that the test sets, and a record of every call that prepares or registers something.
 * No query ever runs.
 */
import type { QueryEngine, Target } from '../../../lambdas/ports/engine.js';
import type { TransitionRecord } from '../../../lambdas/ports/store.js';
import { type CsvSource, DuckDbDialect } from '../../../lambdas/sql/dialect.js';
import type { Population } from '../../../lambdas/sql/population.js';

export const DATA_ROOT = '/fake-data';

/** The statement `materialize` returns: easy to recognise, and it holds its SELECT and target. */
export const materialized = (select: string, target: Target): string =>
  `-- materialize into ${target.location} (${target.table})\n${select}`;

export class RecordingEngine implements QueryEngine {
  readonly dialect = new DuckDbDialect(DATA_ROOT);
  /** Rows per output that `outputRows` answers (an output left out wrote nothing). */
  rows: Record<string, number> = {};
  readonly prepared: Target[] = [];
  readonly csvs: CsvSource[] = [];
  readonly registered: TransitionRecord[][] = [];
  readonly counted: Array<{ target: Target; queryId: string }> = [];
  readonly previews: Array<{ ref: Population; limit: number; offset: number }> = [];
  readonly removed: string[] = [];

  materialize(select: string, target: Target): string {
    return materialized(select, target);
  }

  async prepareTarget(target: Target): Promise<void> {
    this.prepared.push(structuredClone(target));
  }

  async prepareCsv(csv: CsvSource): Promise<void> {
    this.csvs.push(structuredClone(csv));
  }

  async outputRows(target: Target, queryId: string): Promise<Record<string, number>> {
    this.counted.push({ target: structuredClone(target), queryId });
    return { ...this.rows };
  }

  /** Rows per value that `countBy` answers. */
  counts: Record<string, number> = {};
  readonly countedBy: Array<{ ref: Population; column: string }> = [];
  async countBy(ref: Population, column: string): Promise<Record<string, number>> {
    this.countedBy.push({ ref: structuredClone(ref), column });
    return { ...this.counts };
  }

  async preview(ref: Population, limit: number, offset: number): Promise<Record<string, unknown>[]> {
    this.previews.push({ ref: structuredClone(ref), limit, offset });
    return [];
  }

  async remove(location: string): Promise<void> {
    this.removed.push(location);
  }

  async registerTransitions(records: TransitionRecord[]): Promise<void> {
    this.registered.push(structuredClone(records));
  }
}
