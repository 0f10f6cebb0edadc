-- The reference campaign (examples/winback.yaml) written by hand as one DuckDB script: what a
-- data engineer would write without orca, doing the same work: the same three audiences with the
-- same columns (the enrichment a send needs), written as Parquet like orca's Save audience.
-- Intermediate results stay in temporary tables. {root}, {seed}, {out} and the date bounds are
-- filled in by the benchmark.
CREATE TEMP TABLE lapsed AS
SELECT r.id, r.email, r.created_at, r.first_name, r.country, r.language
FROM read_parquet('{root}/catalog/recipients/**/*.parquet') r
WHERE r.opt_in_email
  AND r.email IS NOT NULL AND trim(BOTH ' ' FROM r.email) <> ''  -- empty: NULL, '' or only spaces
  AND r.country IN ('FR', 'BE', 'DE', 'NL', 'GB', 'ES', 'IT')
  AND r.id IN (SELECT p.recipient_id FROM read_parquet('{root}/catalog/purchases/**/*.parquet') p
               JOIN read_parquet('{root}/catalog/products/**/*.parquet') pr ON pr.id = p.product_id
               WHERE pr.category IN ('running', 'shoes', 'apparel', 'outdoor'))
  AND r.id NOT IN (SELECT p.recipient_id FROM read_parquet('{root}/catalog/purchases/**/*.parquet') p
                   WHERE p.purchased_at >= TIMESTAMP '{since180}' AND p.purchased_at < TIMESTAMP '{tomorrow}');

CREATE TEMP TABLE reachable AS
SELECT l.* FROM lapsed l
WHERE l.id NOT IN (SELECT s.recipient_id FROM read_parquet('{root}/catalog/subscriptions/**/*.parquet') s
                   WHERE s.service = 'promotions' AND s.status = 'unsubscribed');

-- One per email: the most recent account; ties broken by the run's pseudo-random order.
CREATE TEMP TABLE deduped AS
SELECT * FROM (
  SELECT r.*, ROW_NUMBER() OVER (PARTITION BY r.email ORDER BY r.created_at DESC NULLS LAST,
         CAST(hash(CAST(r.id AS VARCHAR) || '{seed}') % 1000000007 AS DOUBLE)) AS rn
  FROM reachable r) WHERE rn = 1;

CREATE TEMP TABLE spend AS
-- The sum of no purchase is empty, the count of none 0.
SELECT d.id, d.first_name, d.email, d.country, d.language, a.spent AS spent_2y,
       coalesce(a.n, 0) AS purchases, a.last_purchase
FROM deduped d
LEFT JOIN (SELECT recipient_id,
                  sum(amount) FILTER (WHERE purchased_at >= TIMESTAMP '{since2y}' AND purchased_at < TIMESTAMP '{tomorrow}') AS spent,
                  count(*) AS n, max(purchased_at) AS last_purchase
           FROM read_parquet('{root}/catalog/purchases/**/*.parquet')
           WHERE recipient_id IN (SELECT id FROM deduped)
           GROUP BY recipient_id) a ON a.recipient_id = d.id;

-- VIPs: top 5% by spend among those above the floor; then a 10% control group of the rest.
CREATE TEMP TABLE vip AS
SELECT id FROM (
  SELECT id, ROW_NUMBER() OVER (ORDER BY spent_2y DESC, CAST(hash(CAST(id AS VARCHAR) || '{seed}') % 1000000007 AS DOUBLE)) AS rn,
         COUNT(*) OVER () AS n
  FROM spend WHERE spent_2y >= 300) WHERE rn <= floor(n * 5 / 100.0 + 0.5);

CREATE TEMP TABLE control AS
SELECT id FROM (
  SELECT id, ROW_NUMBER() OVER (ORDER BY CAST(hash(CAST(id AS VARCHAR) || '{seed}') % 1000000007 AS DOUBLE)) AS rn,
         COUNT(*) OVER () AS n
  FROM spend WHERE id NOT IN (SELECT id FROM vip)) WHERE rn <= floor(n * 10 / 100.0 + 0.5);

COPY (SELECT s.* FROM spend s WHERE s.id IN (SELECT id FROM vip)) TO '{out}/vip.parquet' (FORMAT PARQUET);
COPY (SELECT s.id, s.spent_2y FROM spend s WHERE s.id IN (SELECT id FROM control)) TO '{out}/control.parquet' (FORMAT PARQUET);
COPY (SELECT s.* FROM spend s WHERE s.id NOT IN (SELECT id FROM vip) AND s.id NOT IN (SELECT id FROM control)) TO '{out}/regular.parquet' (FORMAT PARQUET);
