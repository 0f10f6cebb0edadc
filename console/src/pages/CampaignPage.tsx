/**
 * A campaign: the action bar, the canvas (a run's statuses and counts, live while it is in
 * progress), the selected activity or transition, the run's logs and tasks, the runs, versions
 * and next launches; the YAML editor of the working copy beside the canvas.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useMemo, useState } from 'react';
import { api } from '../api.js';
import { ActionBar } from '../components/ActionBar.js';
import { ActivityPanel } from '../components/ActivityPanel.js';
import { Canvas } from '../components/Canvas.js';
import { Problem } from '../components/Problem.js';
import { RunTables } from '../components/RunTables.js';
import { TransitionPanel } from '../components/TransitionPanel.js';
import { clearDraft, hasDraft } from '../drafts.js';
import { buildGraph } from '../graph.js';
import { Link, navigate } from '../router.js';
import { parseRoute, type Route } from '../routes.js';
import { CAMPAIGN_STATUS_ICONS, campaignStatus, isActive, runOutcome } from '../status.js';
import { formatInZone } from '../time.js';
import type {
  CampaignDetail,
  Definition,
  RunDetail,
  RunSummary,
  SchedulePreview,
  Validation,
  Version,
} from '../types.js';

const Editor = lazy(() => import('../components/Editor.js'));

type CampaignRoute = Extract<Route, { page: 'campaign' }>;

/** Changes the campaign route from what the URL is now (several selections may happen in one event). */
function select(patch: Partial<CampaignRoute>, replace = true) {
  const current = parseRoute(location.pathname, location.search);
  if (current.page !== 'campaign') return;
  const next: CampaignRoute = { page: 'campaign', id: current.id };
  const merged = { ...current, ...patch };
  if (merged.runId) next.runId = merged.runId;
  if (merged.runId && merged.transition) next.transition = merged.transition;
  if (merged.activity) next.activity = merged.activity;
  navigate(next, { replace });
}

