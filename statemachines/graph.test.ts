import { describe, expect, it } from 'vitest';
import { activitiesOf, decompose, type Program } from './graph.js';

const show = (p: Program | null): string =>
  !p
    ? '∅'
    : p.kind === 'activity'
      ? p.id
      : p.kind === 'sequence'
        ? p.items.map(show).join(' > ')
        : `(${p.branches.map((b) => (b.kind === 'sequence' ? `(${show(b)})` : show(b))).join(' | ')})`;

/** Whether every arc a -> b has a finishing before b starts in the program. */
function respects(p: Program | null, arcs: Array<[string, string]>): boolean {
  // Completion time of each activity when every activity takes one step.
  const finish = new Map<string, number>();
  const run = (q: Program | null, start: number): number => {
    if (!q) return start;
    if (q.kind === 'activity') {
      finish.set(q.id, start + 1);
      return start + 1;
    }
    if (q.kind === 'sequence') return q.items.reduce((t, i) => run(i, t), start);
    return Math.max(start, ...q.branches.map((b) => run(b, start)));
  };
  const starts = new Map<string, number>();
  const visit = (q: Program | null, start: number): number => {
    if (!q) return start;
    if (q.kind === 'activity') {
      starts.set(q.id, start);
      return start + 1;
    }
    if (q.kind === 'sequence') return q.items.reduce((t, i) => visit(i, t), start);
    return Math.max(start, ...q.branches.map((b) => visit(b, start)));
  };
  run(p, 0);
  visit(p, 0);
  return arcs.every(([a, b]) => finish.get(a)! <= starts.get(b)!);
}

describe('graph decomposition', () => {
  it('a chain is a sequence', () => {
    const d = decompose(
      ['a', 'b', 'c'],
      [
        ['a', 'b'],
        ['b', 'c'],
      ],
    );
    expect(show(d.program)).toBe('a > b > c');
    expect(d.seriesParallel).toBe(true);
  });

  it('fork and join become one parallel block', () => {
    const arcs: Array<[string, string]> = [
      ['f', 'x'],
      ['f', 'y'],
      ['x', 'x2'],
      ['x', 'j'],
      ['x2', 'j'],
      ['y', 'j'],
      ['j', 'end'],
    ];
    const d = decompose(['f', 'x', 'x2', 'y', 'j', 'end'], arcs);
    expect(show(d.program)).toBe('f > (y | (x > x2)) > j > end');
    expect(d.seriesParallel).toBe(true);
  });

  it('two entry activities feeding a combine run in parallel', () => {
    const d = decompose(
      ['a', 'b', 'c', 'end'],
      [
        ['a', 'c'],
        ['b', 'c'],
        ['c', 'end'],
      ],
    );
    expect(show(d.program)).toBe('(a | b) > c > end');
  });

  it('several exits run in parallel', () => {
    const d = decompose(
      ['s', 'v1', 'v2', 'v3'],
      [
        ['s', 'v1'],
        ['s', 'v2'],
        ['s', 'v3'],
      ],
    );
    expect(show(d.program)).toBe('s > (v1 | v2 | v3)');
  });

  it('nested fork/join inside a branch', () => {
    const arcs: Array<[string, string]> = [
      ['a', 'b'],
      ['a', 'c'],
      ['b', 'd'],
      ['b', 'e'],
      ['d', 'f'],
      ['e', 'f'],
      ['f', 'g'],
      ['c', 'g'],
    ];
    const d = decompose(['a', 'b', 'c', 'd', 'e', 'f', 'g'], arcs);
    expect(show(d.program)).toBe('a > (c | (b > (d | e) > f)) > g');
    expect(d.seriesParallel).toBe(true);
  });

  it('a graph that is not series-parallel (the N shape) is still ordered correctly', () => {
    const arcs: Array<[string, string]> = [
      ['a', 'c'],
      ['a', 'd'],
      ['b', 'd'],
    ];
    const d = decompose(['a', 'b', 'c', 'd'], arcs);
    expect(d.seriesParallel).toBe(false);
    expect(respects(d.program, arcs)).toBe(true);
    expect(activitiesOf(d.program).sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('random DAGs: every activity once, every arc respected', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let trial = 0; trial < 300; trial++) {
      const n = 2 + Math.floor(rand() * 12);
      const nodes = Array.from({ length: n }, (_, i) => `n${i}`);
      const arcs: Array<[string, string]> = [];
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (rand() < 0.25) arcs.push([nodes[i]!, nodes[j]!]);
      const d = decompose(nodes, arcs);
      expect(activitiesOf(d.program).sort()).toEqual([...nodes].sort());
      expect(respects(d.program, arcs)).toBe(true);
    }
  });
});
