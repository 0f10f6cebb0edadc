SELECT t."id", 'main' AS "orca_output"
FROM "orca"."recipients" AS t
WHERE (t."id" IN (SELECT c1."recipient_id" FROM "orca"."purchases" AS c1
    WHERE c1."recipient_id" IS NOT NULL AND (c1."purchased_at" >= TIMESTAMP '2026-10-23 00:00:00' AND c1."purchased_at" < TIMESTAMP '2026-11-23 00:00:00')));
