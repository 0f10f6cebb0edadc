SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE ((t."vip" = TRUE) AND (trim(BOTH ' ' FROM t."country") <> '' AND (t."country" = 'FR')));
