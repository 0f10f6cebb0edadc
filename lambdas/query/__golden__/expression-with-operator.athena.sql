SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE (CAST(length(t."first_name") AS BIGINT) > 3);
