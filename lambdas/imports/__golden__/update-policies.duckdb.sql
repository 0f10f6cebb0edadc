-- type
SELECT CASE WHEN c.orca_reason IS NULL THEN c."id" END AS "id",
  CASE WHEN c.orca_reason IS NULL THEN c."email" END AS "email",
  CASE WHEN c.orca_reason IS NULL THEN c."age" END AS "age",
  CASE WHEN c.orca_reason IS NULL THEN c."score" END AS "score",
  CASE WHEN c.orca_reason IS NULL THEN c."orca_line" END AS "orca_line",
  CASE WHEN c.orca_reason IS NULL THEN c.orca_warning END AS orca_warning,
  CASE WHEN c.orca_reason IS NULL THEN CAST(NULL AS BIGINT) ELSE c."orca_line" END AS reject_line,
  c.orca_column AS reject_column,
  c.orca_value AS reject_value,
  c.orca_reason AS reject_reason,
  CASE WHEN c.orca_reason IS NULL THEN 'main' ELSE 'rejects' END AS "orca_output"
FROM (SELECT x."orca_v_0" AS "id", x."orca_v_1" AS "email", CASE WHEN x."orca_s_2" IS NULL THEN CAST(NULL AS BIGINT) ELSE COALESCE(x."orca_v_2", 18) END AS "age", x."orca_v_3" AS "score", x."orca_line", CASE WHEN x."orca_s_2" IS NOT NULL AND x."orca_v_2" IS NULL THEN 'age' WHEN x."orca_s_3" IS NOT NULL AND x."orca_v_3" IS NULL THEN 'score' ELSE CAST(NULL AS VARCHAR) END AS orca_warning, CASE WHEN x."orca_s_0" IS NULL THEN 'no key: id is empty' WHEN x."orca_s_0" IS NOT NULL AND x."orca_v_0" IS NULL THEN 'not a valid integer' WHEN x."orca_s_1" IS NULL THEN 'a value is required' ELSE CAST(NULL AS VARCHAR) END AS orca_reason, CASE WHEN x."orca_s_0" IS NULL THEN 'id' WHEN x."orca_s_0" IS NOT NULL AND x."orca_v_0" IS NULL THEN 'id' WHEN x."orca_s_1" IS NULL THEN 'email' ELSE CAST(NULL AS VARCHAR) END AS orca_column, CASE WHEN x."orca_s_0" IS NULL THEN '' WHEN x."orca_s_0" IS NOT NULL AND x."orca_v_0" IS NULL THEN x."orca_s_0" WHEN x."orca_s_1" IS NULL THEN '' ELSE CAST(NULL AS VARCHAR) END AS orca_value FROM (SELECT y.*, CASE WHEN regexp_full_match(y."orca_s_0", '^[+-]?[0-9]+$') THEN TRY_CAST(y."orca_s_0" AS BIGINT) END AS "orca_v_0", y."orca_s_1" AS "orca_v_1", CASE WHEN regexp_full_match(y."orca_s_2", '^[+-]?[0-9]+$') THEN TRY_CAST(y."orca_s_2" AS BIGINT) END AS "orca_v_2", CASE WHEN regexp_full_match(y."orca_s_3", '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$') THEN TRY_CAST(y."orca_s_3" AS DOUBLE) END AS "orca_v_3" FROM (SELECT r."orca_line", NULLIF(trim(r."orca_raw_0"), '') AS "orca_s_0", NULLIF(trim(r."orca_raw_1"), '') AS "orca_s_1", NULLIF(trim(r."orca_raw_2"), '') AS "orca_s_2", NULLIF(trim(r."orca_raw_3"), '') AS "orca_s_3" FROM (SELECT n."orca_raw_0", n."orca_raw_1", n."orca_raw_2", n."orca_raw_3", n."orca_raw_4", n."orca_line" FROM (SELECT c.*, c.orca_row + 1 + CASE WHEN c.orca_row > 3 THEN 2 WHEN c.orca_row > 0 THEN 1 ELSE 0 END AS "orca_line" FROM (SELECT *, row_number() OVER () AS orca_row FROM read_csv('/data/uploads/people.csv', columns = {'orca_raw_0': 'VARCHAR', 'orca_raw_1': 'VARCHAR', 'orca_raw_2': 'VARCHAR', 'orca_raw_3': 'VARCHAR', 'orca_raw_4': 'VARCHAR'}, header = true, delim = ',', quote = '"', escape = '"', encoding = 'utf-8', auto_detect = false, null_padding = true, strict_mode = false)) AS c) AS n WHERE n."orca_line" NOT IN (4)) AS r) AS y) AS x) AS c;

-- first-lines
SELECT count(*) AS lines, coalesce(sum(f.rejected), 0) AS rejected FROM (SELECT u.line, u.rejected FROM (SELECT m."orca_line" AS line, 0 AS rejected FROM (SELECT "id", "email", "age", "score", "orca_line", "orca_warning" FROM read_parquet('/data/imports/imp-1/type/orca_output=main/**/*.parquet')) AS m UNION ALL SELECT r.reject_line AS line, 1 AS rejected FROM (SELECT "reject_line", "reject_column", "reject_value", "reject_reason" FROM read_parquet('/data/imports/imp-1/type/orca_output=rejects/**/*.parquet')) AS r) AS u ORDER BY u.line LIMIT 100) AS f;

-- distinct-keys
SELECT count(*) AS n FROM (SELECT DISTINCT t."id" FROM (SELECT "id", "email", "age", "score", "orca_line", "orca_warning" FROM read_parquet('/data/imports/imp-1/type/orca_output=main/**/*.parquet')) AS t) AS k;

