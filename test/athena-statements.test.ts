/**
 * Every statement Athena can receive from orca parses with a real Trino grammar (dt-sql-parser's
 * TrinoSQL, the engine of Athena v3: "Amazon Athena User Guide — Athena engine version 3" says it is
 * based on Trino). The statements are collected from what orca really emits, for every example
 * campaign compiled with the Athena dialect:
 *
 * - each query activity's CTAS (`AthenaEngine.materialize` of its plan's SELECT), planned as
 *   validation plans it (placeholder inputs), as a run plans it (inputs with rows, a run id, the
 *   state an incremental query or a read audience loads), with inbound transitions that did not
 *   run (empty relations), and in test mode;
 * - the statements the engine sends itself (captured with aws-sdk-client-mock on
 *   StartQueryExecution): the row counts per output (`outputRows`) and the previews of every output;
 * - the tables it creates through Glue (CSV sources, one table per transition): Athena's DDL is
 *   Hive's ("Amazon Athena User Guide — DDL statements"), so each Glue TableInput is written as the
 *   CREATE EXTERNAL TABLE it stands for and parsed with dt-sql-parser's Hive grammar, which checks
 *   the column names and types Glue is given.
 *
 * - import jobs run whole on the Athena import engine (test/helpers/import-job-statements.ts): each
 *   stage's CTAS, its counts, the rejects and the next version, and the Glue tables over the file.
 *
 * No purge statement exists yet (the purge removes S3 objects only); when one does, add it here.
 */
import { join } from 'node:path';
import { HiveSQL, TrinoSQL } from './helpers/sql-grammars.js';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import {
  CreateTableCommand,
  DeleteTableCommand,
  GetTableCommand,
  GlueClient,
  type TableInput,
} from '@aws-sdk/client-glue';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityState, Input, Plan } from '../lambdas/activities/framework.js';
import { AthenaEngine } from '../lambdas/adapters/athena-engine.js';
import { loadCatalog } from '../lambdas/catalog/catalog.js';
import { glueTableName, workLocation, workTableName } from '../lambdas/layout.js';
import { planActivity } from '../lambdas/planner.js';
import { AthenaDialect } from '../lambdas/sql/dialect.js';
import { type Population, population, type WorkSchema } from '../lambdas/sql/population.js';
import { csvLineSelect, exportCountSelect, exportSelect, exportStatement } from '../lambdas/imports/export-plan.js';
import { readDocument } from '../lambdas/util/files.js';
import { Findings } from '../lambdas/util/issues.js';
import { type Analysis, validateCampaign } from '../statemachines/validate.js';
import { EXAMPLES, EXAMPLES_DIR } from './fixtures/examples.js';
import { IMPORT_JOBS, importJobStatements, type SentByJobs } from './helpers/import-job-statements.js';

const catalog = loadCatalog(join(EXAMPLES_DIR, 'catalog.yaml'));
const NOW = new Date('2026-11-22T12:00:00Z');
const RUN_ID = '20261122T120000Z-abcd';
const DATABASE = 'orca';

interface Statement {
  /** Where it comes from: campaign, activity, variant, kind. */
  origin: string;
  sql: string;
}

const athena = mockClient(AthenaClient);
const glue = mockClient(GlueClient);
const s3 = mockClient(S3Client);

function engine(): AthenaEngine {
  return new AthenaEngine({
    athena: new AthenaClient({ region: 'eu-west-1' }),
    glue: new GlueClient({ region: 'eu-west-1' }),
    s3: new S3Client({ region: 'eu-west-1' }),
    bucket: 'orca-data',
    database: DATABASE,
    workGroup: 'orca',
    sleep: async () => {},
  });
}

type Variant = 'validation' | 'run' | 'run, inputs that did not run' | 'test mode';
const VARIANTS: Variant[] = ['validation', 'run', 'run, inputs that did not run', 'test mode'];

