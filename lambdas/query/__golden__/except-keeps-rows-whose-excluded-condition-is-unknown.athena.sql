SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE ((trim(BOTH ' ' FROM t."country") <> '' AND (t."country" IN ('FR', 'DE'))) AND NOT COALESCE((t."vip" = TRUE), FALSE));
