/**
 * One type for a population wherever it is referenced: work tables, transitions, saved audiences,
 * incremental-query history and populations forwarded by flow-control activities.
 */
import type { Column } from './types.js';

/** The shape of a population: its targeting dimension (null for data from a file) and its columns. */
export interface WorkSchema {
  dimension: string | null;
  /** When there is a dimension, the first column is its primary key. */
  columns: Column[];
  /** Physical column names where they differ from the logical ones (outputs of one query share one layout). */
  stored?: Record<string, string> | undefined;
}

/** Where a population's rows are, and what they look like. */
export interface Population extends WorkSchema {
  /** Folder of the writing activity's outputs, relative to the data root: work/<campaign>/<run>/<activity>. */
  location: string;
  /** Glue table of the writing activity's outputs (cloud). */
  table: string;
  /** The partition (orca_output) of the writing activity's query that holds the rows. */
  output: string;
  /** -1 when unknown (the code view). */
  rows: number;
}

/** A saved audience: the population a Save audience activity stored under a name. */
export interface SavedAudience {
  name: string;
  campaignId: string;
  runId: string;
  savedAt: string;
  population: Population & { dimension: string };
}

/** What an incremental query output in one run. */
export interface HistoryEntry {
  runId: string;
  at: string;
  population: Population;
}

/** The schema part of a population. */
export function schemaOf(p: WorkSchema): WorkSchema {
  return { dimension: p.dimension, columns: p.columns, ...(p.stored ? { stored: p.stored } : {}) };
}

/** A population of a schema at a place. */
export function population(
  schema: WorkSchema,
  at: { location: string; table: string; output: string; rows: number },
): Population {
  return { ...schemaOf(schema), location: at.location, table: at.table, output: at.output, rows: at.rows };
}