/** The state the status store gives some activities at run time (a saved audience, earlier keys). */
function stateFor(type: string, dimension: WorkSchema): ActivityState | undefined {
  const earlier = population(dimension, {
    location: workLocation('c', 'earlier', 'a'),
    table: workTableName('c', 'earlier', 'a'),
    output: 'main',
    rows: 12,
  });
  if (type === 'incrementalQuery') return { history: [earlier, earlier], lastRunAt: '2026-11-15 12:00:00.000' };
  if (type === 'readAudience')
    return {
      audience: {
        name: 'saved',
        campaignId: 'c',
        runId: 'earlier',
        savedAt: '2026-11-15T12:00:00Z',
        population: { ...earlier, dimension: dimension.dimension ?? 'recipients' },
      },
    };
  return undefined;
}

/** Plans every activity of an analysed campaign in order, the way a run of the given variant would. */
function plans(analysis: Analysis, variant: Variant): Array<{ id: string; type: string; plan: Plan }> {
  if (variant === 'validation') {
    return [...analysis.nodes.values()].flatMap((n) =>
      n.valid && n.plan ? [{ id: n.def.id, type: n.def.type, plan: n.plan }] : [],
    );
  }
  const { campaign } = analysis;
  const runId = RUN_ID;
  const schemas = new Map<string, WorkSchema | null>();
  const out: Array<{ id: string; type: string; plan: Plan }> = [];
  const dimension = catalog.table(campaign.dimension);
  const dimSchema: WorkSchema = {
    dimension: campaign.dimension,
    columns: dimension ? [{ name: dimension.primaryKey, type: 'integer' }] : [],
  };
  for (const id of analysis.order) {
    const node = analysis.nodes.get(id);
    if (!node?.valid) continue;
    const inputs: Input[] = node.inbound.map((t) => {
      const schema = schemas.get(`${t.from}\u0000${t.output}`) ?? null;
      const rows = variant === 'run, inputs that did not run' ? 0 : 1000;
      return {
        transition: t.id,
        from: t.from,
        output: t.output,
        schema,
        ref: schema
          ? population(schema, {
              location: rows ? workLocation(campaign.id, runId, t.from) : '-',
              table: rows ? workTableName(campaign.id, runId, t.from) : '-',
              output: t.output,
              rows,
            })
          : null,
      };
    });
    const findings = new Findings();
    const plan = planActivity({
      catalog,
      dialect: new AthenaDialect({ database: DATABASE }),
      campaign,
      activity: node.def,
      inputs,
      now: NOW,
      report: findings.at(id, []),
      run: { id: runId, testMode: variant === 'test mode' },
      state: stateFor(node.def.type, dimSchema),
    });
    expect(findings.errors, `${campaign.id}.${id} (${variant})`).toEqual([]);
    for (const [output, schema] of Object.entries(plan.outputs)) schemas.set(`${id}\u0000${output}`, schema);
    out.push({ id, type: node.def.type, plan });
  }
  return out;
}

/** The Hive DDL a Glue TableInput stands for (what `SHOW CREATE TABLE` would print in Athena). */
function hiveDdl(t: TableInput): string {
  const sd = t.StorageDescriptor ?? {};
  const cols = (sd.Columns ?? []).map((c) => `\`${c.Name}\` ${c.Type}`).join(', ');
  const props = (o: Record<string, string> | undefined) =>
    Object.entries(o ?? {})
      .map(([k, v]) => `'${k}'='${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`)
      .join(', ');
  const serdeProps = sd.SerdeInfo?.Parameters;
  return [
    `CREATE EXTERNAL TABLE \`${DATABASE}\`.\`${t.Name}\` (${cols})`,
    `ROW FORMAT SERDE '${sd.SerdeInfo?.SerializationLibrary}'`,
    ...(serdeProps && Object.keys(serdeProps).length ? [`WITH SERDEPROPERTIES (${props(serdeProps)})`] : []),
    `STORED AS INPUTFORMAT '${sd.InputFormat}' OUTPUTFORMAT '${sd.OutputFormat}'`,
    `LOCATION '${sd.Location}'`,
    ...(t.Parameters && Object.keys(t.Parameters).length ? [`TBLPROPERTIES (${props(t.Parameters)})`] : []),
  ].join('\n');
}

const trino: Statement[] = [];
const hive: Statement[] = [];

