/** Publish, start (or test), pause, resume, stop, restart: asynchronous commands; a refusal shows the API's reason. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiFailure, api } from '../api.js';
import { runCommands } from '../status.js';
import type { CampaignDetail, RunSummary, Validation } from '../types.js';
import { Problem } from './Problem.js';

interface Props {
  campaign: CampaignDetail;
  run: RunSummary | undefined;
  onPublishIssues: (v: Validation | undefined) => void;
  onStarted: (runId: string) => void;
}

type Command = 'publish' | 'start' | 'test' | 'pause' | 'resume' | 'stop' | 'restart';

export function ActionBar({ campaign, run, onPublishIssues, onStarted }: Props) {
  const client = useQueryClient();
  const command = useMutation({
    mutationFn: async (c: Command) => {
      const id = encodeURIComponent(campaign.id);
      const runPath = run ? `/runs/${encodeURIComponent(run.runId)}` : '';
      switch (c) {
        case 'publish':
          return api<unknown>('POST', `/campaigns/${id}/publish`);
        case 'start':
          return api<{ runId: string }>('POST', `/campaigns/${id}/runs`, { body: {} });
        case 'test':
          return api<{ runId: string }>('POST', `/campaigns/${id}/runs`, { body: { testMode: true } });
        default:
          return api<unknown>('POST', `${runPath}/${c}`);
      }
    },
    onMutate: () => onPublishIssues(undefined),
    onSuccess: (result, c) => {
      const started = (result as { runId?: string } | undefined)?.runId;
      if (started && (c === 'start' || c === 'test' || c === 'restart')) onStarted(started);
    },
    onError: (e, c) => {
      if (c === 'publish' && e instanceof ApiFailure && e.status === 422) {
        const d = e.details as Partial<Validation> | undefined;
        onPublishIssues({ valid: false, errors: d?.errors ?? [], warnings: d?.warnings ?? [] });
      }
    },
    onSettled: () => {
      client.invalidateQueries({ queryKey: ['campaign', campaign.id] });
      client.invalidateQueries({ queryKey: ['runs', campaign.id] });
      client.invalidateQueries({ queryKey: ['run'] });
      client.invalidateQueries({ queryKey: ['campaigns'] });
    },
  });
  const can = runCommands(run?.status);
  const button = (c: Command, label: string, enabled: boolean) => (
    <button type="button" onClick={() => command.mutate(c)} disabled={!enabled || command.isPending}>
      {label}
    </button>
  );
  const editable = campaign.source === 'api' && campaign.status !== 'archived';
  const errors = campaign.validation.errors.length;
  return (
    <div className="actionbar" role="toolbar" aria-label="campaign and run commands">
      {button(
        'publish',
        campaign.version ? 'Publish changes' : 'Publish',
        editable && (campaign.changed || campaign.version === 0),
      )}
      {button(
        'start',
        'Start',
        campaign.status !== 'draft' && campaign.status !== 'archived' && !campaign.runInProgress,
      )}
      {button('test', 'Start in test mode', campaign.status !== 'archived' && !campaign.runInProgress)}
      <span className="sep" aria-hidden="true" />
      {button('pause', 'Pause', can.pause)}
      {button('resume', 'Resume', can.resume)}
      {button('stop', 'Stop', can.stop)}
      {button('restart', 'Restart', can.restart)}
      <span className="muted" aria-live="polite">
        {command.isPending
          ? 'sending…'
          : errors
            ? `✖ ${errors} validation error(s): publishing is refused until they are fixed`
            : ''}
      </span>
      <Problem error={command.error} />
    </div>
  );
}
