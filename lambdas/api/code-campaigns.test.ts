/** Campaigns deployed as code in the registry, against dynalite: versions, ownership, the custom resource protocol. */
import { describe, expect, it } from 'vitest';
import { useDynaliteStore } from '../../test/helpers/dynalite.js';
import { onCampaignResource, registerCodeCampaign, type CampaignResourceEvent } from './code-campaigns.js';

const store = useDynaliteStore();

const doc = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  label: `Label ${id}`,
  dimension: 'recipients',
  activities: [{ id: 'a', type: 'buildAudience' }],
  transitions: [],
  ...extra,
});
const machine = 'arn:aws:states:eu-west-1:123456789012:stateMachine:orca-x';
const event = (
  type: CampaignResourceEvent['RequestType'],
  props: Record<string, unknown>,
  physical?: string,
): CampaignResourceEvent => ({
  RequestType: type,
  ResponseURL: 'https://example.invalid/response',
  StackId: 'stack',
  RequestId: `req-${Math.random()}`,
  LogicalResourceId: 'CampaignX',
  ...(physical ? { PhysicalResourceId: physical } : {}),
  ResourceProperties: props,
});

describe('registerCodeCampaign', () => {
  it('records version 1 with its machine; the status follows the trigger', async () => {
    expect(
      await registerCodeCampaign(store, {
        definition: doc('code-a', { trigger: { type: 'daily', hours: [6] } }),
        machine,
      }),
    ).toEqual({ id: 'code-a', version: 1, changed: true });
    expect(await store.getCampaign('code-a')).toMatchObject({
      source: 'code',
      status: 'scheduled',
      version: 1,
      changed: false,
      label: 'Label code-a',
    });
    expect(await store.getVersion('code-a', 1)).toMatchObject({ machine, definition: { id: 'code-a' } });
  });

  it('an unchanged deployment keeps the version; a changed one makes the next', async () => {
    const d = doc('code-b');
    await registerCodeCampaign(store, { definition: d, machine });
    expect(await registerCodeCampaign(store, { definition: structuredClone(d), machine })).toEqual({
      id: 'code-b',
      version: 1,
      changed: false,
    });
    expect(await registerCodeCampaign(store, { definition: { ...d, label: 'Changed' }, machine })).toEqual({
      id: 'code-b',
      version: 2,
      changed: true,
    });
    expect(await store.getCampaign('code-b')).toMatchObject({ version: 2, label: 'Changed', status: 'live' });
    expect((await store.getVersion('code-b', 1))!.definition).toEqual(d);
  });

  it('refuses to take over a campaign created through the API', async () => {
    await store.putCampaign({
      id: 'mine',
      label: 'Mine',
      status: 'draft',
      definition: doc('mine'),
      version: 0,
      changed: true,
      createdAt: 'x',
      updatedAt: 'x',
      source: 'api',
      revision: 1,
    });
    await expect(registerCodeCampaign(store, { definition: doc('mine'), machine })).rejects.toThrow(
      /created through the API/,
    );
    expect((await store.getCampaign('mine'))!.source).toBe('api');
  });
});

describe('onCampaignResource (CloudFormation custom resource)', () => {
  it('Create and Update answer SUCCESS with the campaign as physical id and the version', async () => {
    const created = await onCampaignResource(
      event('Create', { Definition: JSON.stringify(doc('code-c')), Machine: machine }),
      store,
    );
    expect(created).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'campaign:code-c',
      Data: { Version: '1' },
      StackId: 'stack',
      LogicalResourceId: 'CampaignX',
    });
    const updated = await onCampaignResource(
      event(
        'Update',
        { Definition: JSON.stringify(doc('code-c', { label: 'New' })), Machine: machine },
        'campaign:code-c',
      ),
      store,
    );
    expect(updated).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'campaign:code-c', Data: { Version: '2' } });
  });

  it('Delete forgets a campaign deployed as code, never one created through the API', async () => {
    expect((await onCampaignResource(event('Delete', {}, 'campaign:code-c'), store)).Status).toBe('SUCCESS');
    expect(await store.getCampaign('code-c')).toBeUndefined();
    expect((await onCampaignResource(event('Delete', {}, 'campaign:mine'), store)).Status).toBe('SUCCESS');
    expect(await store.getCampaign('mine')).toBeDefined();
  });

  it('failures answer FAILED with a reason, and the failed resource deletes cleanly', async () => {
    const bad = await onCampaignResource(event('Create', { Definition: '{not json', Machine: machine }), store);
    expect(bad).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringMatching(/^orca: /),
      PhysicalResourceId: expect.stringMatching(/^failed:/),
    });
    expect(
      (await onCampaignResource(event('Create', { Definition: JSON.stringify(doc('mine')), Machine: machine }), store))
        .Reason,
    ).toContain('created through the API');
    expect((await onCampaignResource(event('Create', { Machine: machine }), store)).Reason).toContain('Definition');
    expect((await onCampaignResource(event('Delete', {}, bad.PhysicalResourceId), store)).Status).toBe('SUCCESS');
  });
});
