/**
 * The sample data generator: recipients, products, purchases and subscriptions matching
 * examples/catalog.yaml, plus a CSV of leads for the Load file example. Everything is computed by
 * DuckDB from hashes of (row, stream, seed), so the same seed, profile count and as-of date give the
 * same files, and ten million profiles never pass through JavaScript.
 *
 * Shape: ten countries with their cities and languages, ages 18-85, birthdays spread over the
 * year, opt-in flags, loyalty tiers, ~3% duplicate emails under different ids and ~2% empty ones;
 * and what real CRM exports hold: empty strings as well as NULLs (email, gender, city, phone, first
 * name), stray leading or trailing spaces and mixed case (emails, names, cities, and the leads' emails
 * and first names), so that `'ann@x.com'`, `'Ann@x.com'` and `'ann@x.com '` are three values;
 * about a third of profiles never bought, the rest a skewed number of purchases (a long tail of
 * heavy buyers) over two years, popular products bought more, amounts from list prices.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { stringLiteral } from '../lambdas/sql/literal.js';

export interface GenerateOptions {
  /** The data root: files go to <root>/catalog/<table>/ and <root>/incoming/leads/. */
  dataRoot: string;
  profiles: number;
  seed?: number;
  /** Anchor of all dates (YYYY-MM-DD, UTC); default today. */
  asOf?: string;
  products?: number;
  onProgress?: (step: string, done: number, total: number) => void;
}

export interface GenerateResult {
  rows: Record<string, number>;
  seconds: number;
}

const FEMALE = [
  'Emma',
  'Louise',
  'Jade',
  'Alice',
  'Chloe',
  'Lina',
  'Mila',
  'Lea',
  'Anna',
  'Sofia',
  'Maria',
  'Julia',
  'Olivia',
  'Amelia',
  'Isla',
  'Ava',
  'Mia',
  'Lucia',
  'Giulia',
  'Sara',
  'Ines',
  'Clara',
  'Eva',
  'Nora',
  'Zoe',
];
const MALE = [
  'Gabriel',
  'Louis',
  'Raphael',
  'Jules',
  'Adam',
  'Lucas',
  'Leo',
  'Hugo',
  'Arthur',
  'Noah',
  'Paul',
  'Felix',
  'Jonas',
  'Oliver',
  'George',
  'Harry',
  'Jack',
  'Mateo',
  'Pablo',
  'Marco',
  'Luca',
  'Daan',
  'Sem',
  'Liam',
  'Ethan',
];
const LAST = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Richard',
  'Petit',
  'Durand',
  'Muller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Smith',
  'Jones',
  'Taylor',
  'Brown',
  'Williams',
  'Garcia',
  'Rodriguez',
  'Lopez',
  'Rossi',
  'Russo',
  'Ferrari',
  'de Jong',
  'Jansen',
  'Peeters',
  'Janssens',
  'Silva',
  'Santos',
  'Johnson',
  'Miller',
  'Davis',
  "O'Brien",
  'Tremblay',
  'Gagnon',
];
// country, weight, language, cities, phone prefix
const COUNTRIES: Array<[string, number, string, string[], string]> = [
  ['FR', 25, 'fr', ['Paris', 'Lyon', 'Marseille', 'Toulouse', 'Nantes', 'Lille'], '+33 6'],
  ['DE', 15, 'de', ['Berlin', 'Hamburg', 'Munich', 'Cologne', 'Frankfurt'], '+49 151'],
  ['GB', 15, 'en', ['London', 'Manchester', 'Birmingham', 'Leeds', 'Glasgow'], '+44 7700'],
  ['US', 15, 'en', ['New York', 'Chicago', 'Austin', 'Seattle', 'Boston', 'Denver'], '+1 555'],
  ['ES', 8, 'es', ['Madrid', 'Barcelona', 'Valencia', 'Seville'], '+34 6'],
  ['IT', 7, 'it', ['Rome', 'Milan', 'Naples', 'Turin'], '+39 3'],
  ['NL', 5, 'nl', ['Amsterdam', 'Rotterdam', 'Utrecht'], '+31 6'],
  ['BE', 4, 'fr', ['Brussels', 'Antwerp', 'Ghent', 'Liege'], '+32 4'],
  ['CA', 3, 'en', ['Toronto', 'Montreal', 'Vancouver'], '+1 514'],
  ['BR', 3, 'pt', ['Sao Paulo', 'Rio de Janeiro', 'Curitiba'], '+55 11'],
];
const DOMAINS = ['example.com', 'mail.example', 'post.example', 'inbox.example', 'webmail.example'];
const CATEGORIES = [
  'running',
  'shoes',
  'apparel',
  'electronics',
  'books',
  'home',
  'beauty',
  'outdoor',
  'toys',
  'grocery',
];
const BRANDS = [
  'Acme',
  'Northwind',
  'Contoso',
  'Fabrikam',
  'Globex',
  'Initech',
  'Umbrella',
  'Stark',
  'Wayne',
  'Tyrell',
];

