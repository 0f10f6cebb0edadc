SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE (t."email" IS NOT NULL AND trim(BOTH ' ' FROM t."email") <> '');
