SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE (EXISTS (SELECT 1 FROM "orca"."purchases" AS c1
    WHERE c1."recipient_id" = t."id"));
