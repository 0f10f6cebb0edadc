import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { buildCatalog, CatalogError, loadCatalog } from './catalog.js';
import { AthenaDialect } from '../sql/dialect.js';

describe('catalog', () => {
  it('loads the sample catalog with links both ways', () => {
    const c = loadCatalog(join(import.meta.dirname, '../../examples/catalog.yaml'));
    expect(c.tableNames).toEqual(['recipients', 'products', 'purchases', 'subscriptions']);
    expect(c.table('purchases')!.links.get('recipient')).toMatchObject({
      kind: 'one',
      to: 'recipients',
      on: [{ from: 'recipient_id', to: 'id' }],
    });
    expect(c.table('recipients')!.links.get('purchases')).toMatchObject({
      kind: 'many',
      to: 'purchases',
      on: [{ from: 'id', to: 'recipient_id' }],
    });
    expect(c.table('recipients')!.columns.get('gender')).toMatchObject({
      type: 'string',
      label: 'Gender (F, M, X or empty)',
    });
  });

  function problems(doc: unknown): string[] {
    try {
      buildCatalog(doc);
    } catch (e) {
      if (e instanceof CatalogError) return e.issues.map((i) => `${i.path}: ${i.message}`);
      throw e;
    }
    return [];
  }

  it('reports every problem with its path', () => {
    expect(
      problems({
        tables: {
          people: {
            primaryKey: 'pk',
            location: 'people',
            columns: { id: 'integer', email: 'string' },
            links: {
              orders: { to: 'order', on: { id: 'person_id' } },
              email: { to: 'people', on: { id: 'id' } },
            },
          },
          orders: {
            primaryKey: 'id',
            location: 'orders',
            columns: { id: 'integer', person_id: 'string' },
            links: { person: { to: 'people', on: { person_id: 'id', nope: 'id' } } },
          },
        },
      }),
    ).toEqual([
      "tables.people.primaryKey: primary key 'pk' is not a column of people.",
      "tables.people.links.orders.to: unknown table 'order'. Did you mean 'orders'?",
      "tables.people.links.email: link 'email' has the name of a column of people; links and columns share one namespace",
      'tables.orders.links.person.on.person_id: cannot join orders.person_id (string) to people.id (integer)',
      "tables.orders.links.person.on.nope: 'nope' is not a column of orders.",
    ]);
  });

  it('rejects names Glue cannot hold and unknown types', () => {
    expect(
      problems({ tables: { People: { primaryKey: 'id', location: 'x', columns: { id: 'integer' } } } })[0],
    ).toMatch(/^tables\.People: use lower-case letters/);
    expect(problems({ tables: { people: { primaryKey: 'id', location: 'x', columns: { id: 'int' } } } })[0]).toMatch(
      /^tables\.people\.columns\.id:/,
    );
  });
});

describe('the built-in table orca_optouts', () => {
  const base = {
    tables: {
      people: { primaryKey: 'id', location: 'catalog/people', columns: { id: 'integer', email: 'string' } },
    },
  };
  it('is absent unless the catalog names it', () => {
    expect(buildCatalog(base).table('orca_optouts')).toBeUndefined();
  });

  it('named with links, it reads orca’s lake and gives the linked table a collection', () => {
    const c = buildCatalog({
      tables: {
        ...base.tables,
        orca_optouts: { links: { person: { to: 'people', on: { address: 'email' }, reverse: 'optouts' } } },
      },
    });
    const t = c.table('orca_optouts')!;
    expect([...t.columns.keys()]).toEqual([
      'address',
      'channel',
      'reason',
      'at',
      'campaign_id',
      'run_id',
      'message_id',
    ]);
    expect(t.lake).toMatchObject({ folder: 'channels/optouts', table: 'orca_optouts', partitions: ['channel', 'day'] });
    expect(c.table('people')!.links.get('optouts')).toMatchObject({ kind: 'many', to: 'orca_optouts' });
    expect(new AthenaDialect({ database: 'orca' }).catalogTable(t)).toBe(
      '(SELECT "address", "reason", "at", "campaign_id", "run_id", "message_id", "channel", "day" FROM "orca"."orca_optouts")',
    );
  });

  it('a catalog cannot redefine it', () => {
    expect(() =>
      buildCatalog({
        tables: { ...base.tables, orca_optouts: { primaryKey: 'a', location: 'x', columns: { a: 'string' } } },
      }),
    ).toThrow(
      "tables.orca_optouts: orca_optouts is orca's own table of opt-outs: a catalog may only declare its links",
    );
  });
});
