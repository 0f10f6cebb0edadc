SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE ((SELECT CAST(count(*) AS BIGINT) FROM "orca"."purchases" AS c1
    WHERE c1."recipient_id" = t."id") >= 2);
