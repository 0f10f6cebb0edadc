SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE (strpos(t."email", '100%') > 0);
