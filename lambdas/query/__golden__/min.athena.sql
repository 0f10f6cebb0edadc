SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE ((SELECT CAST(min(c1."amount") AS DECIMAL(38, 2)) FROM "orca"."purchases" AS c1
    WHERE c1."recipient_id" = t."id") < 20);
