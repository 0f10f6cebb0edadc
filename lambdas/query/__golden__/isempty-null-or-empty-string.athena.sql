SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE (t."email" IS NULL OR trim(BOTH ' ' FROM t."email") = '');
