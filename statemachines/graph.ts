/**
 * Turns a campaign's activity graph (a DAG) into a program of sequences and parallel blocks.
 *
 * Series-parallel reduction on the two-terminal graph (a source before every entry activity, a
 * sink after every exit): a node with one way in and one way out joins its two edges into one
 * (series); several edges between the same two nodes become one parallel block. A series-parallel
 * graph reduces to a single edge whose program has full concurrency. What cannot be reduced is
 * scheduled by levels (longest path): still correct, with some concurrency traded away.
 */
export type Program =
  | { kind: 'activity'; id: string }
  | { kind: 'sequence'; items: Program[] }
  | { kind: 'parallel'; branches: Program[] };

export function sequence(parts: Array<Program | null>): Program | null {
  const items = parts.flatMap((p) => (p === null ? [] : p.kind === 'sequence' ? p.items : [p]));
  return items.length === 0 ? null : items.length === 1 ? items[0]! : { kind: 'sequence', items };
}

export function parallel(parts: Array<Program | null>): Program | null {
  const branches = parts.flatMap((p) => (p === null ? [] : p.kind === 'parallel' ? p.branches : [p]));
  return branches.length === 0 ? null : branches.length === 1 ? branches[0]! : { kind: 'parallel', branches };
}

interface Edge {
  id: number;
  from: string;
  to: string;
  program: Program | null;
}

const SOURCE = '\u0000source';
const SINK = '\u0000sink';

export interface Decomposition {
  program: Program | null;
  /** True when the graph was series-parallel (full concurrency). */
  seriesParallel: boolean;
}

export function decompose(nodes: readonly string[], arcs: ReadonlyArray<readonly [string, string]>): Decomposition {
  const edges = new Map<number, Edge>();
  const outs = new Map<string, Set<number>>();
  const ins = new Map<string, Set<number>>();
  let nextId = 0;
  for (const n of [SOURCE, SINK, ...nodes]) {
    outs.set(n, new Set());
    ins.set(n, new Set());
  }
  const add = (from: string, to: string, program: Program | null) => {
    const e = { id: nextId++, from, to, program };
    edges.set(e.id, e);
    outs.get(from)!.add(e.id);
    ins.get(to)!.add(e.id);
  };
  const drop = (e: Edge) => {
    edges.delete(e.id);
    outs.get(e.from)!.delete(e.id);
    ins.get(e.to)!.delete(e.id);
  };
  const seen = new Set<string>();
  for (const [a, b] of arcs) {
    const key = `${a}\u0000${b}`;
    if (!seen.has(key)) add(a, b, null);
    seen.add(key);
  }
  for (const n of nodes) {
    if (ins.get(n)!.size === 0) add(SOURCE, n, null);
    if (outs.get(n)!.size === 0) add(n, SINK, null);
  }
  const alive = new Set(nodes);

  for (let changed = true; changed; ) {
    changed = false;
    // Parallel reduction: edges with the same ends become one block.
    for (const n of [SOURCE, ...alive]) {
      const byTarget = new Map<string, Edge[]>();
      for (const id of outs.get(n)!) {
        const e = edges.get(id)!;
        byTarget.set(e.to, [...(byTarget.get(e.to) ?? []), e]);
      }
      for (const [to, group] of byTarget) {
        if (group.length < 2) continue;
        group.forEach(drop);
        add(n, to, parallel(group.map((e) => e.program)));
        changed = true;
      }
    }
    // Series reduction: a node with one edge in and one edge out.
    for (const n of [...alive]) {
      if (ins.get(n)!.size !== 1 || outs.get(n)!.size !== 1) continue;
      const a = edges.get([...ins.get(n)!][0]!)!;
      const b = edges.get([...outs.get(n)!][0]!)!;
      drop(a);
      drop(b);
      alive.delete(n);
      add(a.from, b.to, sequence([a.program, { kind: 'activity', id: n }, b.program]));
      changed = true;
    }
  }
  if (alive.size === 0 && edges.size === 1) return { program: [...edges.values()][0]!.program, seriesParallel: true };
  return { program: levels(alive, edges), seriesParallel: false };
}

/** Schedules what is left by levels: every task runs after all tasks of lower levels. */
function levels(alive: Set<string>, edges: Map<number, Edge>): Program | null {
  // Tasks: remaining activities, and edges that carry a program of their own.
  type Task = { program: Program; deps: string[] };
  const tasks = new Map<string, Task>();
  for (const n of alive) tasks.set(n, { program: { kind: 'activity', id: n }, deps: [] });
  for (const e of edges.values()) {
    const from = e.from === SOURCE ? [] : [e.from];
    if (e.program) {
      const key = `\u0000edge${e.id}`;
      tasks.set(key, { program: e.program, deps: from });
      if (e.to !== SINK) tasks.get(e.to)!.deps.push(key);
    } else if (e.to !== SINK) tasks.get(e.to)!.deps.push(...from);
  }
  // Longest path from the start, with a stack of its own (chains of thousands of tasks).
  const level = new Map<string, number>();
  const depth = (start: string): number => {
    const stack = [start];
    while (stack.length) {
      const k = stack[stack.length - 1]!;
      if (level.has(k)) {
        stack.pop();
        continue;
      }
      const deps = tasks.get(k)!.deps;
      const pending = deps.filter((d) => !level.has(d));
      if (pending.length) stack.push(...pending);
      else {
        level.set(k, 1 + Math.max(0, ...deps.map((d) => level.get(d)!)));
        stack.pop();
      }
    }
    return level.get(start)!;
  };
  const byLevel: Program[][] = [];
  for (const k of tasks.keys()) {
    const level = depth(k) - 1;
    byLevel[level] ??= [];
    byLevel[level].push(tasks.get(k)!.program);
  }
  return sequence(byLevel.map((ps) => parallel(ps)));
}

/** The activities of a program, in order of appearance. */
export function activitiesOf(p: Program | null): string[] {
  const ids: string[] = [];
  const stack: Program[] = p ? [p] : [];
  while (stack.length) {
    const q = stack.pop()!;
    if (q.kind === 'activity') ids.push(q.id);
    else stack.push(...[...(q.kind === 'sequence' ? q.items : q.branches)].reverse());
  }
  return ids;
}
