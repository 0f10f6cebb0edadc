SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE ((t."country" IN ('FR', 'DE')) AND NOT COALESCE((t."vip" = TRUE), FALSE));
