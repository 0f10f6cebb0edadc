/**
 * The canvas's graph: the activities and transitions of a definition, with a run's statuses, task
 * and row counts on them, and validation issues on the activities they name. A run's own records
 * come first (the canvas as it was), the definition fills in what the run has not recorded yet.
 */
import type { ActivityStatus, Definition, Issue, RunDetail } from './types.js';

export interface GraphNode {
  id: string;
  type: string;
  label: string;
  status: ActivityStatus;
  tasks: number;
  rows?: number;
  error?: string;
  errors: string[];
  warnings: string[];
}

export interface GraphEdge {
  /** The transition id (the work table's name): <from>-<to> or <from>-<output>-<to> unless named. */
  id: string;
  from: string;
  to: string;
  output: string;
  /** Rows that went through in the run; undefined before they did. */
  rows?: number;
  active: boolean;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const transitionIdOf = (t: { id?: string; from: string; output?: string; to: string }): string =>
  t.id ?? (!t.output || t.output === 'main' ? `${t.from}-${t.to}` : `${t.from}-${t.output}-${t.to}`);

export function buildGraph(
  definition: Definition | undefined,
  run?: RunDetail,
  issues: { errors: Issue[]; warnings: Issue[] } = { errors: [], warnings: [] },
): Graph {
  const defs = Array.isArray(definition?.activities) ? definition.activities : [];
  const byRun = new Map((run?.activities ?? []).map((a) => [a.id, a]));
  const ids: string[] = [];
  const seen = new Set<string>();
  const add = (id: unknown) => {
    if (typeof id === 'string' && id && !seen.has(id)) {
      seen.add(id);
      ids.push(id);
    }
  };
  for (const a of run?.activities ?? []) add(a.id);
  if (!run?.activities.length) for (const a of defs) add(a?.id);
  const defOf = new Map(defs.filter((a) => a && typeof a.id === 'string').map((a) => [a.id, a]));
  const nodes = ids.map((id): GraphNode => {
    const r = byRun.get(id);
    const d = defOf.get(id);
    return {
      id,
      type: r?.type ?? (typeof d?.type === 'string' ? d.type : 'unknown'),
      label: typeof d?.label === 'string' && d.label ? d.label : id,
      status: r?.status ?? 'pending',
      tasks: r?.tasks ?? 0,
      ...(r?.rows !== undefined ? { rows: r.rows } : {}),
      ...(r?.error ? { error: r.error } : {}),
      errors: issues.errors.filter((i) => i.activity === id).map((i) => i.message),
      warnings: issues.warnings.filter((i) => i.activity === id).map((i) => i.message),
    };
  });
  const edges = new Map<string, GraphEdge>();
  const defTransitions = Array.isArray(definition?.transitions) ? definition.transitions : [];
  for (const t of defTransitions) {
    if (!t || !seen.has(t.from) || !seen.has(t.to)) continue;
    const id = transitionIdOf(t);
    edges.set(id, { id, from: t.from, to: t.to, output: t.output ?? 'main', active: false });
  }
  for (const t of run?.transitions ?? []) {
    if (!seen.has(t.from) || !seen.has(t.to)) continue;
    edges.set(t.id, { id: t.id, from: t.from, to: t.to, output: t.output, rows: t.rows, active: t.active });
  }
  return { nodes, edges: [...edges.values()] };
}
