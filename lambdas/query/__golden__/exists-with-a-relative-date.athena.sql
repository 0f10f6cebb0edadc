SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE (EXISTS (SELECT 1 FROM "orca"."purchases" AS c1
    WHERE c1."recipient_id" = t."id" AND (c1."purchased_at" >= TIMESTAMP '2026-10-23 00:00:00' AND c1."purchased_at" < TIMESTAMP '2026-11-23 00:00:00')));
