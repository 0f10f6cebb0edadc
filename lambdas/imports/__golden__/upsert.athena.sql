-- type
SELECT CASE WHEN c.orca_reason IS NULL THEN c."id" END AS "id",
  CASE WHEN c.orca_reason IS NULL THEN c."email" END AS "email",
  CASE WHEN c.orca_reason IS NULL THEN c."age" END AS "age",
  CASE WHEN c.orca_reason IS NULL THEN c."orca_line" END AS "orca_line",
  CASE WHEN c.orca_reason IS NULL THEN c.orca_warning END AS orca_warning,
  CASE WHEN c.orca_reason IS NULL THEN CAST(NULL AS BIGINT) ELSE c."orca_line" END AS reject_line,
  c.orca_column AS reject_column,
  c.orca_value AS reject_value,
  c.orca_reason AS reject_reason,
  CASE WHEN c.orca_reason IS NULL THEN 'main' ELSE 'rejects' END AS "orca_output"
FROM (SELECT x."orca_v_0" AS "id", x."orca_v_1" AS "email", x."orca_v_2" AS "age", x."orca_line", CAST(NULL AS VARCHAR) AS orca_warning, CASE WHEN x."orca_s_0" IS NULL THEN 'no key: id is empty' WHEN x."orca_s_0" IS NOT NULL AND x."orca_v_0" IS NULL THEN 'not a valid integer' WHEN x."orca_s_2" IS NOT NULL AND x."orca_v_2" IS NULL THEN 'not a valid integer' ELSE CAST(NULL AS VARCHAR) END AS orca_reason, CASE WHEN x."orca_s_0" IS NULL THEN 'id' WHEN x."orca_s_0" IS NOT NULL AND x."orca_v_0" IS NULL THEN 'id' WHEN x."orca_s_2" IS NOT NULL AND x."orca_v_2" IS NULL THEN 'age' ELSE CAST(NULL AS VARCHAR) END AS orca_column, CASE WHEN x."orca_s_0" IS NULL THEN '' WHEN x."orca_s_0" IS NOT NULL AND x."orca_v_0" IS NULL THEN x."orca_s_0" WHEN x."orca_s_2" IS NOT NULL AND x."orca_v_2" IS NULL THEN x."orca_s_2" ELSE CAST(NULL AS VARCHAR) END AS orca_value FROM (SELECT y.*, CASE WHEN regexp_like(y."orca_s_0", '^[+-]?[0-9]+$') THEN TRY_CAST(y."orca_s_0" AS BIGINT) END AS "orca_v_0", y."orca_s_1" AS "orca_v_1", CASE WHEN regexp_like(y."orca_s_2", '^[+-]?[0-9]+$') THEN TRY_CAST(y."orca_s_2" AS BIGINT) END AS "orca_v_2" FROM (SELECT r."orca_line", NULLIF(trim(r."orca_raw_0"), '') AS "orca_s_0", NULLIF(trim(r."orca_raw_1"), '') AS "orca_s_1", NULLIF(trim(r."orca_raw_2"), '') AS "orca_s_2" FROM (SELECT "orca_raw_0", "orca_raw_1", "orca_raw_2", "orca_line" FROM "orca"."imp_imports_imp_1_source_4dd41fe9") AS r) AS y) AS x) AS c;

-- first-lines
SELECT count(*) AS lines, coalesce(sum(f.rejected), 0) AS rejected FROM (SELECT u.line, u.rejected FROM (SELECT m."orca_line" AS line, 0 AS rejected FROM (SELECT "id", "email", "age", "orca_line", "orca_warning" FROM "orca"."imp_imports_imp_1_type_bb9ffadf" WHERE "orca_output" = 'main') AS m UNION ALL SELECT r.reject_line AS line, 1 AS rejected FROM (SELECT "reject_line", "reject_column", "reject_value", "reject_reason" FROM "orca"."imp_imports_imp_1_type_bb9ffadf" WHERE "orca_output" = 'rejects') AS r) AS u ORDER BY u.line LIMIT 100) AS f;

-- distinct-keys
SELECT count(*) AS n FROM (SELECT DISTINCT t."id" FROM (SELECT "id", "email", "age", "orca_line", "orca_warning" FROM "orca"."imp_imports_imp_1_type_bb9ffadf" WHERE "orca_output" = 'main') AS t) AS k;

-- doubles
SELECT d."id", d."email", d."age", d."orca_line", CASE WHEN FALSE THEN d."orca_line" END AS reject_line, CASE WHEN FALSE THEN 'id' END AS reject_column, CASE WHEN FALSE THEN d.orca_key END AS reject_value, CASE WHEN FALSE THEN 'duplicate key' END AS reject_reason, CASE WHEN d.orca_rank = 1 THEN 'main' ELSE 'doubles' END AS "orca_output"
FROM (SELECT t.*, CAST(t."id" AS VARCHAR) AS orca_key, row_number() OVER (PARTITION BY t."id" ORDER BY t."orca_line" DESC) AS orca_rank FROM (SELECT "id", "email", "age", "orca_line" FROM "orca"."imp_imports_imp_1_doubles_21e067f0" WHERE "orca_output" = 'main') AS t) AS d;

