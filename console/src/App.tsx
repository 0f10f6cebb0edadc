import { lazy, Suspense } from 'react';
import { CampaignList } from './pages/CampaignList.js';
import { Link, useRoute } from './router.js';

const CampaignPage = lazy(() => import('./pages/CampaignPage.js'));
const JobsList = lazy(() => import('./pages/JobsList.js'));
const JobsDetail = lazy(() => import('./pages/JobsDetail.js'));

export function App() {
  const route = useRoute();
  return (
    <>
      <header className="top">
        <Link to={{ page: 'list' }} className="brand" aria-label="orca: all campaigns">
          orca
        </Link>
        <nav aria-label="main">
          <Link to={{ page: 'list' }}>Campaigns</Link>
          <Link to={{ page: 'jobs' }}>Jobs</Link>
        </nav>
      </header>
      <main>
        {route.page === 'list' && <CampaignList />}
        {route.page === 'campaign' && (
          <Suspense fallback={<p role="status">Loading…</p>}>
            <CampaignPage key={route.id} route={route} />
          </Suspense>
        )}
        {(route.page === 'jobs' || route.page === 'job') && (
          <Suspense fallback={<p role="status">Loading…</p>}>
            {route.page === 'jobs' ? <JobsList /> : <JobsDetail key={route.id} id={route.id} />}
          </Suspense>
        )}
        {route.page === 'missing' && (
          <p role="alert">
            No page at {route.path}. <Link to={{ page: 'list' }}>Back to the campaigns</Link>
          </p>
        )}
      </main>
    </>
  );
}
