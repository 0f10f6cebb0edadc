SELECT t."id", 'main' AS "orca_output"
FROM "orca"."purchases" AS t
  LEFT JOIN "orca"."recipients" AS l1 ON l1."id" = t."recipient_id"
WHERE (l1."id" IN (SELECT c2."recipient_id" FROM "orca"."purchases" AS c2
    WHERE c2."recipient_id" IS NOT NULL AND (c2."amount" > 200)));
