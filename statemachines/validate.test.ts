/** Every validation rule: a failing example, and the message a campaign author sees. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadCatalog } from '../lambdas/catalog/catalog.js';
import { validateCampaign } from './validate.js';

const catalog = loadCatalog(join(import.meta.dirname, '../examples/catalog.yaml'));

/** A small valid campaign; tests change one thing. */
// biome-ignore lint/suspicious/noExplicitAny: each test edits the document freely, into an invalid campaign on purpose
function base(): Record<string, any> {
  return {
    id: 'test',
    label: 'Test',
    dimension: 'recipients',
    activities: [
      { id: 'a', type: 'buildAudience', query: { attribute: 'country', operator: 'equal', value: 'FR' } },
      { id: 'b', type: 'deduplication', fields: ['email'] },
      { id: 'end', type: 'end' },
    ],
    transitions: [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'end' },
    ],
  };
}

function check(doc: unknown) {
  return validateCampaign(doc, catalog, { now: new Date('2026-11-22T12:00:00Z') });
}

function errorsOf(doc: unknown) {
  const r = check(doc);
  expect(r.valid).toBe(false);
  return r.errors;
}

describe('validation', () => {
  it('accepts the base campaign', () => {
    const r = check(base());
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.valid).toBe(true);
  });

  it('unknown activity type', () => {
    const doc = base();
    doc.activities[1].type = 'dedupe';
    expect(errorsOf(doc)).toContainEqual({
      activity: 'b',
      path: 'activities[1].type',
      message: expect.stringMatching(/^unknown activity type 'dedupe'\. Did you mean 'deduplication'\?/),
    });
  });

  it('unknown output', () => {
    const doc = base();
    doc.transitions[0].output = 'complement';
    expect(errorsOf(doc)).toContainEqual({
      activity: 'a',
      path: 'transitions[0].output',
      message: "Build audience 'a' has no output 'complement'; its outputs: main",
    });
  });

  it('missing settings', () => {
    const doc = base();
    delete doc.activities[1].fields;
    expect(errorsOf(doc)).toContainEqual({
      activity: 'b',
      path: 'activities[1].fields',
      message: 'is required (array)',
    });
  });

  it('wrong settings: type of a value, unknown field', () => {
    const doc = base();
    doc.activities[1].keep = 'two';
    doc.activities[1].methd = { type: 'random' };
    const errors = errorsOf(doc);
    expect(errors).toContainEqual({
      activity: 'b',
      path: 'activities[1].keep',
      message: 'expected number, received string',
    });
    expect(errors).toContainEqual({
      activity: 'b',
      path: 'activities[1]',
      message: "unknown field 'methd'. Did you mean 'method'?",
    });
  });

  it('unknown table', () => {
    const doc = base();
    doc.activities[0].dimension = 'customers';
    expect(errorsOf(doc)).toContainEqual({
      activity: 'a',
      path: 'activities[0].dimension',
      message: expect.stringContaining(
        "unknown table 'customers'; the catalog has: recipients, products, purchases, subscriptions",
      ),
    });
  });

  it('unknown attribute, with a suggestion', () => {
    const doc = base();
    doc.activities[0].query = { attribute: 'contry', operator: 'equal', value: 'FR' };
    expect(errorsOf(doc)).toContainEqual({
      activity: 'a',
      path: 'activities[0].query.attribute',
      message: "unknown attribute 'contry' on recipients. Did you mean 'country'?",
    });
  });

  it('unknown link', () => {
    const doc = base();
    doc.activities[0] = {
      id: 'a',
      type: 'buildAudience',
      dimension: 'purchases',
      query: { attribute: 'prodcut.category', operator: 'equal', value: 'x' },
    };
    doc.activities[1].fields = ['id'];
    expect(errorsOf(doc)).toContainEqual({
      activity: 'a',
      path: 'activities[0].query.attribute',
      message: "unknown link 'prodcut' on purchases (in 'prodcut.category'). Did you mean 'product'?",
    });
  });

  it('a collection used as an attribute', () => {
    const doc = base();
    doc.activities[0].query = { attribute: 'purchases.amount', operator: 'greater', value: 1 };
    expect(errorsOf(doc)).toContainEqual({
      activity: 'a',
      path: 'activities[0].query.attribute',
      message: "'purchases' is a collection (1-N): use exists, notExists or an aggregate to test it",
    });
  });

  it('operator not valid for the type', () => {
    const doc = base();
    doc.activities[0].query = { and: [{ attribute: 'opt_in_email', operator: 'greater', value: true }] };
    expect(errorsOf(doc)).toContainEqual({
      activity: 'a',
      path: 'activities[0].query.and[0].operator',
      message: "operator 'greater' does not apply to a boolean; use one of: equal, notEqual, isEmpty, isNotEmpty",
    });
  });

  it('value of the wrong type', () => {
    const doc = base();
    doc.activities[0].query = { attribute: 'birth_date', operator: 'less', value: '22/11/2000' };
    expect(errorsOf(doc)).toContainEqual({
      activity: 'a',
      path: 'activities[0].query.value',
      message: 'value: expected a date YYYY-MM-DD, got "22/11/2000"',
    });
  });

  it('malformed rule', () => {
    const doc = base();
    doc.activities[0].query = { attribute: 'country', op: 'equal' };
    const errors = errorsOf(doc);
    expect(errors.some((e) => e.path.startsWith('activities[0].query') && /expected a condition/.test(e.message))).toBe(
      true,
    );
  });

  it('expression syntax and type errors give the position', () => {
    const doc = base();
    doc.activities[0].query = { expression: 'month(birth_date) = = 3' };
    expect(errorsOf(doc)).toContainEqual({
      activity: 'a',
      path: 'activities[0].query.expression',
      message:
        "syntax error: expected a value, a name or a function call, found '=' (at character 21 of 'month(birth_date) = = 3')",
    });
    doc.activities[0].query = { expression: "upper(birth_date) = 'X'" };
    expect(errorsOf(doc)).toContainEqual({
      activity: 'a',
      path: 'activities[0].query.expression',
      message: "upper: argument 1 is date; expected upper(string) (at character 1 of 'upper(birth_date) = 'X'')",
    });
  });

  it('date arithmetic by a constant beyond ±100,000 days is refused at validation, naming the activity and field', () => {
    const doc = base();
    // 1e9 days after a birth date is ~2.7 million years away: DuckDB fails at run time with
    // "Date and time not in timestamp range".
    doc.activities[0].query = { expression: 'addDays(birth_date, 1000000000) > today()' };
    expect(errorsOf(doc)).toContainEqual({
      activity: 'a',
      path: 'activities[0].query.expression',
      message: expect.stringMatching(
        /^addDays: 1000000000 days is out of the range of dates; shift by at most 100,000 days/,
      ),
    });
    // The same bound in the other units and the other direction: 100,000 days / 31 = 3,225 months.
    doc.activities[0].query = { expression: 'addMonths(birth_date, -4000) < today()' };
    expect(errorsOf(doc)).toContainEqual(
      expect.objectContaining({ activity: 'a', message: expect.stringMatching(/^addMonths: -4000 months is out of/) }),
    );
    doc.activities[0].query = { expression: 'addYears(birth_date, 300) > today()' };
    expect(errorsOf(doc)).toContainEqual(
      expect.objectContaining({ activity: 'a', message: expect.stringMatching(/^addYears: 300 years is out of/) }),
    );
    // Within the bound, and shifts that are not constants, stay valid.
    for (const expression of [
      'addDays(birth_date, 100000) > today()',
      'addDays(birth_date, -100000) < today()',
      'addYears(birth_date, 200) > today()',
      'addMinutes(created_at, 1000000) > now()',
      'addDays(birth_date, id) > today()',
    ]) {
      doc.activities[0].query = { expression };
      expect(check(doc).errors, expression).toEqual([]);
    }
  });

  it('an integer variable accepts only integers: a default of 1.5 is refused', () => {
    const doc = base();
    doc.variables = { n: { type: 'integer', default: 1.5 } };
    expect(errorsOf(doc)).toContainEqual({
      activity: null,
      path: 'variables.n.default',
      message: 'expected an integer, got 1.5',
    });
    doc.variables = { n: { type: 'integer', default: 2 } };
    expect(check(doc).errors).toEqual([]);
  });

  it('cycle', () => {
    const doc = base();
    doc.activities.splice(2, 0, { id: 'c', type: 'fork' });
    doc.transitions.push({ from: 'b', to: 'c', id: 'b-c' }, { from: 'c', to: 'b', id: 'c-b' });
    doc.transitions[1] = { from: 'c', to: 'end' };
    const errors = errorsOf(doc);
    expect(errors).toContainEqual(
      expect.objectContaining({
        message: expect.stringMatching(/^cycle: (b -> c -> b|c -> b -> c); a campaign is a graph without loops$/),
      }),
    );
  });

  it('unreachable activities', () => {
    const doc = base();
    doc.activities.push(
      { id: 'orphan', type: 'split', subsets: [{ id: 's1' }] },
      { id: 'after', type: 'deduplication', fields: ['email'] },
    );
    doc.transitions.push({ from: 'orphan', output: 's1', to: 'after' }, { from: 'after', to: 'end' });
    const errors = errorsOf(doc);
    expect(errors).toContainEqual({
      activity: 'orphan',
      path: 'activities[3]',
      message: 'Split needs an inbound transition',
    });
    expect(errors).toContainEqual({
      activity: 'after',
      path: 'activities[4]',
      message: "'after' is unreachable from any entry activity",
    });
  });

  it('combine with fewer than two inbound sets', () => {
    const doc = base();
    doc.activities[1] = { id: 'b', type: 'combine', operation: 'union' };
    expect(errorsOf(doc)).toContainEqual({
      activity: 'b',
      path: 'activities[1]',
      message: 'Combine needs at least 2 inbound transitions, it has 1',
    });
  });

  it('inbound populations of different dimensions', () => {
    const doc = base();
    doc.activities.splice(1, 0, { id: 'p', type: 'buildAudience', dimension: 'purchases' });
    doc.activities[2] = { id: 'b', type: 'combine', operation: 'intersection' };
    doc.transitions.push({ from: 'p', to: 'b' });
    expect(errorsOf(doc)).toContainEqual({
      activity: 'b',
      path: 'activities[2]',
      message:
        "inbound populations have different dimensions (a-b: recipients, p-b: purchases); reconcile them on attributes with 'on', or change the dimension first",
    });
  });

  it('duplicate activity and transition ids', () => {
    const doc = base();
    doc.activities.push({ id: 'b', type: 'end' });
    doc.transitions.push({ from: 'a', to: 'b' });
    const errors = errorsOf(doc);
    expect(errors).toContainEqual({ activity: 'b', path: 'activities[3].id', message: "duplicate activity id 'b'" });
    expect(errors).toContainEqual({
      activity: null,
      path: 'transitions[2].id',
      message: "duplicate transition id 'a-b' (generated from from/to; give the transitions distinct ids)",
    });
  });

  it('transition to nowhere, and from nowhere', () => {
    const doc = base();
    doc.transitions[1].to = 'ned';
    doc.transitions.push({ from: 'x', to: 'end' });
    const errors = errorsOf(doc);
    expect(errors).toContainEqual({
      activity: 'b',
      path: 'transitions[1].to',
      message: "transition 'b-ned' goes to nowhere: there is no activity 'ned'. Did you mean 'end'?",
    });
    expect(errors).toContainEqual({
      activity: null,
      path: 'transitions[2].from',
      message: "transition 'x-end' comes from unknown activity 'x'.",
    });
  });

  it('an output going nowhere is a warning', () => {
    const doc = base();
    doc.activities[1].generateComplement = true;
    const r = check(doc);
    expect(r.valid).toBe(true);
    expect(r.warnings).toEqual([
      {
        activity: 'b',
        path: 'activities[1]',
        message:
          "output 'complement' goes nowhere: its population is computed and not used (add a transition, or an End)",
      },
    ]);
  });

  it('two transitions from one output need a fork', () => {
    const doc = base();
    doc.activities.push({ id: 'b2', type: 'deduplication', fields: ['email'] });
    doc.transitions.push({ from: 'a', to: 'b2' }, { from: 'b2', to: 'end' });
    expect(errorsOf(doc)).toContainEqual({
      activity: 'a',
      path: 'activities[0]',
      message: "output 'main' has 2 transitions; to start parallel branches with the same population, add a Fork",
    });
  });

  it('an activity taking one inbound transition given two', () => {
    const doc = base();
    doc.activities.push({ id: 'a2', type: 'buildAudience' });
    doc.transitions.push({ from: 'a2', to: 'b' });
    expect(errorsOf(doc)).toContainEqual({
      activity: 'b',
      path: 'activities[1]',
      message:
        'Deduplication takes one inbound transition, it has 2; combine populations with a Combine or an And-join first',
    });
  });

  it('a reference to a transition that is not inbound', () => {
    const doc = base();
    doc.activities.splice(1, 0, { id: 'a2', type: 'buildAudience' });
    doc.activities[2] = { id: 'b', type: 'combine', operation: 'exclusion', primary: 'a-x' };
    doc.transitions.push({ from: 'a2', to: 'b' });
    expect(errorsOf(doc)).toContainEqual({
      activity: 'b',
      path: 'activities[2].primary',
      message: "'a-x' is not an inbound transition of this activity; inbound: a-b, a2-b",
    });
  });

  it('unknown variable, wrong variable type, unknown time zone', () => {
    const doc = base();
    doc.variables = { minAge: { type: 'integer', default: 'old' } };
    doc.timezone = 'Europe/Pariss';
    doc.activities[0].query = { attribute: 'country', operator: 'equal', value: { variable: 'land' } };
    const errors = errorsOf(doc);
    expect(errors).toContainEqual({
      activity: null,
      path: 'variables.minAge.default',
      message: 'expected an integer, got "old"',
    });
    expect(errors).toContainEqual({
      activity: null,
      path: 'timezone',
      message: "unknown time zone 'Europe/Pariss'; use an IANA name such as Europe/Paris or America/New_York",
    });
    expect(errors).toContainEqual({
      activity: 'a',
      path: 'activities[0].query.value',
      message: "unknown variable 'land'.",
    });
  });

  it('a hostile string in a value is just a value', () => {
    const doc = base();
    doc.activities[0].query = { attribute: 'country', operator: 'equal', value: "FR'; DROP TABLE recipients; --" };
    const r = check(doc);
    expect(r.valid).toBe(true);
    const node = r.analysis!.nodes.get('a')!;
    const plan = node.valid ? node.plan! : undefined;
    expect(plan?.action.type === 'query' && plan.action.sql).toContain(
      `t."country" = 'FR''; DROP TABLE recipients; --'`,
    );
  });

  it('not an object, no activities, unknown campaign field', () => {
    expect(errorsOf('hello')[0]).toEqual({ activity: null, path: '', message: 'expected object, received string' });
    expect(errorsOf({ ...base(), activities: [] })).toContainEqual({
      activity: null,
      path: 'activities',
      message: 'Too small: expected array to have >=1 items',
    });
    expect(errorsOf({ ...base(), triger: {} })).toContainEqual({
      activity: null,
      path: '',
      message: "unknown field 'triger'. Did you mean 'trigger'?",
    });
  });

  it("a monthly trigger may list 'last' with other days", () => {
    const r = check({ ...base(), trigger: { type: 'monthly', days: [1, 15, 'last'], at: '09:00' } });
    expect(r.errors).toEqual([]);
    expect(r.valid).toBe(true);
  });

  it('schedules more often than every 15 minutes are discouraged', () => {
    const r = check({ ...base(), trigger: { type: 'interval', every: 5, unit: 'minutes' } });
    expect(r.valid).toBe(true);
    expect(r.warnings).toContainEqual({
      activity: null,
      path: 'trigger',
      message: expect.stringContaining('more often than every 15 minutes is discouraged'),
    });
  });

  it('refuses more than 500 activities, naming the limit', async () => {
    const { campaignOfSize } = await import('../bench/large-campaign.js');
    const { MAX_ACTIVITIES } = await import('./validate.js');
    expect(MAX_ACTIVITIES).toBe(500);
    const errors = errorsOf(campaignOfSize(506));
    expect(errors).toContainEqual(
      expect.objectContaining({
        activity: null,
        path: 'activities',
        message:
          "a campaign has at most 500 activities (this one has 506): its state machine must fit Step Functions' 1 MB definition limit; split it (an End activity can start another campaign)",
      }),
    );
    expect(check(campaignOfSize(500)).errors.filter((e) => e.path === 'activities')).toEqual([]);
  });
});

