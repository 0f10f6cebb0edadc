SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE (t."birth_date" IN (DATE '1985-11-22', DATE '2000-01-01'));
