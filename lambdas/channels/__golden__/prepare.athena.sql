WITH orca_in AS (
  SELECT w."id" AS "id", w."addr" AS "addr", t1."first_name" AS "first_name", w."id" AS orca_sort, CAST(w."id" AS VARCHAR) AS orca_key, NULLIF(lower(regexp_replace(CAST(w."addr" AS VARCHAR), '^[ \t\r\n]+|[ \t\r\n]+$', '')), '') AS "orca_address"
  FROM (SELECT "id", "addr" FROM "orca"."fixture_1" WHERE "orca_output" = 'main') AS w
  LEFT JOIN "orca"."recipients" AS t1 ON t1."id" = w."id"
), orca_ids AS (
  SELECT i.*, lower(to_hex(md5(to_utf8('RUN|mail|' || coalesce(i.orca_key, ''))))) AS "orca_message_id",
    ROW_NUMBER() OVER (PARTITION BY i."orca_address" ORDER BY i.orca_sort ASC NULLS LAST) AS orca_n
  FROM orca_in AS i
), orca_optouts AS (
  SELECT o.address, max(CASE WHEN o.reason = 'unsubscribed' THEN 1 ELSE 0 END) AS orca_unsubscribed, max(CASE WHEN o.reason IN ('bounced', 'complained') THEN 1 ELSE 0 END) AS orca_suppressed
  FROM (SELECT "address", "reason", "at", "campaign_id", "run_id", "message_id", "channel", "day" FROM "orca"."orca_optouts") AS o
  WHERE o.channel = 'email'
  GROUP BY o.address
), orca_capped AS (
  SELECT m.address, count(*) AS orca_sent
  FROM (SELECT "message_id", "campaign_id", "run_id", "activity_id", "address", "recipient_key", "outcome", "reason", "at", "delivered_at", "channel", "day" FROM "orca"."orca_messages") AS m
  WHERE m.channel = 'email' AND m.day >= '2026-11-15' AND m.at >= '2026-11-15T12:00:00.000Z'
    AND m.outcome = 'sent' AND NOT (m.run_id = 'RUN' AND m.activity_id = 'mail')
  GROUP BY m.address
  HAVING count(*) >= 2
), orca_flagged AS (
  SELECT f.*, CASE WHEN f."orca_address" IS NULL THEN 'noAddress' WHEN NOT (length(f."orca_address") <= 254 AND regexp_like(f."orca_address", '^[a-z0-9!#$%&''*+/=?^_{|}~.-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$')) THEN 'invalidAddress' WHEN f.orca_unsubscribed = 1 THEN 'unsubscribed' WHEN f.orca_suppressed = 1 THEN 'suppressed' WHEN f.orca_n > 1 THEN 'duplicate' WHEN f.orca_sent IS NOT NULL THEN 'frequencyCap' END AS "orca_reason"
  FROM (
    SELECT i.*, o.orca_unsubscribed, o.orca_suppressed, c.orca_sent
    FROM orca_ids AS i
    LEFT JOIN orca_optouts AS o ON o.address = i."orca_address"
    LEFT JOIN orca_capped AS c ON c.address = i."orca_address"
  ) AS f
)
SELECT r."id", r."addr", r."first_name", r."orca_message_id", r."orca_address", from_base(substr(r."orca_message_id", 1, 8), 16) % 3 AS "orca_chunk", r."orca_reason",
  CASE WHEN r."orca_reason" IS NULL THEN 'messages' ELSE 'excluded' END AS "orca_output"
FROM orca_flagged AS r;
