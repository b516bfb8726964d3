import { useQueryClient } from '@tanstack/react-query';
import { type ErrorComponentProps, Link, Outlet, useMatches, useNavigate, useRouterState } from '@tanstack/react-router';
import { useEffect } from 'react';
import { Button } from 'react-aria-components';
import { session } from './api/client';
import type { Operation } from './api/permissions';
import { useCan, useSession } from './api/use-session';
import { ErrorNotice } from './components/ui';

const NAV: Array<{ to: string; label: string; needs: Operation }> = [
  { to: '/', label: 'Dashboard', needs: 'GET /api/v1/resources/summary' },
  { to: '/resources', label: 'Resources', needs: 'GET /api/v1/resources' },
  { to: '/accounts', label: 'Accounts', needs: 'GET /api/v1/accounts' },
  { to: '/commands', label: 'Commands', needs: 'GET /api/v1/commands' },
  { to: '/integrations', label: 'Integrations', needs: 'GET /api/v1/integrations' },
  { to: '/audit', label: 'Audit log', needs: 'GET /api/v1/audit' },
  { to: '/users', label: 'Users', needs: 'GET /api/v1/users' },
  { to: '/api-keys', label: 'API keys', needs: 'GET /api/v1/api-keys' },
];

/** The signed-in frame: skip link, navigation (only what the role may read), who is signed in, the page. */
export function Layout() {
  const state = useSession();
  const can = useCan();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const href = useRouterState({ select: (s) => s.location.href });
  const leaving = useRouterState({ select: (s) => s.location.pathname.startsWith('/sign-in') });
  const needs = useMatches({ select: (ms) => ms.map((m) => m.staticData?.requires).find(Boolean) });

  // The session ended under us (expired, ended elsewhere): sign in again, then come back to this very page.
  useEffect(() => {
    if (!state.signedIn && !leaving) {
      queries.clear();
      void navigate({ to: '/sign-in', search: { redirect: href, expired: state.expired || undefined }, replace: true });
    }
  }, [state.signedIn, state.expired, href, leaving, navigate, queries]);

  if (!state.signedIn) return null;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" width={22} height={22} /> AWS MCP Server
        </Link>
        <div className="whoami">
          <span>
            Signed in as <strong>{state.username}</strong> <span className={`role role-${state.role}`}>{state.role}</span>
          </span>
          <Button
            className="button small"
            onPress={async () => {
              await session.signOut();
              queries.clear();
            }}
          >
            Sign out
          </Button>
        </div>
      </header>
      <nav className="sidenav" aria-label="Main">
        <ul>
          {NAV.filter((n) => can(n.needs)).map((n) => (
            <li key={n.to}>
              <Link to={n.to} activeOptions={{ exact: n.to === '/' }} activeProps={{ 'aria-current': 'page', className: 'active' }}>
                {n.label}
              </Link>
            </li>
          ))}
        </ul>
        <p className="docs-link">
          <a href="/api/docs">API reference</a>
        </p>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        {needs && !can(needs) ? (
          <div className="notice warn" role="alert">
            <strong>Your role may not open this page.</strong> Ask an admin if you need it.
          </div>
        ) : (
          <Outlet />
        )}
      </main>
    </div>
  );
}

export function RouteError({ error, reset }: ErrorComponentProps) {
  return <ErrorNotice error={error} onRetry={reset} />;
}
