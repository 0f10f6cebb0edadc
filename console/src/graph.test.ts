import { describe, expect, it } from 'vitest';
import { buildGraph, transitionIdOf } from './graph.js';
import type { Definition, RunDetail } from './types.js';

const definition: Definition = {
  id: 'c',
  activities: [
    { id: 'people', type: 'buildAudience', label: 'People' },
    { id: 'split', type: 'split' },
    { id: 'end', type: 'end' },
  ],
  transitions: [
    { from: 'people', to: 'split' },
    { from: 'split', output: 'rest', to: 'end' },
  ],
};

describe('the canvas graph', () => {
  it("transition ids are orca's: <from>-<to> on main, <from>-<output>-<to> otherwise, or the given id", () => {
    expect(transitionIdOf({ from: 'a', to: 'b' })).toBe('a-b');
    expect(transitionIdOf({ from: 'a', output: 'main', to: 'b' })).toBe('a-b');
    expect(transitionIdOf({ from: 'a', output: 'rest', to: 'b' })).toBe('a-rest-b');
    expect(transitionIdOf({ id: 'x', from: 'a', to: 'b' })).toBe('x');
  });

  it('without a run: the definition, every activity pending, no counts; issues on the activities they name', () => {
    const g = buildGraph(definition, undefined, {
      errors: [{ activity: 'split', path: 'activities.1', message: 'no subsets' }],
      warnings: [{ activity: null, path: 'trigger', message: 'campaign-wide' }],
    });
    expect(g.nodes.map((n) => [n.id, n.label, n.status, n.tasks])).toEqual([
      ['people', 'People', 'pending', 0],
      ['split', 'split', 'pending', 0],
      ['end', 'end', 'pending', 0],
    ]);
    expect(g.nodes.find((n) => n.id === 'split')!.errors).toEqual(['no subsets']);
    expect(g.nodes.every((n) => n.warnings.length === 0)).toBe(true);
    expect(g.edges).toEqual([
      { id: 'people-split', from: 'people', to: 'split', output: 'main', active: false },
      { id: 'split-rest-end', from: 'split', to: 'end', output: 'rest', active: false },
    ]);
  });

  it("with a run: its statuses, tasks and rows; its transitions' counts over the definition's", () => {
    const run = {
      runId: 'r',
      campaignId: 'c',
      status: 'running',
      startedAt: '',
      testMode: true,
      variables: {},
      activities: [
        { id: 'people', type: 'buildAudience', status: 'done', tasks: 1, rows: 3 },
        { id: 'split', type: 'split', status: 'running', tasks: 1 },
        { id: 'end', type: 'end', status: 'pending' },
      ],
      transitions: [{ id: 'people-split', from: 'people', output: 'main', to: 'split', rows: 3, active: true }],
    } satisfies RunDetail;
    const g = buildGraph(definition, run);
    expect(g.nodes.map((n) => [n.id, n.status, n.tasks, n.rows])).toEqual([
      ['people', 'done', 1, 3],
      ['split', 'running', 1, undefined],
      ['end', 'pending', 0, undefined],
    ]);
    expect(g.edges.find((e) => e.id === 'people-split')).toMatchObject({ rows: 3, active: true });
    expect(g.edges.find((e) => e.id === 'split-rest-end')!.rows).toBeUndefined();
  });

  it("a run's activities are the canvas as it was: an activity since removed from the definition stays, a new one is not drawn", () => {
    const run = {
      runId: 'r',
      campaignId: 'c',
      status: 'completed',
      startedAt: '',
      testMode: false,
      variables: {},
      activities: [
        { id: 'people', type: 'buildAudience', status: 'done' },
        { id: 'old', type: 'wait', status: 'done' },
      ],
      transitions: [{ id: 'people-old', from: 'people', output: 'main', to: 'old', rows: 2, active: true }],
    } satisfies RunDetail;
    const g = buildGraph(definition, run);
    expect(g.nodes.map((n) => n.id)).toEqual(['people', 'old']);
    expect(g.edges.map((e) => e.id)).toEqual(['people-old']);
  });

  it('a half-typed definition (no activities, bad entries) draws what it can', () => {
    expect(buildGraph({ id: 'x' })).toEqual({ nodes: [], edges: [] });
    const g = buildGraph({
      id: 'x',
      activities: [{ id: 'a', type: 'end' }, null as never, { id: '' } as never],
      transitions: [{ from: 'a', to: 'missing' }],
    });
    expect(g.nodes.map((n) => n.id)).toEqual(['a']);
    expect(g.edges).toEqual([]);
  });
});
