/**
 * The canvas's layout: dagre, left to right, fixed node sizes, the same positions for the same
 * graph (nodes and edges sorted first), computed again only when the graph's shape changes.
 */
import dagre from '@dagrejs/dagre';

export const NODE_WIDTH = 210;
export const NODE_HEIGHT = 84;

export interface Positioned {
  id: string;
  x: number;
  y: number;
}

/** Top-left corners (React Flow's positions) of each node. */
export function layoutGraph(nodes: string[], edges: Array<{ from: string; to: string }>): Map<string, Positioned> {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 36, ranksep: 80, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const known = new Set(nodes);
  for (const id of [...nodes].sort()) g.setNode(id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  const sorted = edges
    .filter((e) => known.has(e.from) && known.has(e.to))
    .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  for (const [i, e] of sorted.entries()) g.setEdge(e.from, e.to, {}, `e${i}`);
  // Past 100 activities, dagre's crossing-reduction sweeps cost more than they give (the 1.5 s budget of a 200-activity canvas).
  dagre.layout(g, { disableOptimalOrderHeuristic: nodes.length > 100 });
  const out = new Map<string, Positioned>();
  for (const id of nodes) {
    const n = g.node(id);
    out.set(id, { id, x: Math.round(n.x - NODE_WIDTH / 2), y: Math.round(n.y - NODE_HEIGHT / 2) });
  }
  return out;
}

/** What the layout depends on: the same key, the same positions. */
export const shapeKey = (nodes: string[], edges: Array<{ from: string; to: string }>): string =>
  `${[...nodes].sort().join(',')}|${edges
    .map((e) => `${e.from}>${e.to}`)
    .sort()
    .join(',')}`;