/** Forms the examples do not use: timestamp functions read in a campaign's time zone (AT TIME ZONE). */
const TEST_CAMPAIGNS: Record<string, unknown> = {
  'time zone (test campaign)': {
    id: 'tz',
    label: 'Morning sign-ups',
    dimension: 'recipients',
    timezone: 'Asia/Tokyo',
    activities: [
      {
        id: 'morning',
        type: 'buildAudience',
        query: {
          expression:
            "hour(created_at) < 12 AND dayOfWeek(created_at) = 1 AND toDate(created_at) >= DATE '2026-01-01' AND date(created_at) < today()",
        },
      },
    ],
    transitions: [],
  },
};

beforeAll(async () => {
  athena.reset();
  glue.reset();
  s3.reset();
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
  athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
  athena.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [{ Data: [] }] } });
  glue.on(DeleteTableCommand).resolves({});
  glue.on(CreateTableCommand).resolves({});
  s3.on(ListObjectsV2Command).resolves({ Contents: [] });
  s3.on(DeleteObjectsCommand).resolves({});
  // A loaded file: the engine copies it into the run's folder before its table is created.
  s3.on(GetObjectCommand).callsFake(() => ({ Body: Readable.from(['email;score\nann@x.com;10\n']) }));
  s3.on(PutObjectCommand).resolves({});
  s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
  s3.on(UploadPartCommand).resolves({ ETag: 'e1' });
  s3.on(CompleteMultipartUploadCommand).resolves({});
  // Transition tables take the CTAS table's column types.
  glue.on(GetTableCommand).resolves({ Table: { Name: 'w', StorageDescriptor: { Columns: [] } } });
  const e = engine();
  const documents: Array<[string, unknown]> = [
    ...EXAMPLES.map((file): [string, unknown] => [file, readDocument(join(EXAMPLES_DIR, file))]),
    ...Object.entries(TEST_CAMPAIGNS),
  ];
  for (const [file, document] of documents) {
    const r = validateCampaign(document, catalog, { dialect: e.dialect, now: NOW });
    expect(r.errors, file).toEqual([]);
    const analysis = r.analysis!;
    const campaignId = analysis.campaign.id;
    for (const variant of VARIANTS) {
      const runId = variant === 'validation' ? 'RUN' : RUN_ID;
      for (const { id, plan } of plans(analysis, variant)) {
        const action = plan.action;
        if (action.type !== 'query') continue;
        const origin = `${file} ${id} (${variant})`;
        const target = { location: action.location, table: glueTableName('w', campaignId, runId, id) };
        trino.push({ origin: `${origin}: CTAS`, sql: e.materialize(action.sql, target) });
        const before = athena.commandCalls(StartQueryExecutionCommand).length;
        const glueBefore = glue.commandCalls(CreateTableCommand).length;
        if (action.csv) await e.prepareCsv(action.csv);
        await e.outputRows(target);
        for (const [output, schema] of Object.entries(plan.outputs)) {
          if (!schema) continue;
          const p = population(schema, { location: action.location, table: target.table, output, rows: 1000 });
          await e.preview(p, 50, 100);
          await e.registerTransitions([
            { transitionId: `${id}_${output}`, from: id, output, to: 'next', active: true, population: p, at: '' },
          ]);
        }
        for (const c of athena.commandCalls(StartQueryExecutionCommand).slice(before))
          trino.push({ origin: `${origin}: sent by the engine`, sql: c.args[0].input.QueryString ?? '' });
        for (const c of glue.commandCalls(CreateTableCommand).slice(glueBefore))
          hive.push({
            origin: `${origin}: Glue CreateTable`,
            sql: hiveDdl(c.args[0].input.TableInput ?? { Name: '' }),
          });
      }
    }
  }
});

afterAll(() => {
  athena.restore();
  glue.restore();
  s3.restore();
});

/** The problems of each distinct statement (the examples compiled four ways repeat many of them). */
function problems(parser: TrinoSQL | HiveSQL, statements: Statement[]): string[] {
  const distinct = new Map(statements.map((s) => [s.sql, s]));
  return [...distinct.values()].flatMap(({ origin, sql }) => {
    const errors = parser.validate(sql);
    const count = parser.splitSQLByStatement(sql)?.length ?? 0;
    const why = [
      ...errors.map((x) => `line ${x.startLine}:${x.startColumn}: ${x.message}`),
      ...(count === 1 ? [] : [`${count} statements where Athena takes one`]),
    ];
    return why.length ? [`${origin}\n${why.join('\n')}\n--- statement:\n${sql}\n`] : [];
  });
}

