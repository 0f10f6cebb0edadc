SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE (NOT starts_with(t."email", 'ann'));
