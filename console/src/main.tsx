import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { loadConfig } from './auth/config.js';
import { SessionBar, SignInProblem } from './auth/SessionBar.js';
import './styles.css';

const client = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: true, staleTime: 500 } },
});
const root = createRoot(document.getElementById('root')!);

/** With a deployment's config.json: sign in first (the auth code is loaded then only); without, as `orca serve` serves it. */
async function start(): Promise<void> {
  const config = await loadConfig(import.meta.env.BASE_URL);
  let session: { user: string; signOut: () => void } | undefined;
  if (config) {
    try {
      const { startCloudConsole } = await import('./auth/cloud.js');
      session = await startCloudConsole(config);
    } catch (e) {
      root.render(
        <SignInProblem
          message={e instanceof Error ? e.message : String(e)}
          onRetry={() => {
            // Out of the hosted UI's session too (it would sign the same user in again), then back to sign in.
            sessionStorage.clear();
            void import('./auth/hosted-ui.js').then(({ logoutUrl }) => location.assign(logoutUrl(config)));
          }}
        />,
      );
      return;
    }
  }
  root.render(
    <StrictMode>
      <QueryClientProvider client={client}>
        {session && <SessionBar user={session.user} onSignOut={session.signOut} />}
        <App />
      </QueryClientProvider>
    </StrictMode>,
  );
}

void start();
