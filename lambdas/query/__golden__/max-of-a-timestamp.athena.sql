SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE ((SELECT CAST(max(c1."purchased_at") AS TIMESTAMP) FROM "orca"."purchases" AS c1
    WHERE c1."recipient_id" = t."id") >= TIMESTAMP '2026-11-21 00:00:00');
