/**
 * The campaign's canvas (@xyflow/react): positions from layout.ts, read-only (nothing is dragged or
 * connected), each transition labelled with its live row count. Click, or Tab to an activity or a
 * transition and press Enter, to select it; Escape clears the selection.
 */
import {
  Background,
  Controls,
  type Edge,
  type EdgeChange,
  MarkerType,
  type NodeChange,
  ReactFlow,
  ReactFlowProvider,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Graph } from '../graph.js';
import { fitViewport, layoutGraph, NODE_HEIGHT, NODE_WIDTH, shapeKey } from '../layout.js';
import { activityLight } from '../status.js';
import { ActivityNode, type ActivityFlowNode } from './ActivityNode.js';

const nodeTypes = { activity: ActivityNode };
const ZOOM = { padding: 0.1, minZoom: 0.1, maxZoom: 1.5 };

interface Props {
  graph: Graph;
  selectedActivity?: string | undefined;
  selectedTransition?: string | undefined;
  onSelectActivity: (id: string | undefined) => void;
  onSelectTransition: (id: string) => void;
}

export function Canvas(p: Props) {
  const ids = p.graph.nodes.map((n) => n.id);
  const key = shapeKey(ids, p.graph.edges);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the positions change with the graph's shape only
  const positions = useMemo(() => layoutGraph(ids, p.graph.edges), [key]);
  const nodes = useMemo<ActivityFlowNode[]>(
    () =>
      p.graph.nodes.map((n) => ({
        id: n.id,
        type: 'activity',
        position: positions.get(n.id) ?? { x: 0, y: 0 },
        // Its size is known: drawn at once, not hidden until measured.
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        data: n as ActivityFlowNode['data'],
        selected: n.id === p.selectedActivity,
        ariaLabel: `activity ${n.label}, ${n.type}, ${activityLight(n.status).text}, ${n.tasks} tasks${n.errors.length ? `, ${n.errors.length} errors` : ''}`,
      })),
    [p.graph.nodes, positions, p.selectedActivity],
  );
  const edges = useMemo<Edge[]>(
    () =>
      p.graph.edges.map((e) => ({
        id: e.id,
        source: e.from,
        target: e.to,
        label:
          e.rows === undefined
            ? e.output === 'main'
              ? ''
              : e.output
            : `${e.output === 'main' ? '' : `${e.output}: `}${e.rows.toLocaleString('en')}`,
        ariaLabel: `transition ${e.from} to ${e.to}${e.rows === undefined ? '' : `, ${e.rows} rows`}`,
        selected: e.id === p.selectedTransition,
        markerEnd: { type: MarkerType.ArrowClosed },
        className: `${e.active ? 'active' : ''}${e.id === p.selectedTransition ? ' selected' : ''}`,
        labelBgPadding: [4, 2] as [number, number],
        data: { rows: e.rows },
      })),
    [p.graph.edges, p.selectedTransition],
  );
  const onNodesChange = (changes: NodeChange<ActivityFlowNode>[]) => {
    const on = changes.find((c) => c.type === 'select' && c.selected);
    if (on && 'id' in on) p.onSelectActivity(on.id);
    else if (changes.some((c) => c.type === 'select' && !c.selected && c.id === p.selectedActivity))
      p.onSelectActivity(undefined);
  };
  const onEdgesChange = (changes: EdgeChange[]) => {
    for (const c of changes) if (c.type === 'select' && c.selected) p.onSelectTransition(c.id);
  };
  // The box the canvas has, read before React Flow is drawn in it: the view is fitted from the
  // layout's own sizes, without waiting for the nodes to be measured.
  const box = useRef<HTMLElement>(null);
  const [size, setSize] = useState<{ width: number; height: number }>();
  useLayoutEffect(() => {
    const r = box.current?.getBoundingClientRect();
    if (r) setSize({ width: r.width, height: r.height });
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the first view is fitted once, as fitView would
  const viewport = useMemo(() => size && fitViewport(positions.values(), size, ZOOM), [size]);
  return (
    <section className="canvas" aria-label="campaign canvas" ref={box}>
      <ReactFlowProvider>
        {viewport && (
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable
            nodesFocusable
            edgesFocusable
            onlyRenderVisibleElements={nodes.length > 60}
            defaultViewport={viewport}
            minZoom={ZOOM.minZoom}
            maxZoom={ZOOM.maxZoom}
            proOptions={{ hideAttribution: true }}
          >
            <Background />
            <Controls showInteractive={false} fitViewOptions={{ padding: ZOOM.padding }} />
          </ReactFlow>
        )}
      </ReactFlowProvider>
    </section>
  );
}