export default function CampaignPage({ route }: { route: CampaignRoute }) {
  const id = route.id;
  const path = `/campaigns/${encodeURIComponent(id)}`;
  const client = useQueryClient();
  const campaign = useQuery({
    queryKey: ['campaign', id],
    queryFn: () => api<CampaignDetail>('GET', path),
    // A run started elsewhere (a schedule, the CLI) shows within 2 s.
    refetchInterval: (q) => (q.state.data?.runInProgress ? 1000 : 2000),
  });
  const runs = useQuery({
    queryKey: ['runs', id],
    queryFn: () => api<RunSummary[]>('GET', `${path}/runs`),
    refetchInterval: (q) => (q.state.data?.some((r) => isActive(r.status)) ? 1000 : 2000),
  });
  const runId = route.runId ?? runs.data?.[0]?.runId;
  const run = useQuery({
    queryKey: ['run', runId],
    queryFn: () => api<RunDetail>('GET', `/runs/${encodeURIComponent(runId!)}`),
    enabled: Boolean(runId),
    refetchInterval: (q) => (isActive(q.state.data?.status) ? 1000 : false),
  });
  const versions = useQuery({ queryKey: ['versions', id], queryFn: () => api<Version[]>('GET', `${path}/versions`) });
  const preview = useQuery({
    queryKey: ['preview', id],
    queryFn: () => api<SchedulePreview>('GET', `${path}/schedule/preview`),
    retry: false,
  });
  const [publishIssues, setPublishIssues] = useState<Validation>();
  const [editing, setEditing] = useState(() => hasDraft(id));
  const [edited, setEdited] = useState<Definition>();
  const save = useMutation({
    mutationFn: (yaml: string) => api<CampaignDetail>('PUT', path, { yaml }),
    onSuccess: (c) => {
      clearDraft(id);
      client.setQueryData(['campaign', id], c);
      client.invalidateQueries({ queryKey: ['campaigns'] });
    },
  });
  const c = campaign.data;
  // A run of an earlier version (or of a working copy changed since) is drawn as it ran: its version's definition.
  const ranVersion = run.data?.version;
  const older = !editing && ranVersion !== undefined && c !== undefined && (ranVersion !== c.version || c.changed);
  const ran = useQuery({
    queryKey: ['version', id, ranVersion],
    queryFn: () => api<{ definition: Definition }>('GET', `${path}/versions/${ranVersion}`),
    enabled: older,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const definition = (editing ? edited : undefined) ?? (older ? ran.data?.definition : undefined) ?? c?.definition;
  const issues = publishIssues ?? c?.validation;
  const graph = useMemo(
    () => buildGraph(definition, editing ? undefined : run.data, issues),
    [definition, editing, run.data, issues],
  );
  if (campaign.error) return <Problem error={campaign.error} what={`campaign ${id}`} />;
  if (!c) return <p role="status">Loading campaign {id}…</p>;
  const status = campaignStatus(c);
  const selectedNode = graph.nodes.find((n) => n.id === route.activity);
  const activityDef = definition?.activities?.find((a) => a.id === route.activity);
  const runSummary = runs.data?.find((r) => r.runId === runId) ?? run.data;
  return (
    <div className="campaign-page">
      <header className="campaign-head">
        <h1>
          {c.label} <span className="muted">({c.id})</span>
        </h1>
        <span className={`badge s-${status}`}>
          <span aria-hidden="true">{CAMPAIGN_STATUS_ICONS[status]}</span> {status}
        </span>
        <span className="muted">
          version {c.version || '—'}
          {c.changed && c.version ? ' · working copy changed' : ''} · {c.trigger} · {c.timezone}
          {c.source === 'code' ? ' · deployed as code' : ''}
        </span>
        {!editing && c.source === 'api' && c.status !== 'archived' && (
          <button type="button" onClick={() => setEditing(true)}>
            Edit working copy
          </button>
        )}
      </header>
      <ActionBar
        campaign={c}
        run={runSummary}
        onPublishIssues={setPublishIssues}
        onStarted={(r) => navigate({ page: 'campaign', id, runId: r })}
      />
      {publishIssues && (
        <div role="alert" className="problem">
          Publishing was refused: {publishIssues.errors.length} error(s).
          <ul>
            {publishIssues.errors.map((e) => (
              <li key={`${e.activity}:${e.path}:${e.message}`}>
                {e.activity ? `${e.activity}: ` : ''}
                {e.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <p className="run-line" aria-live="polite">
        {runSummary ? (
          <>
            Run <code>{runSummary.runId}</code> · {runOutcome(runSummary.status)}
            {runSummary.testMode ? ' · test mode' : ''} · version {runSummary.version || 'working copy'} · started{' '}
            {formatInZone(runSummary.startedAt, c.timezone)}
            {runSummary.error ? ` · ${runSummary.error}` : ''}
          </>
        ) : (
          'No run yet.'
        )}
      </p>
      <Problem error={run.error} what="the run could not be read" />
      <div className={`work${editing ? ' with-editor' : ''}`}>
        {editing && (
          <Suspense fallback={<p role="status">Loading the editor…</p>}>
            <Editor
              campaignId={id}
              definition={c.definition}
              saving={save.isPending}
              onDefinition={setEdited}
              onSave={(yaml) => save.mutate(yaml)}
              onClose={() => {
                setEditing(false);
                setEdited(undefined);
              }}
            />
            <Problem error={save.error} what="the working copy was not saved" />
          </Suspense>
        )}
        <Canvas
          graph={graph}
          selectedActivity={route.activity}
          selectedTransition={route.transition}
          onSelectActivity={(a) => select({ activity: a, transition: undefined })}
          onSelectTransition={(t) => runId && select({ runId, transition: t, activity: undefined }, false)}
        />
        <div className="side">
          {selectedNode && (
            <ActivityPanel
              campaignId={id}
              node={selectedNode}
              def={activityDef}
              runId={editing ? undefined : runId}
              live={isActive(run.data?.status)}
              onClose={() => select({ activity: undefined })}
            />
          )}
          {!selectedNode && route.transition && runId && (
            <TransitionPanel
              key={route.transition}
              runId={runId}
              transition={route.transition}
              onClose={() => select({ transition: undefined })}
            />
          )}
          {!selectedNode && !route.transition && (
            <p className="muted">Select an activity (its settings, SQL and logs) or a transition (its rows).</p>
          )}
        </div>
      </div>
      {runId && (
        <RunTables
          key={runId}
          runId={runId}
          live={isActive(run.data?.status)}
          activities={graph.nodes.map((n) => n.id)}
          activity={route.activity}
          onActivity={(a) => select({ activity: a, transition: undefined })}
          zone={c.timezone}
        />
      )}
      <div className="facts">
        <section aria-labelledby="runs-title">
          <h2 id="runs-title">Runs</h2>
          <Problem error={runs.error} />
          <ol className="runs">
            {(runs.data ?? []).map((r) => (
              <li key={r.runId} aria-current={r.runId === runId ? 'true' : undefined}>
                <Link to={{ page: 'campaign', id, runId: r.runId }}>
                  {formatInZone(r.startedAt, c.timezone)} · {runOutcome(r.status)} · v{r.version || ' working copy'}
                  {r.testMode ? ' · test' : ''}
                </Link>
              </li>
            ))}
          </ol>
        </section>
        <section aria-labelledby="versions-title">
          <h2 id="versions-title">Versions</h2>
          <Problem error={versions.error} />
          <ol className="versions">
            {(versions.data ?? []).map((v) => (
              <li key={v.version}>
                v{v.version} · {formatInZone(v.publishedAt, c.timezone)} · {v.label}
                {v.current ? ' · current' : ''}
              </li>
            ))}
            {versions.data?.length === 0 && <li className="muted">never published</li>}
          </ol>
        </section>
        <section aria-labelledby="launches-title">
          <h2 id="launches-title">Next launches</h2>
          <Problem error={preview.error} />
          {preview.data?.warning && <p className="muted">{preview.data.warning}</p>}
          <ol>
            {(preview.data?.launches ?? []).map((l) => (
              <li key={l}>{formatInZone(l, preview.data?.timezone ?? c.timezone)}</li>
            ))}
          </ol>
        </section>
      </div>
    </div>
  );
}
