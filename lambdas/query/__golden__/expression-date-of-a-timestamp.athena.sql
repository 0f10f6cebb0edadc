SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE (CAST(t."created_at" AS DATE) = DATE '2026-11-20');
