SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE (trim(BOTH ' ' FROM t."email") <> '' AND (strpos(t."email", '@x.com') > 0));
