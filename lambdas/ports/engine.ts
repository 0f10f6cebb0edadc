/**
 * The query engine: turns an activity's SELECT into the statement that writes its outputs as
 * Parquet work tables (DuckDB COPY ... PARTITION_BY locally, an Athena CTAS in the cloud), prepares
 * the target and CSV sources, counts rows per output, previews and cancels. Running the statement
 * is the state machine's job (the Athena .sync task; locally the same task served by `execute`).
 */
import type { CsvSource, Dialect } from '../sql/dialect.js';
import type { Population } from '../sql/population.js';
import type { TransitionRecord } from './store.js';

export interface Target {
  /** work/<campaign>/<run>/<activity>, audiences/<name>/<version>, state/... */
  location: string;
  /** Glue table holding the outputs (partitioned by orca_output). */
  table: string;
  /**
   * A channel's message table: the rows are also split by their orca_chunk (0 .. chunks-1), so that
   * each chunk sender reads its own files (lambdas/channels/chunks.ts lists them).
   */
  chunks?: number | undefined;
}

export interface QueryEngine {
  readonly dialect: Dialect;
  /** The statement that materialises `select` (whose last column is orca_output) into the target. */
  materialize(select: string, target: Target): string;
  /** Makes the target writable: removes what an earlier attempt may have left. */
  prepareTarget(target: Target): Promise<void>;
  /** Makes a CSV file queryable (a Glue table over its folder in the cloud). */
  prepareCsv(csv: CsvSource): Promise<void>;
  /** Rows written per output by a finished materialisation. */
  outputRows(target: Target, queryId: string): Promise<Record<string, number>>;
  /** The rows of a population per value of one of its columns (one GROUP BY; NULL counted under ''). */
  countBy(ref: Population, column: string): Promise<Record<string, number>>;
  /** A page of the rows of a population. */
  preview(ref: Population, limit: number, offset: number): Promise<Record<string, unknown>[]>;
  /** Removes a whole prefix of work tables (the purge). */
  remove(location: string): Promise<void>;
  /** Makes each transition's work table queryable on its own (a Glue table per transition in the cloud). */
  registerTransitions(records: TransitionRecord[]): Promise<void>;
}
