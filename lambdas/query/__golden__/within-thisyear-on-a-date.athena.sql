SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE (t."birth_date" >= DATE '2026-01-01' AND t."birth_date" < DATE '2027-01-01');
