import { describe, expect, it } from 'vitest';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH, shapeKey } from './layout.js';

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
