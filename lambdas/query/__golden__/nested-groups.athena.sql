SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE (((trim(BOTH ' ' FROM t."country") <> '' AND (t."country" = 'FR')) AND ((t."id" IN (SELECT c1."recipient_id" FROM "orca"."purchases" AS c1
    WHERE c1."recipient_id" IS NOT NULL)) AND NOT COALESCE((t."vip" = TRUE), FALSE))) OR ((t."score" >= 30) AND ((SELECT CAST(count(*) AS BIGINT) FROM "orca"."purchases" AS c2
    WHERE c2."recipient_id" = t."id") = 1)));