const list = (xs: readonly string[]): string => `[${xs.map(stringLiteral).join(', ')}]`;

/** Picks from a SQL list with a uniform u in [0,1). */
const pick = (xs: readonly string[], u: string): string =>
  `${list(xs)}[1 + CAST(floor(${u} * ${xs.length}) AS INTEGER)]`;

export async function generateSampleData(options: GenerateOptions): Promise<GenerateResult> {
  const started = Date.now();
  const root = resolve(options.dataRoot);
  const n = Math.floor(options.profiles);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error('profiles must be a positive whole number');
  const seed = Math.floor(options.seed ?? 42);
  const asOf = options.asOf ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error('asOf must be a date YYYY-MM-DD');
  const products = options.products ?? 500;
  const leads = Math.max(200, Math.floor(n / 100));
  const progress = options.onProgress ?? (() => {});

  const instance = await DuckDBInstance.create(':memory:', { threads: '2', preserve_insertion_order: 'true' });
  const db = await instance.connect();
  const run = (sql: string) => db.run(sql);
  try {
    for (const t of ['recipients', 'products', 'purchases', 'subscriptions']) {
      rmSync(join(root, 'catalog', t), { recursive: true, force: true });
      mkdirSync(join(root, 'catalog', t), { recursive: true });
    }
    rmSync(join(root, 'incoming', 'leads'), { recursive: true, force: true });
    mkdirSync(join(root, 'incoming', 'leads'), { recursive: true });

    const countryCase = (field: (c: (typeof COUNTRIES)[number]) => string) => {
      let acc = 0;
      const total = COUNTRIES.reduce((s, c) => s + c[1], 0);
      return `CASE ${COUNTRIES.map((c) => {
        acc += c[1];
        return `WHEN u(i, 10) < ${acc / total} THEN ${field(c)}`;
      }).join(' ')} END`;
    };
    // u(i, k): the k-th uniform number of row i, in [0, 1).
    await run(`CREATE MACRO u(i, k) AS CAST(hash(i, k, ${seed}) % 1000000007 AS DOUBLE) / 1000000007.0`);
    await run(
      `CREATE MACRO gender(i) AS CASE WHEN u(i, 3) < 0.48 THEN 'F' WHEN u(i, 3) < 0.96 THEN 'M' WHEN u(i, 3) < 0.98 THEN 'X' ELSE NULL END`,
    );
    await run(
      `CREATE MACRO first_name(i) AS CASE WHEN gender(i) = 'F' OR (gender(i) IS DISTINCT FROM 'M' AND u(i, 4) < 0.5) THEN ${pick(FEMALE, 'u(i, 1)')} ELSE ${pick(MALE, 'u(i, 1)')} END`,
    );
    await run(`CREATE MACRO last_name(i) AS ${pick(LAST, 'u(i, 2)')}`);
    await run(
      `CREATE MACRO base_email(i) AS lower(replace(replace(first_name(i) || '.' || last_name(i), ' ', ''), '''', '')) || CAST(i AS VARCHAR) || '@' || ${pick(DOMAINS, 'u(i, 5)')}`,
    );
    // What CRM exports hold besides clean values: mixed case, stray spaces (streams 80+ are only for this,
    // so that every other column is the same as without them).
    await run(
      `CREATE MACRO messy(x, i, k) AS CASE WHEN u(i, k) < 0.02 THEN upper(x) WHEN u(i, k) < 0.04 THEN lower(x) WHEN u(i, k) < 0.05 THEN x || ' ' WHEN u(i, k) < 0.055 THEN ' ' || x ELSE x END`,
    );
    await run(
      `CREATE MACRO messy_email(e, i) AS CASE WHEN u(i, 80) < 0.05 THEN upper(e[1]) || e[2:] WHEN u(i, 80) < 0.07 THEN upper(e) WHEN u(i, 80) < 0.09 THEN e || ' ' WHEN u(i, 80) < 0.10 THEN ' ' || e ELSE e END`,
    );
    await run(`CREATE MACRO price(p) AS CAST(round(5 + pow(u(p, 40), 2.2) * 295, 2) AS DECIMAL(18, 2))`);
    const asOfTs = `TIMESTAMP '${asOf} 00:00:00'`;

    progress('recipients', 0, 4);
    await run(`COPY (
      SELECT
        CAST(i AS BIGINT) AS id,
        CASE
          WHEN u(i, 7) < 0.01 THEN NULL
          WHEN u(i, 7) < 0.02 THEN ''
          WHEN u(i, 7) < 0.05 AND i > 1 THEN messy_email(base_email(1 + CAST(floor(u(i, 8) * (i - 1)) AS BIGINT)), i)
          ELSE messy_email(base_email(i), i)
        END AS email,
        CASE WHEN u(i, 81) < 0.005 THEN '' ELSE messy(first_name(i), i, 82) END AS first_name,
        messy(last_name(i), i, 83) AS last_name,
        CASE WHEN gender(i) IS NULL AND u(i, 84) < 0.5 THEN '' ELSE gender(i) END AS gender,
        CAST(DATE '${asOf}' - INTERVAL (18 + CAST(floor(u(i, 11) * 67) AS INTEGER)) YEAR - INTERVAL (CAST(floor(u(i, 12) * 365) AS INTEGER)) DAY AS DATE) AS birth_date,
        ${countryCase((c) => stringLiteral(c[0]))} AS country,
        CASE WHEN u(i, 85) < 0.01 THEN '' WHEN u(i, 85) < 0.015 THEN NULL ELSE messy(${countryCase((c) => pick(c[3], 'u(i, 13)'))}, i, 86) END AS city,
        ${countryCase((c) => (c[0] === 'BE' ? `CASE WHEN u(i, 14) < 0.4 THEN 'nl' ELSE 'fr' END` : c[0] === 'CA' ? `CASE WHEN u(i, 14) < 0.3 THEN 'fr' ELSE 'en' END` : stringLiteral(c[2])))} AS language,
        CASE WHEN u(i, 15) < 0.8 THEN ${countryCase((c) => stringLiteral(`${c[4]} `))} || lpad(CAST(CAST(floor(u(i, 16) * 10000000) AS BIGINT) AS VARCHAR), 7, '0') WHEN u(i, 15) < 0.9 THEN '' END AS phone,
        CASE WHEN u(i, 17) < 0.02 THEN NULL ELSE u(i, 18) < 0.72 END AS opt_in_email,
        u(i, 19) < 0.38 AS opt_in_sms,
        CASE WHEN u(i, 20) < 0.60 THEN 'none' WHEN u(i, 20) < 0.85 THEN 'silver' WHEN u(i, 20) < 0.97 THEN 'gold' ELSE 'platinum' END AS loyalty_tier,
        ${asOfTs} - to_seconds(CAST(floor(u(i, 21) * 5 * 365 * 86400) AS BIGINT)) AS created_at
      FROM range(1, ${n + 1}) AS r(i)
    ) TO ${stringLiteral(join(root, 'catalog/recipients/data.parquet'))} (FORMAT PARQUET)`);

    progress('products', 1, 4);
    await run(`COPY (
      SELECT
        CAST(p AS BIGINT) AS id,
        ${pick(CATEGORIES, 'u(p, 41)')} || ' ' || ${pick(['classic', 'pro', 'lite', 'max', 'eco', 'plus'], 'u(p, 42)')} || ' ' || CAST(p AS VARCHAR) AS name,
        ${pick(CATEGORIES, 'u(p, 41)')} AS category,
        ${pick(BRANDS, 'u(p, 43)')} AS brand,
        price(p) AS price,
        CAST(DATE '${asOf}' - INTERVAL (CAST(floor(u(p, 44) * 5 * 365) AS INTEGER)) DAY AS DATE) AS launched_on
      FROM range(1, ${products + 1}) AS r(p)
    ) TO ${stringLiteral(join(root, 'catalog/products/data.parquet'))} (FORMAT PARQUET)`);

    progress('purchases', 2, 4);
    // About a third never buy; the others buy 1 + an exponential number of times (mean ~4), capped at 60.
    await run(`COPY (
      SELECT
        CAST(i * 64 + k AS BIGINT) AS id,
        CAST(i AS BIGINT) AS recipient_id,
        CAST(p AS BIGINT) AS product_id,
        CAST(q AS BIGINT) AS quantity,
        CAST(price(p) * q AS DECIMAL(18, 2)) AS amount,
        CASE WHEN u(i * 64 + k, 53) < 0.55 THEN 'web' WHEN u(i * 64 + k, 53) < 0.85 THEN 'store' ELSE 'app' END AS channel,
        ${asOfTs} - to_seconds(CAST(floor(pow(u(i * 64 + k, 54), 1.3) * 730 * 86400) AS BIGINT)) AS purchased_at
      FROM (
        SELECT i, k,
          1 + CAST(floor(pow(u(i * 64 + k, 51), 2) * ${products}) AS BIGINT) AS p,
          1 + CAST(floor(pow(u(i * 64 + k, 52), 3) * 4) AS BIGINT) AS q
        FROM (
          SELECT i, unnest(range(CASE WHEN u(i, 30) < 0.35 THEN 0 ELSE least(60, 1 + CAST(floor(-ln(1 - u(i, 31)) * 3) AS INTEGER)) END)) AS k
          FROM range(1, ${n + 1}) AS r(i)
        )
      )
    ) TO ${stringLiteral(join(root, 'catalog/purchases/data.parquet'))} (FORMAT PARQUET)`);

    progress('subscriptions', 3, 4);
    await run(`COPY (
      SELECT
        CAST(i * 4 + s AS BIGINT) AS id,
        CAST(i AS BIGINT) AS recipient_id,
        ['newsletter', 'promotions', 'sms_alerts'][s] AS service,
        CASE WHEN u(i * 4 + s, 61) < 0.2 THEN 'unsubscribed' ELSE 'active' END AS status,
        ${asOfTs} - to_seconds(CAST(floor((0.3 + 0.7 * u(i * 4 + s, 62)) * 3 * 365 * 86400) AS BIGINT)) AS subscribed_at,
        CASE WHEN u(i * 4 + s, 61) < 0.2 THEN ${asOfTs} - to_seconds(CAST(floor(u(i * 4 + s, 63) * 0.3 * 3 * 365 * 86400) AS BIGINT)) END AS unsubscribed_at
      FROM range(1, ${n + 1}) AS r(i), range(1, 4) AS t(s)
      WHERE u(i * 4 + s, 60) < [0.6, 0.4, 0.15][s]
    ) TO ${stringLiteral(join(root, 'catalog/subscriptions/data.parquet'))} (FORMAT PARQUET)`);

    // Leads: most are known recipients, some new, a few malformed lines.
    await run(`COPY (
      SELECT
        CASE WHEN u(l, 87) < 0.01 THEN NULL ELSE messy_email(CASE WHEN u(l, 70) < 0.7 THEN base_email(1 + CAST(floor(u(l, 71) * ${n}) AS BIGINT)) ELSE 'lead' || CAST(l AS VARCHAR) || '@prospects.example' END, l * 7 + 1) END AS email,
        CASE WHEN u(l, 88) < 0.02 THEN NULL ELSE messy(${pick([...FEMALE, ...MALE], 'u(l, 72)')}, l, 89) END AS first_name,
        CASE WHEN u(l, 73) < 0.03 THEN 'not a date' ELSE strftime(DATE '${asOf}' - INTERVAL (CAST(floor(u(l, 74) * 90) AS INTEGER)) DAY, '%Y-%m-%d') END AS signup_date,
        CASE WHEN u(l, 75) < 0.02 THEN 'high' ELSE CAST(CAST(floor(u(l, 76) * 100) AS INTEGER) AS VARCHAR) END AS score
      FROM range(1, ${leads + 1}) AS r(l)
    ) TO ${stringLiteral(join(root, 'incoming/leads/leads.csv'))} (FORMAT CSV, HEADER)`);

    const rows: Record<string, number> = {};
    for (const t of ['recipients', 'products', 'purchases', 'subscriptions']) {
      const r = await db.runAndReadAll(
        `SELECT count(*) FROM read_parquet(${stringLiteral(join(root, 'catalog', t, '*.parquet'))})`,
      );
      rows[t] = Number(r.getRows()[0]![0]);
    }
    rows.leads = leads;
    progress('done', 4, 4);
    return { rows, seconds: (Date.now() - started) / 1000 };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}
