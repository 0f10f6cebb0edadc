SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE ((t."created_at" >= TIMESTAMP '2026-11-20 00:00:00' AND t."created_at" < TIMESTAMP '2026-11-21 00:00:00') OR (t."created_at" >= TIMESTAMP '2024-01-01 00:00:00' AND t."created_at" < TIMESTAMP '2024-01-02 00:00:00'));