describe('every statement Athena can receive parses with a Trino grammar', () => {
  it('collects the statements of every example (CTAS of each query activity, counts, previews, Glue tables)', () => {
    const kinds = new Set(trino.map((s) => s.origin.replace(/^.*: /, '')));
    expect(kinds).toEqual(new Set(['CTAS', 'sent by the engine']));
    expect(trino.filter((s) => /^CREATE TABLE/.test(s.sql)).length).toBeGreaterThan(40);
    expect(trino.some((s) => /\bcount\(\*\)/.test(s.sql))).toBe(true);
    expect(trino.some((s) => /\bOFFSET\b/.test(s.sql))).toBe(true);
    expect(trino.some((s) => s.sql.includes("AT TIME ZONE 'Asia/Tokyo'"))).toBe(true);
    // A loaded file is read through its JSON-lines copy (one record per line, with its line number).
    expect(hive.some((s) => s.sql.includes('org.openx.data.jsonserde.JsonSerDe'))).toBe(true);
    expect(hive.some((s) => s.sql.includes('ParquetHiveSerDe'))).toBe(true);
  });

  it('the grammar refuses what Athena refuses (the check can fail)', () => {
    const bad = [
      { origin: 'DuckDB-only QUALIFY', sql: 'SELECT * FROM t QUALIFY row_number() OVER () = 1' },
      { origin: 'two statements', sql: 'SELECT 1; SELECT 2' },
    ];
    expect(problems(new TrinoSQL(), bad)).toHaveLength(2);
    expect(
      problems(new HiveSQL(), [{ origin: 'no type', sql: 'CREATE EXTERNAL TABLE `t` (`a`) LOCATION ' }]),
    ).toHaveLength(1);
  });

  it('each Athena statement (CTAS, counts, previews) parses as one Trino statement', () => {
    const found = problems(new TrinoSQL(), trino);
    expect(found.join('\n'), `${found.length} of ${trino.length} statements do not parse`).toBe('');
  });

  it('each Glue table (CSV sources, transitions) is a valid Hive CREATE EXTERNAL TABLE', () => {
    const found = problems(new HiveSQL(), hive);
    expect(found.join('\n'), `${found.length} of ${hive.length} tables do not parse`).toBe('');
  });
});

