SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE (CAST(date_diff('year', t."birth_date", DATE '2026-11-22') AS BIGINT) >= 40);
