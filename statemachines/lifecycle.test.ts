/** The life-cycle rules, exhaustively: every command in every state, allowed or refused. */
import { describe, expect, it } from 'vitest';
import {
  CAMPAIGN_COMMANDS,
  CAMPAIGN_STATUSES,
  campaignCommandRefusal,
  RUN_COMMANDS,
  RUN_STATUSES,
  runCommandRefusal,
  publishedStatus,
} from './lifecycle.js';

// The expected table, written out by hand: state -> commands allowed.
const CAMPAIGNS: Record<string, { idle: string[]; running: string[] }> = {
  draft: {
    idle: ['update', 'publish', 'duplicate', 'archive', 'delete', 'startTest'],
    running: ['update', 'publish', 'duplicate', 'startTest'],
  },
  live: {
    idle: ['update', 'publish', 'duplicate', 'archive', 'delete', 'start', 'startTest'],
    running: ['update', 'publish', 'duplicate', 'start', 'startTest'],
  },
  scheduled: {
    idle: ['update', 'publish', 'duplicate', 'archive', 'delete', 'start', 'startTest'],
    running: ['update', 'publish', 'duplicate', 'start', 'startTest'],
  },
  archived: { idle: ['duplicate', 'delete'], running: ['duplicate'] },
};
const RUNS: Record<string, string[]> = {
  running: ['pause', 'stop', 'restart'],
  paused: ['resume', 'stop', 'restart'],
  stopping: ['stop'],
  completed: ['restart'],
  failed: ['restart'],
  stopped: ['restart'],
  // Left in progress by a process that ended first (README, life cycle): over, like stopped.
  interrupted: ['restart'],
};

describe('life cycle', () => {
  for (const status of CAMPAIGN_STATUSES) {
    for (const running of [false, true]) {
      for (const command of CAMPAIGN_COMMANDS) {
        const allowed = CAMPAIGNS[status]![running ? 'running' : 'idle'].includes(command);
        it(`campaign ${status}${running ? ' with a run in progress' : ''}: ${command} is ${allowed ? 'allowed' : 'refused'}`, () => {
          const refusal = campaignCommandRefusal(command, status, running);
          if (allowed) expect(refusal).toBeUndefined();
          else expect(refusal).toMatch(/.{20,}/);
        });
      }
    }
  }
  for (const status of RUN_STATUSES) {
    for (const command of RUN_COMMANDS) {
      const allowed = RUNS[status]!.includes(command);
      it(`run ${status}: ${command} is ${allowed ? 'allowed' : 'refused'}`, () => {
        const refusal = runCommandRefusal(command, status);
        if (allowed) expect(refusal).toBeUndefined();
        else expect(refusal).toMatch(/.{20,}/);
      });
    }
  }
  it('a stopped run cannot be resumed, and says what to do', () => {
    expect(runCommandRefusal('resume', 'stopped')).toBe('a stopped run cannot be resumed; restart the campaign');
  });
  it('publishing makes a campaign live, or scheduled when its trigger is a schedule', () => {
    expect(publishedStatus({ type: 'manual' })).toBe('live');
    expect(publishedStatus({ type: 'signal' })).toBe('live');
    expect(publishedStatus({ type: 'weekly' })).toBe('scheduled');
    expect(publishedStatus({ type: 'once' })).toBe('scheduled');
  });
});
