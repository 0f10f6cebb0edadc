/** An activity on the canvas: type icon, label, status light (icon and text, not colour alone), tasks, rows, issues. */
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { memo } from 'react';
import type { GraphNode } from '../graph.js';
import { activityLight, typeIcon } from '../status.js';

export type ActivityNodeData = GraphNode & Record<string, unknown>;
export type ActivityFlowNode = Node<ActivityNodeData, 'activity'>;

export const ActivityNode = memo(function ActivityNode({ data, selected }: NodeProps<ActivityFlowNode>) {
  const light = activityLight(data.status);
  return (
    <div
      className={`node tone-${light.tone}${selected ? ' selected' : ''}${data.errors.length ? ' has-errors' : ''}`}
      data-activity={data.id}
      title={data.error ?? data.errors[0] ?? data.warnings[0] ?? ''}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="node-head">
        <span className="type-icon" role="img" aria-label={data.type}>
          {typeIcon(data.type)}
        </span>
        <span className="node-label">{data.label}</span>
      </div>
      <div className="node-foot">
        <span className={`light tone-${light.tone}`} data-status={data.status}>
          <span aria-hidden="true">{light.icon}</span> {light.text}
        </span>
        <span className="tasks">
          {data.tasks} task{data.tasks === 1 ? '' : 's'}
        </span>
      </div>
      {(data.errors.length > 0 || data.warnings.length > 0) && (
        <div className="node-issues">
          {data.errors.length > 0 && (
            <span className="err">
              ✖ {data.errors.length} error{data.errors.length > 1 ? 's' : ''}
            </span>
          )}
          {data.warnings.length > 0 && (
            <span className="warn">
              ⚠ {data.warnings.length} warning{data.warnings.length > 1 ? 's' : ''}
            </span>
          )}
        </div>
      )}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});
