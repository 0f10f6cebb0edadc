SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE (trim(BOTH ' ' FROM t."first_name") <> '' AND (t."first_name" = 'O''Neil'));
