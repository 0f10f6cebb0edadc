SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE ((CAST(month(t."birth_date") AS BIGINT) = CAST(month(DATE '2026-11-22') AS BIGINT)) AND (CAST(day(t."birth_date") AS BIGINT) = CAST(day(DATE '2026-11-22') AS BIGINT)));