describe('import jobs: every statement and Glue table a job sends in the cloud (lambdas/adapters/athena-import-engine.ts)', () => {
  let sent: SentByJobs;
  beforeAll(async () => {
    sent = await importJobStatements({ athena, glue, s3 });
  });

  it('runs each job to its end, every stage on Athena', () => {
    expect(Object.values(sent.ended)).toEqual(Object.keys(IMPORT_JOBS).map(() => 'finished'));
    const stages = new Set(sent.statements.map((s) => s.origin.replace(/^.* /, '')));
    // load sends no query (the file is copied by the function), swap none (Glue UpdateTable).
    expect(stages).toEqual(new Set(['type', 'doubles', 'match', 'apply']));
    expect(sent.statements.length).toBeGreaterThan(40);
  });

  it('each statement parses as one Trino statement', () => {
    const found = problems(new TrinoSQL(), sent.statements);
    expect(found.join('\n'), `${found.length} of ${sent.statements.length} statements do not parse`).toBe('');
  });

  it('each Glue table over a file is a valid Hive CREATE EXTERNAL TABLE', () => {
    expect(sent.tables.length).toBe(Object.keys(IMPORT_JOBS).length);
    const found = problems(
      new HiveSQL(),
      sent.tables.map((t) => ({ origin: t.origin, sql: hiveDdl(t.table) })),
    );
    expect(found.join('\n')).toBe('');
  });

  let widest = 0;
  it('writes are CTAS only, within the partition limit ("Amazon Athena User Guide — MERGE INTO": Iceberg tables only; "— CTAS and INSERT INTO: 100 partitions")', () => {
    for (const { origin, sql } of sent.statements) {
      expect(sql, origin).toMatch(/^(CREATE TABLE "orca"\."imp_[a-z0-9_]+"\nWITH \(|SELECT )/);
      expect(sql, origin).not.toMatch(/^\s*(MERGE|UPDATE|DELETE|INSERT)\b/im);
      if (!sql.startsWith('CREATE TABLE')) continue;
      // The partitions a CTAS writes: the values its orca_output takes (main, rejects, doubles), or none.
      const outputs = new Set(
        [...sql.matchAll(/([^\n,]*) AS "orca_output"/g)].flatMap((m) =>
          [...m[1]!.matchAll(/'([a-z]+)'/g)].map((l) => l[1]),
        ),
      );
      expect(sql.includes("partitioned_by = ARRAY['orca_output']"), origin).toBe(outputs.size > 0);
      expect(outputs.size, origin).toBeLessThanOrEqual(3);
      widest = Math.max(widest, outputs.size);
    }
    // The check can fail: the type and doubles stages write two partitions each.
    expect(widest).toBe(2);
  });
});

describe('export jobs: the UNLOAD of a table and of a saved audience ("Amazon Athena User Guide — UNLOAD")', () => {
  const dialect = new AthenaDialect({ database: 'orca' });
  const audience: Population = {
    dimension: null,
    columns: [
      { name: 'id', type: 'integer' },
      { name: 'email', type: 'string' },
    ],
    location: 'audiences/vip/r1-save',
    table: 'a_vip_r1_save',
    output: 'main',
    rows: 2,
  } as Population;
  const recipients = catalog.table('recipients')!;
  const sources = [
    {
      origin: 'table recipients',
      relation: dialect.ownTable('recipients'),
      columns: [...recipients.columns.values()].map((c) => ({ name: c.name, type: c.type })),
      key: 'id',
    },
    { origin: 'audience vip', relation: dialect.workTable(audience), columns: audience.columns, key: 'id' },
  ];
  const statements = sources.flatMap((s) => {
    const names = s.columns.map((c) => c.name);
    return [
      { origin: `${s.origin}: count`, sql: exportCountSelect(s.relation), select: '' },
      ...(['csv', 'parquet'] as const).map((format) => {
        // A CSV export UNLOADs whole lines (csvLineSelect: TEXTFILE does not quote).
        const select =
          format === 'csv'
            ? csvLineSelect(dialect, s.relation, s.columns, s.key, ';')
            : exportSelect(s.relation, names, s.key);
        return {
          origin: `${s.origin}: UNLOAD ${format}`,
          sql: exportStatement(dialect, select, 's3://orca-data/exports/.work/exp-1', {
            format,
            delimiter: ';',
            header: true,
          }),
          select,
        };
      }),
    ];
  });

  it('the counts and each UNLOAD’s SELECT parse as one Trino statement (Trino has no UNLOAD: its query is what Athena plans)', () => {
    const found = problems(new TrinoSQL(), [
      ...statements.filter((s) => !s.sql.startsWith('UNLOAD')),
      ...statements.filter((s) => s.sql.startsWith('UNLOAD')).map((s) => ({ origin: s.origin, sql: s.select })),
    ]);
    expect(found.join('\n')).toBe('');
  });

  it("each UNLOAD is the documented form: UNLOAD (SELECT …) TO 's3://…/' WITH (format = …), TEXTFILE of one column", () => {
    const unloads = statements.filter((s) => s.sql.startsWith('UNLOAD'));
    expect(unloads).toHaveLength(4);
    for (const { origin, sql, select } of unloads) {
      const m = /^UNLOAD \(\n([\s\S]*)\n\) TO '(s3:\/\/[^']+\/)' WITH \((.*)\)$/.exec(sql);
      expect(m, origin).not.toBeNull();
      expect(m![1], origin).toBe(select);
      // The TO location is a prefix (the work folder, emptied before: it must hold no data).
      expect(m![2]).toBe('s3://orca-data/exports/.work/exp-1/');
      expect(m![3], origin).toBe(
        origin.endsWith('csv') ? "format = 'TEXTFILE'" : "format = 'PARQUET', compression = 'SNAPPY'",
      );
    }
  });
});
