SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE (t."birth_date" < DATE '2026-11-22');
