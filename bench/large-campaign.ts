/** A 200-activity campaign built from a realistic block of 8 activities repeated 25 times. */
export function largeCampaign(blocks = 25): Record<string, unknown> {
  return campaignOf(blocks, 0);
}

/**
 * A campaign of `activities` activities (0 or 2 to 7 more than a multiple of 8): the blocks of
 * `largeCampaign`, then a chain Build audience -> Deduplication... -> End for the rest.
 */
export function campaignOfSize(activities: number): Record<string, unknown> {
  const rest = activities % 8;
  if (rest === 1) throw new Error('a campaign of 8n + 1 activities cannot be generated');
  return campaignOf(Math.floor(activities / 8), rest);
}

function campaignOf(blocks: number, rest: number): Record<string, unknown> {
  const activities: unknown[] = [];
  const transitions: unknown[] = [];
  const categories = ['running', 'shoes', 'apparel', 'electronics', 'books'];
  for (let k = 0; k < blocks; k++) {
    const cat = categories[k % categories.length];
    activities.push(
      {
        id: `build${k}`,
        type: 'buildAudience',
        query: {
          and: [
            { attribute: 'country', operator: 'in', value: ['FR', 'DE', 'GB'] },
            { attribute: 'opt_in_email', operator: 'equal', value: true },
            {
              exists: 'purchases',
              where: {
                and: [
                  { attribute: 'product.category', operator: 'equal', value: cat },
                  { attribute: 'purchased_at', operator: 'within', value: { last: 90 + k, unit: 'days' } },
                ],
              },
            },
            {
              aggregate: { function: 'sum', collection: 'purchases', attribute: 'amount' },
              operator: 'greater',
              value: 50 + k,
            },
            { expression: 'age(birth_date) BETWEEN 25 AND 65' },
            {
              except: [
                { attribute: 'email', operator: 'isNotEmpty' },
                { attribute: 'email', operator: 'contains', value: '@example.org' },
              ],
            },
          ],
        },
      },
      {
        id: `enrich${k}`,
        type: 'enrichment',
        attributes: ['email', 'first_name', 'loyalty_tier'],
        aggregates: [
          {
            collection: 'purchases',
            function: 'sum',
            attribute: 'amount',
            where: { attribute: 'product.category', operator: 'equal', value: cat },
            as: 'spent',
          },
        ],
        lines: [
          {
            collection: 'purchases',
            count: 2,
            attributes: ['amount', 'product.category'],
            sort: { expression: 'purchased_at', order: 'highest' },
            as: 'last',
          },
        ],
      },
      {
        id: `dedup${k}`,
        type: 'deduplication',
        fields: ['email'],
        method: { type: 'expression', expression: 'spent', order: 'highest' },
      },
      {
        id: `split${k}`,
        type: 'split',
        subsets: [
          { id: 'control', limit: { percent: 10 } },
          {
            id: 'top',
            filter: { attribute: 'spent', operator: 'greater', value: 200 },
            limit: { count: 1000 },
            sort: [{ expression: 'spent' }],
          },
          { id: 'rest' },
        ],
        generateComplement: true,
      },
      { id: `union${k}`, type: 'combine', operation: 'union' },
      { id: `exclude${k}`, type: 'combine', operation: 'exclusion', primary: `u${k}` },
      { id: `save${k}`, type: 'saveAudience', audience: `block-${k}` },
      { id: `end${k}`, type: 'end' },
    );
    transitions.push(
      { from: `build${k}`, to: `enrich${k}` },
      { from: `enrich${k}`, to: `dedup${k}` },
      { from: `dedup${k}`, to: `split${k}` },
      { from: `split${k}`, output: 'top', to: `union${k}` },
      { from: `split${k}`, output: 'rest', to: `union${k}` },
      { id: `u${k}`, from: `union${k}`, to: `exclude${k}` },
      { from: `split${k}`, output: 'control', to: `exclude${k}` },
      { from: `split${k}`, output: 'complement', to: `end${k}` },
      { from: `exclude${k}`, to: `save${k}` },
      { from: `save${k}`, to: `end${k}` },
    );
  }
  if (rest) {
    const chain = Array.from({ length: rest }, (_, i) => `tail${i}`);
    activities.push(
      { id: chain[0], type: 'buildAudience', query: { attribute: 'country', operator: 'equal', value: 'FR' } },
      ...chain.slice(1, -1).map((id) => ({ id, type: 'deduplication', fields: ['email'] })),
      { id: chain[rest - 1], type: 'end' },
    );
    for (let i = 1; i < rest; i++) transitions.push({ from: chain[i - 1], to: chain[i] });
  }
  const label = `A ${activities.length}-activity campaign`;
  return { id: 'large', label, dimension: 'recipients', activities, transitions };
}

/** The compiled definition's size, in bytes as a deployment sends it, of an n-activity campaign. */
export function definitionSizeOf(
  activities: number,
  compile: (doc: Record<string, unknown>) => { bytes: number },
): { activities: number; bytes: number } {
  return { activities, bytes: compile(campaignOfSize(activities)).bytes };
}
