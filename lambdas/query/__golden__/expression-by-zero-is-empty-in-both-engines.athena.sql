SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE (coalesce((t."score" % NULLIF(0, 0)), -1) = -1);
