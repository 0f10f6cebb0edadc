SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE ((SELECT CAST(avg(CAST(c1."amount" AS DOUBLE)) AS DOUBLE) FROM "orca"."purchases" AS c1
    WHERE c1."recipient_id" = t."id") > CAST(100 AS DOUBLE));
