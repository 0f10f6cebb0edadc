SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE (trim(BOTH ' ' FROM t."email") <> '' AND (t."email" LIKE 'bo_@y.org'));
