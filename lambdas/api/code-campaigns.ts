/**
 * Campaigns deployed as code (`cdk deploy`) in the campaign registry, so the API lists, starts and
 * monitors them like the ones published through it. Each campaign file is a CloudFormation custom
 * resource: creating or changing it records a new version (its machine is the one CloudFormation
 * deployed); removing it from the stack removes the campaign (its runs stay). The API refuses to
 * edit, publish, archive or delete them: their source of truth is the file.
 */
import { isDeepStrictEqual } from 'node:util';
import type { CampaignRecord, StatusStore } from '../ports/store.js';
import { publishedStatus } from '../../statemachines/lifecycle.js';

export interface CodeCampaign {
  /** The campaign document, as validated and compiled at synth. */
  definition: unknown;
  /** The state machine CloudFormation deployed for it. */
  machine: string;
}

type Registry = Pick<StatusStore, 'getCampaign' | 'putCampaign' | 'getVersion' | 'putVersion' | 'deleteCampaign'>;

function identity(definition: unknown): { id: string; label: string; trigger: { type: string } } {
  const d = definition as { id?: unknown; label?: unknown; trigger?: { type?: unknown } } | null;
  if (!d || typeof d !== 'object' || typeof d.id !== 'string' || !d.id)
    throw new Error('the campaign definition has no id');
  const trigger = typeof d.trigger?.type === 'string' ? { type: d.trigger.type } : { type: 'manual' };
  return { id: d.id, label: typeof d.label === 'string' ? d.label : d.id, trigger };
}

/** Records a deployed campaign; a new version only when its definition or machine changed. */
export async function registerCodeCampaign(
  store: Registry,
  c: CodeCampaign,
  now = new Date(),
): Promise<{ id: string; version: number; changed: boolean }> {
  const { id, label, trigger } = identity(c.definition);
  const existing = await store.getCampaign(id);
  if (existing && existing.source !== 'code') {
    throw new Error(
      `campaign '${id}' exists already and was created through the API: delete it there, or give the campaign file another id`,
    );
  }
  const latest = existing?.version ? await store.getVersion(id, existing.version) : undefined;
  if (existing && latest && isDeepStrictEqual(latest.definition, c.definition) && latest.machine === c.machine) {
    return { id, version: existing.version, changed: false };
  }
  const at = now.toISOString();
  const version = (existing?.version ?? 0) + 1;
  await store.putVersion({ campaignId: id, version, definition: c.definition, publishedAt: at, machine: c.machine });
  const record: CampaignRecord = {
    id,
    label,
    status: publishedStatus(trigger),
    definition: c.definition,
    version,
    changed: false,
    createdAt: existing?.createdAt ?? at,
    updatedAt: at,
    publishedAt: at,
    source: 'code',
    revision: (existing?.revision ?? 0) + 1,
  };
  if (!(await store.putCampaign(record, existing?.revision)))
    throw new Error(`campaign '${id}' was changed meanwhile; deploy again`);
  return { id, version, changed: true };
}

/** Forgets a campaign removed from the stack (only one deployed as code). */
export async function unregisterCodeCampaign(store: Registry, id: string): Promise<void> {
  const existing = await store.getCampaign(id);
  if (existing?.source === 'code') await store.deleteCampaign(id);
}

/** The CloudFormation custom resource event for a campaign (properties are strings). */
export interface CampaignResourceEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceProperties: { Definition?: string; Machine?: string } & Record<string, unknown>;
}

export interface CampaignResourceResponse {
  Status: 'SUCCESS' | 'FAILED';
  Reason?: string;
  PhysicalResourceId: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  Data?: Record<string, string>;
}

/** Handles a custom resource event; never throws (CloudFormation waits for an answer). */
export async function onCampaignResource(
  event: CampaignResourceEvent,
  store: Registry,
  now = new Date(),
): Promise<CampaignResourceResponse> {
  const base = { StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId };
  // A failed Create answers with an id naming no campaign; its Delete then has nothing to do.
  const physical = event.PhysicalResourceId ?? `failed:${event.RequestId}`;
  try {
    if (event.RequestType === 'Delete') {
      if (physical.startsWith('campaign:')) await unregisterCodeCampaign(store, physical.slice('campaign:'.length));
      return { Status: 'SUCCESS', PhysicalResourceId: physical, ...base };
    }
    const { Definition, Machine } = event.ResourceProperties;
    if (typeof Definition !== 'string' || typeof Machine !== 'string')
      throw new Error('the resource needs Definition (JSON) and Machine (ARN) properties');
    const r = await registerCodeCampaign(store, { definition: JSON.parse(Definition), machine: Machine }, now);
    return { Status: 'SUCCESS', PhysicalResourceId: `campaign:${r.id}`, Data: { Version: String(r.version) }, ...base };
  } catch (e) {
    return { Status: 'FAILED', Reason: `orca: ${(e as Error).message}`, PhysicalResourceId: physical, ...base };
  }
}