describe('deep input: refused with an error, never a stack overflow', () => {
  it('a condition group nested 1,000 deep', () => {
    const doc = base();
    let query: unknown = { attribute: 'country', operator: 'equal', value: 'FR' };
    for (let i = 0; i < 1000; i++) query = { and: [query] };
    doc.activities[0].query = query;
    expect(errorsOf(doc)).toEqual([
      { activity: null, path: '', message: expect.stringContaining('nests more than 64 levels') },
    ]);
  });

  it('a chain of 5,000 activities: the limit on activities, without a crash', () => {
    const doc = base();
    doc.activities = [
      { id: 'a0', type: 'buildAudience' },
      ...Array.from({ length: 4999 }, (_, i) => ({ id: `a${i + 1}`, type: 'deduplication', fields: ['email'] })),
    ];
    doc.transitions = Array.from({ length: 4999 }, (_, i) => ({ from: `a${i}`, to: `a${i + 1}` }));
    expect(errorsOf(doc)).toContainEqual({
      activity: null,
      path: 'activities',
      message: expect.stringContaining('at most 500 activities (this one has 5000)'),
    });
  });

  it('a cycle at the end of a long chain is still found and named', () => {
    const doc = base();
    doc.activities = [
      { id: 'a0', type: 'buildAudience' },
      ...Array.from({ length: 299 }, (_, i) => ({ id: `a${i + 1}`, type: 'deduplication', fields: ['email'] })),
      { id: 'j', type: 'combine', operation: 'union' },
    ];
    doc.transitions = [
      ...Array.from({ length: 299 }, (_, i) => ({ from: `a${i}`, to: `a${i + 1}` })),
      { from: 'a299', to: 'j' },
      { from: 'j', to: 'a299' },
    ];
    expect(errorsOf(doc).map((e) => e.message)).toContainEqual(
      expect.stringMatching(/^cycle: (a299 -> j -> a299|j -> a299 -> j);/),
    );
  });

  it.each([
    ['NOT', `${'NOT '.repeat(4990)}vip`],
    ['unary minus', `${'-'.repeat(19_000)}score > 1`],
    ['+', `${Array(4990).fill('1').join(' + ')} + score > 3`],
    ['AND', Array(2490).fill('vip').join(' AND ')],
  ])('an expression with a long %s chain is a syntax error', (_, expression) => {
    const doc = base();
    doc.activities[0].query = { expression };
    expect(errorsOf(doc)).toContainEqual({
      activity: 'a',
      path: 'activities[0].query.expression',
      message: expect.stringContaining('expression is more than 256 operations deep'),
    });
  });

  it('a chain of 250 ANDs is fine', () => {
    const doc = base();
    doc.activities[0].query = { expression: Array(250).fill("email <> ''").join(' AND ') };
    expect(check(doc).errors).toEqual([]);
  });
});

