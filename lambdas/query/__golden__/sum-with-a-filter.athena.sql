SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE ((SELECT CAST(sum(c1."amount") AS DECIMAL(38, 2)) FROM "orca"."purchases" AS c1
  LEFT JOIN "orca"."products" AS l2 ON l2."id" = c1."product_id"
    WHERE c1."recipient_id" = t."id" AND (trim(BOTH ' ' FROM l2."category") <> '' AND (l2."category" = 'electronics'))) >= 160);
