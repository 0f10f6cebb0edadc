/** Column types of the data catalog and of work tables, with their SQL names (the same in both dialects). */
export const COLUMN_TYPES = ['string', 'integer', 'decimal', 'double', 'boolean', 'date', 'timestamp'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface Column {
  name: string;
  type: ColumnType;
}

const SQL_TYPES: Record<ColumnType, string> = {
  string: 'VARCHAR',
  integer: 'BIGINT',
  decimal: 'DECIMAL(18, 2)',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
};

/** The SQL type a column of this type is cast to; DuckDB and Athena (Trino) spell them the same way. */
export function sqlType(type: ColumnType): string {
  return SQL_TYPES[type];
}

/** Glue/Hive type names, for external tables in the cloud. */
export function glueType(type: ColumnType): string {
  return {
    string: 'string',
    integer: 'bigint',
    decimal: 'decimal(18,2)',
    double: 'double',
    boolean: 'boolean',
    date: 'date',
    timestamp: 'timestamp',
  }[type];
}

export const isNumeric = (t: ColumnType): boolean => t === 'integer' || t === 'decimal' || t === 'double';
export const isTemporal = (t: ColumnType): boolean => t === 'date' || t === 'timestamp';

/** Whether two types can be compared with =, <, ... */
export function comparable(a: ColumnType, b: ColumnType): boolean {
  return a === b || (isNumeric(a) && isNumeric(b)) || (isTemporal(a) && isTemporal(b));
}

/** The common type of two comparable types (numeric widening, date -> timestamp). */
export function unify(a: ColumnType, b: ColumnType): ColumnType | undefined {
  if (a === b) return a;
  if (isNumeric(a) && isNumeric(b)) return a === 'double' || b === 'double' ? 'double' : 'decimal';
  if (isTemporal(a) && isTemporal(b)) return 'timestamp';
  return undefined;
}
