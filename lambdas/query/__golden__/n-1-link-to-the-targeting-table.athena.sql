SELECT t."id", 'main' AS "orca_output"
FROM "orca"."purchases" AS t
  LEFT JOIN "orca"."recipients" AS l1 ON l1."id" = t."recipient_id"
WHERE (trim(BOTH ' ' FROM l1."country") <> '' AND (l1."country" = 'FR'));
