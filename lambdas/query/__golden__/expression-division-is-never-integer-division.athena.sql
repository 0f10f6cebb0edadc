SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE ((CAST(t."score" AS DOUBLE) / NULLIF(CAST(20 AS DOUBLE), 0)) = 0.5);
