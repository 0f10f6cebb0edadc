// @vitest-environment jsdom
/**
 * The send panel rendered in jsdom (Testing Library) against a fetch that answers as the API's
 * report, proof and confirm routes do: what a marketer sees while a send waits, and the Confirm
 * button's request.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GraphNode } from '../graph.js';
import { configureApi } from '../api.js';
import { SendPanel } from './SendPanel.js';

const node: GraphNode = {
  id: 'newsletter',
  type: 'email',
  label: 'Newsletter',
  status: 'needsAttention',
  tasks: 1,
  errors: [],
  warnings: [],
};
const line = {
  activityId: 'newsletter',
  targeted: 1200,
  excluded: { total: 200, unsubscribed: 150, noAddress: 50, duplicate: 0 },
  sent: 0,
};

function answer(requests: string[]) {
  return vi.fn(async (input: Request) => {
    const url = new URL(input.url);
    requests.push(`${input.method} ${url.pathname}`);
    const json = (body: unknown, status = 200) =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (url.pathname === '/runs/r1/report')
      return json({ campaignId: 'c', runId: 'r1', activities: [line], total: line });
    if (url.pathname.endsWith('/proof'))
      return json([{ to: 'ann@example.com', subject: 'Spring is here', text: 'Hello Ann' }]);
    if (url.pathname.endsWith('/confirm'))
      return json(
        { error: 'conflict', message: 'activity newsletter of run r1 is not waiting for a confirmation' },
        409,
      );
    return json({ error: 'not_found', message: 'no route' }, 404);
  });
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  configureApi({ base: '' });
});

describe('SendPanel', () => {
  it('a send waiting for its confirmation: the prepared counts, a proof sample, Confirm, and a refusal shown with its message', async () => {
    const requests: string[] = [];
    vi.stubGlobal('fetch', answer(requests));
    // The API at another origin, as in the cloud (config.json's apiUrl), unsigned.
    configureApi({ base: 'https://api.example.com' });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      createElement(QueryClientProvider, { client }, createElement(SendPanel, { runId: 'r1', node, live: false })),
    );
    // 1,200 targeted, 200 excluded: 1,000 messages; exclusions largest first, none at 0.
    expect(await screen.findByText(/1,000/)).toBeTruthy();
    expect(screen.getByText(/excluded: unsubscribed 150, noAddress 50$/)).toBeTruthy();
    expect(screen.getByText(/Waiting for a confirmation/)).toBeTruthy();
    expect(await screen.findByText('Hello Ann')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    await waitFor(() => expect(requests).toContain('POST /runs/r1/activities/newsletter/confirm'));
    expect(await screen.findByText(/is not waiting for a confirmation/)).toBeTruthy();
  });
});