-- match
SELECT m."id", m."email", m."age", m."score", m."city", m."orca_line", m."orca_target", CASE WHEN m."orca_target" IS NOT NULL AND row_number() OVER (PARTITION BY m."orca_target" ORDER BY m."orca_line" DESC) > 1 THEN 'double' ELSE m.orca_change END AS orca_change, 'main' AS "orca_output"
FROM (SELECT COALESCE(f."id", t1."id") AS "id", f."email" AS "email", f."age" AS "age", t1."score" AS "score", t1."city" AS "city", f."orca_line", CASE WHEN NOT t1."id" IS NOT NULL THEN 'insert' WHEN (f."id" IS DISTINCT FROM t1."id" OR f."email" IS DISTINCT FROM t1."email" OR f."age" IS DISTINCT FROM t1."age") THEN 'update' ELSE 'unchanged' END AS orca_change, t1."id" AS "orca_target"
FROM (SELECT "id", "email", "age", "orca_line" FROM "orca"."imp_imports_imp_1_doubles_21e067f0" WHERE "orca_output" = 'main') AS f
LEFT JOIN "orca"."people" AS t1 ON t1."id" = f."id") AS m;

-- match-unique-keys
SELECT m."id", m."email", m."age", m."score", m."city", m."orca_line", m."orca_target", m.orca_change, 'main' AS "orca_output"
FROM (SELECT COALESCE(f."id", t1."id") AS "id", f."email" AS "email", f."age" AS "age", t1."score" AS "score", t1."city" AS "city", f."orca_line", CASE WHEN NOT t1."id" IS NOT NULL THEN 'insert' WHEN (f."id" IS DISTINCT FROM t1."id" OR f."email" IS DISTINCT FROM t1."email" OR f."age" IS DISTINCT FROM t1."age") THEN 'update' ELSE 'unchanged' END AS orca_change, t1."id" AS "orca_target"
FROM (SELECT "id", "email", "age", "orca_line", "orca_warning" FROM "orca"."imp_imports_imp_1_type_bb9ffadf" WHERE "orca_output" = 'main') AS f
LEFT JOIN "orca"."people" AS t1 ON t1."id" = f."id") AS m;

-- changes
SELECT m.orca_change AS change, count(*) AS n FROM (SELECT "id", "email", "age", "score", "city", "orca_line", "orca_change", "orca_target" FROM "orca"."imp_imports_imp_1_match_06f94545" WHERE "orca_output" = 'main') AS m GROUP BY m.orca_change;

-- rejects
SELECT u.line, u."column", u.value, u.reason FROM (SELECT r.reject_line AS line, r.reject_column AS "column", r.reject_value AS value, r.reject_reason AS reason FROM (SELECT "reject_line", "reject_column", "reject_value", "reject_reason" FROM "orca"."imp_imports_imp_1_type_bb9ffadf" WHERE "orca_output" = 'rejects') AS r
UNION ALL
SELECT m."orca_line" AS line, 'id' AS "column", CAST(m."id" AS VARCHAR) AS value, 'exists' AS reason FROM (SELECT "id", "email", "age", "score", "city", "orca_line", "orca_change", "orca_target" FROM "orca"."imp_imports_imp_1_match_06f94545" WHERE "orca_output" = 'main') AS m WHERE m.orca_change = 'exists') AS u ORDER BY u.line;

-- apply
CREATE TABLE "orca"."imp_version"
WITH (format = 'PARQUET', write_compression = 'SNAPPY', external_location = 's3://bucket/versions/people/imp-1/')
AS
SELECT t."id", t."email", t."age", t."score", t."city"
FROM "orca"."people" AS t
LEFT JOIN (SELECT DISTINCT m."orca_target" FROM (SELECT "id", "email", "age", "score", "city", "orca_line", "orca_change", "orca_target" FROM "orca"."imp_imports_imp_1_match_06f94545" WHERE "orca_output" = 'main') AS m WHERE m.orca_change IN ('update', 'delete')) AS x ON x."orca_target" = t."id"
WHERE x."orca_target" IS NULL
UNION ALL
SELECT m."id", m."email", m."age", m."score", m."city"
FROM (SELECT "id", "email", "age", "score", "city", "orca_line", "orca_change", "orca_target" FROM "orca"."imp_imports_imp_1_match_06f94545" WHERE "orca_output" = 'main') AS m
WHERE m.orca_change IN ('insert', 'update');
