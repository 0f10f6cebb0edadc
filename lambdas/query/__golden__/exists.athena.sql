SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE (t."id" IN (SELECT c1."recipient_id" FROM "orca"."purchases" AS c1
    WHERE c1."recipient_id" IS NOT NULL));
