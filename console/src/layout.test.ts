import { describe, expect, it } from 'vitest';
import { fitViewport, layoutGraph, NODE_HEIGHT, NODE_WIDTH, type Positioned, shapeKey } from './layout.js';

describe('the canvas layout', () => {
  it('left to right: each activity after the one it comes from; branches one above the other', () => {
    const p = layoutGraph(
      ['a', 'b', 'c', 'd'],
      [
        { from: 'a', to: 'b' },
        { from: 'a', to: 'c' },
        { from: 'b', to: 'd' },
        { from: 'c', to: 'd' },
      ],
    );
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => p.get(id)!);
    expect(b!.x).toBeGreaterThanOrEqual(a!.x + NODE_WIDTH);
    expect(d!.x).toBeGreaterThanOrEqual(b!.x + NODE_WIDTH);
    expect(b!.x).toBe(c!.x);
    expect(Math.abs(b!.y - c!.y)).toBeGreaterThanOrEqual(NODE_HEIGHT);
  });

  it('the same graph gives the same positions, whatever the order it is given in', () => {
    const edges = [
      { from: 'a', to: 'b' },
      { from: 'a', to: 'c' },
    ];
    const one = layoutGraph(['a', 'b', 'c'], edges);
    const two = layoutGraph(['c', 'a', 'b'], [...edges].reverse());
    for (const id of ['a', 'b', 'c']) expect(two.get(id)).toEqual(one.get(id));
    expect(shapeKey(['c', 'a', 'b'], [...edges].reverse())).toBe(shapeKey(['a', 'b', 'c'], edges));
    expect(shapeKey(['a', 'b', 'c'], edges)).not.toBe(shapeKey(['a', 'b', 'c'], [edges[0]!]));
  });

  it('edges to unknown activities are ignored; 60 activities in a tree are laid out without overlap', () => {
    expect(layoutGraph(['a'], [{ from: 'a', to: 'zz' }]).size).toBe(1);
    const ids = Array.from({ length: 60 }, (_, i) => `a${i}`);
    const edges = ids.slice(1).map((id, i) => ({ from: ids[Math.floor(i / 3)]!, to: id }));
    const p = [...layoutGraph(ids, edges).values()];
    const overlap = p.some((m, i) =>
      p.some((n, j) => j > i && Math.abs(m.x - n.x) < NODE_WIDTH && Math.abs(m.y - n.y) < NODE_HEIGHT),
    );
    expect(overlap).toBe(false);
  });
});

describe('the layout of large and broken graphs', () => {
  const overlaps = (p: Positioned[]) =>
    p.some((m, i) => p.some((n, j) => j > i && Math.abs(m.x - n.x) < NODE_WIDTH && Math.abs(m.y - n.y) < NODE_HEIGHT));

  it('the 200-activity benchmark campaign: 25 parts stacked, no overlap, each activity right of those it comes from', () => {
    // The shape of bench/large-campaign.ts: 25 blocks of 8 activities, 10 transitions each.
    const block = (k: number) => ({
      ids: ['build', 'enrich', 'dedup', 'split', 'union', 'exclude', 'save', 'end'].map((a) => `${a}${k}`),
      transitions: [
        ['build', 'enrich'],
        ['enrich', 'dedup'],
        ['dedup', 'split'],
        ['split', 'union'],
        ['split', 'union'],
        ['union', 'exclude'],
        ['split', 'exclude'],
        ['split', 'end'],
        ['exclude', 'save'],
        ['save', 'end'],
      ].map(([from, to]) => ({ from: `${from}${k}`, to: `${to}${k}` })),
    });
    const blocks = Array.from({ length: 25 }, (_, k) => block(k));
    const ids = blocks.flatMap((b) => b.ids);
    const c = { transitions: blocks.flatMap((b) => b.transitions) };
    const p = layoutGraph(ids, c.transitions);
    expect(p.size).toBe(200);
    expect(overlaps([...p.values()])).toBe(false);
    for (const t of c.transitions) expect(p.get(t.to)!.x, `${t.from} -> ${t.to}`).toBeGreaterThan(p.get(t.from)!.x);
    // Block 0 (its ids sort first) above block 1: the parts do not interleave.
    const bottom0 = Math.max(...ids.filter((i) => /\D0$/.test(i)).map((i) => p.get(i)!.y));
    const top1 = Math.min(...ids.filter((i) => /\D1$/.test(i)).map((i) => p.get(i)!.y));
    expect(top1).toBeGreaterThan(bottom0 + NODE_HEIGHT);
  });

  it('a chain stays on one line; a merge sits between the branches it joins; a cycle of a draft is laid out', () => {
    const p = layoutGraph(
      ['a', 'b', 'c', 'd'],
      [
        { from: 'a', to: 'b' },
        { from: 'a', to: 'c' },
        { from: 'b', to: 'd' },
        { from: 'c', to: 'd' },
      ],
    );
    expect(p.get('d')!.y).toBe((p.get('b')!.y + p.get('c')!.y) / 2);
    const chain = layoutGraph(
      ['x', 'y', 'z'],
      [
        { from: 'x', to: 'y' },
        { from: 'y', to: 'z' },
      ],
    );
    expect(new Set([...chain.values()].map((n) => n.y)).size).toBe(1);
    const cycle = layoutGraph(
      ['a', 'b', 'c'],
      [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
        { from: 'c', to: 'a' },
      ],
    );
    expect([...cycle.values()].map((n) => n.x)).toEqual([16, 16 + NODE_WIDTH + 80, 16 + 2 * (NODE_WIDTH + 80)]);
  });
});

describe('the first view, fitted from the layout', () => {
  it('every node in the box, centred, with the padding; never past the zoom limits', () => {
    const nodes = [
      { id: 'a', x: 0, y: 0 },
      { id: 'b', x: 2 * NODE_WIDTH, y: NODE_HEIGHT },
    ];
    // The nodes span 3 W x 2 H; a box of 1000 x 500 with 10% padding: zoom = min(1000 / (3W * 1.2), 500 / (2H * 1.2)).
    const v = fitViewport(nodes, { width: 1000, height: 500 }, { padding: 0.1, minZoom: 0.1, maxZoom: 2 });
    const zoom = Math.min(1000 / (3 * NODE_WIDTH * 1.2), 500 / (2 * NODE_HEIGHT * 1.2));
    expect(v.zoom).toBeCloseTo(zoom, 6);
    expect(v.x).toBeCloseTo((1000 - 3 * NODE_WIDTH * zoom) / 2, 6);
    expect(v.y).toBeCloseTo((500 - 2 * NODE_HEIGHT * zoom) / 2, 6);
    expect(
      fitViewport(nodes.slice(0, 1), { width: 2000, height: 2000 }, { padding: 0, minZoom: 0.1, maxZoom: 1.5 }).zoom,
    ).toBe(1.5);
    expect(fitViewport([], { width: 10, height: 10 }, { padding: 0, minZoom: 0.1, maxZoom: 1.5 })).toEqual({
      x: 0,
      y: 0,
      zoom: 1,
    });
  });
});
