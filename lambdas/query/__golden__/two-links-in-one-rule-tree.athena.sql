SELECT t."id", 'main' AS "orca_output"
FROM "orca"."purchases" AS t
  LEFT JOIN "orca"."recipients" AS l1 ON l1."id" = t."recipient_id"
  LEFT JOIN "orca"."products" AS l2 ON l2."id" = t."product_id"
WHERE ((l1."vip" = TRUE) AND (trim(BOTH ' ' FROM l2."category") <> '' AND (l2."category" = 'running')));
