SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE ((t."created_at" >= TIMESTAMP '2026-11-22 00:00:00' AND t."created_at" < TIMESTAMP '2026-11-23 00:00:00') OR (t."created_at" = TIMESTAMP '2026-11-01 08:00:00'));
