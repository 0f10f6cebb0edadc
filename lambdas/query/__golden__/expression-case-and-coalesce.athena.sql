SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE ((CASE WHEN (coalesce(t."score", 0) > 15) THEN 'high' ELSE 'low' END) = 'low');
