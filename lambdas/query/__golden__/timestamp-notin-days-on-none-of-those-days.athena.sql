SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE (NOT ((t."created_at" >= TIMESTAMP '2026-11-20 00:00:00' AND t."created_at" < TIMESTAMP '2026-11-21 00:00:00') OR (t."created_at" >= TIMESTAMP '2026-11-22 00:00:00' AND t."created_at" < TIMESTAMP '2026-11-23 00:00:00')));
