SELECT t."id", 'main' AS "orca_output"
FROM "orca"."purchases" AS t
  LEFT JOIN "orca"."products" AS l1 ON l1."id" = t."product_id"
WHERE (trim(BOTH ' ' FROM l1."category") <> '' AND (l1."category" = 'running'));