-- doubles
SELECT d."id", d."email", d."age", d."score", d."orca_line", CASE WHEN FALSE THEN d."orca_line" END AS reject_line, CASE WHEN FALSE THEN 'id' END AS reject_column, CASE WHEN FALSE THEN d.orca_key END AS reject_value, CASE WHEN FALSE THEN 'duplicate key' END AS reject_reason, CASE WHEN d.orca_rank = 1 THEN 'main' ELSE 'doubles' END AS "orca_output"
FROM (SELECT t.*, CAST(t."id" AS VARCHAR) AS orca_key, row_number() OVER (PARTITION BY t."id" ORDER BY t."orca_line" ASC) AS orca_rank FROM (SELECT "id", "email", "age", "score", "orca_line" FROM read_parquet('/data/imports/imp-1/doubles/orca_output=main/**/*.parquet')) AS t) AS d;

-- match
SELECT m."id", m."email", m."age", m."score", m."city", m."orca_line", m."orca_target", CASE WHEN m."orca_target" IS NOT NULL AND row_number() OVER (PARTITION BY m."orca_target" ORDER BY m."orca_line" ASC) > 1 THEN 'double' ELSE m.orca_change END AS orca_change, 'main' AS "orca_output"
FROM (SELECT COALESCE(f."id", t1."id") AS "id", f."email" AS "email", f."age" AS "age", f."score" AS "score", t1."city" AS "city", f."orca_line", CASE WHEN NOT t1."id" IS NOT NULL THEN 'notFound' WHEN (f."id" IS DISTINCT FROM t1."id" OR f."email" IS DISTINCT FROM t1."email" OR f."age" IS DISTINCT FROM t1."age" OR f."score" IS DISTINCT FROM t1."score") THEN 'update' ELSE 'unchanged' END AS orca_change, t1."id" AS "orca_target"
FROM (SELECT "id", "email", "age", "score", "orca_line" FROM read_parquet('/data/imports/imp-1/doubles/orca_output=main/**/*.parquet')) AS f
LEFT JOIN read_parquet('/data/versions/people/imp-0/**/*.parquet') AS t1 ON t1."id" = f."id") AS m;

-- match-unique-keys
SELECT m."id", m."email", m."age", m."score", m."city", m."orca_line", m."orca_target", m.orca_change, 'main' AS "orca_output"
FROM (SELECT COALESCE(f."id", t1."id") AS "id", f."email" AS "email", f."age" AS "age", f."score" AS "score", t1."city" AS "city", f."orca_line", CASE WHEN NOT t1."id" IS NOT NULL THEN 'notFound' WHEN (f."id" IS DISTINCT FROM t1."id" OR f."email" IS DISTINCT FROM t1."email" OR f."age" IS DISTINCT FROM t1."age" OR f."score" IS DISTINCT FROM t1."score") THEN 'update' ELSE 'unchanged' END AS orca_change, t1."id" AS "orca_target"
FROM (SELECT "id", "email", "age", "score", "orca_line", "orca_warning" FROM read_parquet('/data/imports/imp-1/type/orca_output=main/**/*.parquet')) AS f
LEFT JOIN read_parquet('/data/versions/people/imp-0/**/*.parquet') AS t1 ON t1."id" = f."id") AS m;

-- changes
SELECT m.orca_change AS change, count(*) AS n FROM (SELECT "id", "email", "age", "score", "city", "orca_line", "orca_change", "orca_target" FROM read_parquet('/data/imports/imp-1/match/orca_output=main/**/*.parquet')) AS m GROUP BY m.orca_change;

-- rejects
SELECT u.line, u."column", u.value, u.reason FROM (SELECT r.reject_line AS line, r.reject_column AS "column", r.reject_value AS value, r.reject_reason AS reason FROM (SELECT "reject_line", "reject_column", "reject_value", "reject_reason" FROM read_parquet('/data/imports/imp-1/type/orca_output=rejects/**/*.parquet')) AS r
UNION ALL
SELECT m."orca_line" AS line, 'id' AS "column", CAST(m."id" AS VARCHAR) AS value, 'exists' AS reason FROM (SELECT "id", "email", "age", "score", "city", "orca_line", "orca_change", "orca_target" FROM read_parquet('/data/imports/imp-1/match/orca_output=main/**/*.parquet')) AS m WHERE m.orca_change = 'exists') AS u ORDER BY u.line;

-- apply
COPY (
SELECT t."id", t."email", t."age", t."score", t."city"
FROM read_parquet('/data/versions/people/imp-0/**/*.parquet') AS t
LEFT JOIN (SELECT DISTINCT m."orca_target" FROM (SELECT "id", "email", "age", "score", "city", "orca_line", "orca_change", "orca_target" FROM read_parquet('/data/imports/imp-1/match/orca_output=main/**/*.parquet')) AS m WHERE m.orca_change IN ('update', 'delete')) AS x ON x."orca_target" = t."id"
WHERE x."orca_target" IS NULL
UNION ALL
SELECT m."id", m."email", m."age", m."score", m."city"
FROM (SELECT "id", "email", "age", "score", "city", "orca_line", "orca_change", "orca_target" FROM read_parquet('/data/imports/imp-1/match/orca_output=main/**/*.parquet')) AS m
WHERE m.orca_change IN ('insert', 'update')
) TO '/data/versions/people/imp-1/data.parquet' (FORMAT PARQUET);
