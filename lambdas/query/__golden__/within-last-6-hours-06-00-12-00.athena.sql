SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE (t."created_at" >= TIMESTAMP '2026-11-22 06:00:00' AND t."created_at" < TIMESTAMP '2026-11-22 12:00:00');