describe('names are plain data', () => {
  it("a '__proto__' key inside an activity is refused, naming the activity and the field", () => {
    const doc = JSON.parse(
      '{"id":"test","label":"T","dimension":"recipients","activities":[{"id":"a","type":"buildAudience","__proto__":{"query":1}},{"id":"end","type":"end"}],"transitions":[{"from":"a","to":"end"}]}',
    );
    expect(errorsOf(doc)).toEqual([
      {
        activity: 'a',
        path: 'activities[0].__proto__',
        message: expect.stringContaining("'__proto__' cannot be a field name"),
      },
    ]);
  });

  // Function names are looked up in lower case: `constructor` is the one name of Object.prototype that matters.
  it.each(['constructor(1) = 1', 'Constructor(email) = 1'])('%s: an unknown function, not a crash', (expression) => {
    const doc = base();
    doc.activities[0].query = { expression };
    expect(errorsOf(doc)).toContainEqual({
      activity: 'a',
      path: 'activities[0].query.expression',
      message: expect.stringMatching(/^unknown function '[Cc]onstructor'/),
    });
  });
});

describe('numbers beyond ±2^53', () => {
  it('a comparison with 1e16 is an error naming the activity and the field', () => {
    const doc = base();
    doc.activities[0].query = { attribute: 'country', operator: 'equal', value: 1e16 };
    expect(errorsOf(doc)).toEqual([
      {
        activity: 'a',
        path: 'activities[0].query.value',
        message: expect.stringContaining('10000000000000000 is beyond ±9,007,199,254,740,991 (2^53 - 1)'),
      },
    ]);
  });
});
