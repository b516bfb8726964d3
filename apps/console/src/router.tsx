import { createRootRoute, createRoute, createRouter, lazyRouteComponent, Outlet, redirect } from '@tanstack/react-router';
import { session } from './api/client';
import type { Operation } from './api/permissions';
import { Layout, RouteError } from './layout';
import { parseSearch, str, stringifySearch, strs } from './search';
import { SignInPage } from './features/auth/sign-in.page';

const rootRoute = createRootRoute({ component: Outlet });

export const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: (s: Record<string, unknown>): { redirect?: string; expired?: boolean } => ({ redirect: str(s.redirect), expired: s.expired === 'true' || s.expired === true ? true : undefined }),
  component: SignInPage,
});

/** Everything else needs a session; without one, sign in and come back here. */
const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: ({ location }) => {
    if (!session.current.signedIn) throw redirect({ to: '/sign-in', search: { redirect: location.href, expired: session.current.expired || undefined } });
  },
  component: Layout,
});

/** A page the role may not read shows why (the layout checks `staticData.requires`), instead of a list of 403s. */
const requires = (operation: Operation) => ({ requires: operation });

/** The resources page's filters, as in the URL. */
export interface ResourceSearch {
  type?: string;
  account_id?: string;
  region?: string;
  state?: string;
  q?: string;
  tag?: string[];
  include_removed?: boolean;
  cursor?: string;
}

const page = <T extends Record<string, unknown>>(load: () => Promise<T>, name: keyof T & string) => lazyRouteComponent(load, name);

export const dashboardRoute = createRoute({ getParentRoute: () => appRoute, path: '/', component: page(() => import('./features/dashboard/dashboard.page'), 'DashboardPage') });

export const resourcesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/resources',
  validateSearch: (s: Record<string, unknown>): ResourceSearch => ({
    type: str(s.type),
    account_id: str(s.account_id),
    region: str(s.region),
    state: str(s.state),
    q: str(s.q),
    tag: strs(s.tag),
    include_removed: s.include_removed === 'true' || s.include_removed === true ? true : undefined,
    cursor: str(s.cursor),
  }),
  component: page(() => import('./features/resources/resources.page'), 'ResourcesPage'),
});
export const resourceRoute = createRoute({ getParentRoute: () => appRoute, path: '/resources/$arn', component: page(() => import('./features/resources/resource.page'), 'ResourcePage') });

export const accountsRoute = createRoute({ getParentRoute: () => appRoute, path: '/accounts', component: page(() => import('./features/accounts/accounts.page'), 'AccountsPage') });

export const commandsRoute = createRoute({ getParentRoute: () => appRoute, path: '/commands', component: page(() => import('./features/commands/commands.page'), 'CommandsPage') });
export const commandRoute = createRoute({ getParentRoute: () => appRoute, path: '/commands/$id', component: page(() => import('./features/commands/command.page'), 'CommandPage') });

export const integrationsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/integrations',
  validateSearch: (s: Record<string, unknown>): { status?: string; type?: string; cursor?: string } => ({ status: str(s.status), type: str(s.type), cursor: str(s.cursor) }),
  component: page(() => import('./features/integrations/integrations.page'), 'IntegrationsPage'),
});
export const newIntegrationRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/integrations/new',
  staticData: requires('POST /api/v1/integrations'),
  component: page(() => import('./features/integrations/integration-edit.page'), 'NewIntegrationPage'),
});
export const integrationRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/integrations/$id',
  validateSearch: (s: Record<string, unknown>): { tab?: string } => ({ tab: str(s.tab) }),
  component: page(() => import('./features/integrations/integration.page'), 'IntegrationPage'),
});
export const editIntegrationRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/integrations/$id/edit',
  staticData: requires('PUT /api/v1/integrations/{id}'),
  component: page(() => import('./features/integrations/integration-edit.page'), 'EditIntegrationPage'),
});

export const auditRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/audit',
  staticData: requires('GET /api/v1/audit'),
  validateSearch: (s: Record<string, unknown>): { actor?: string; method?: string; path?: string; status?: string; cursor?: string } => ({ actor: str(s.actor), method: str(s.method), path: str(s.path), status: str(s.status), cursor: str(s.cursor) }),
  component: page(() => import('./features/audit/audit.page'), 'AuditPage'),
});
export const usersRoute = createRoute({ getParentRoute: () => appRoute, path: '/users', staticData: requires('GET /api/v1/users'), component: page(() => import('./features/users/users.page'), 'UsersPage') });
export const apiKeysRoute = createRoute({ getParentRoute: () => appRoute, path: '/api-keys', staticData: requires('GET /api/v1/api-keys'), component: page(() => import('./features/api-keys/api-keys.page'), 'ApiKeysPage') });

const routeTree = rootRoute.addChildren([
  signInRoute,
  appRoute.addChildren([dashboardRoute, resourcesRoute, resourceRoute, accountsRoute, commandsRoute, commandRoute, integrationsRoute, newIntegrationRoute, integrationRoute, editIntegrationRoute, auditRoute, usersRoute, apiKeysRoute]),
]);

export const router = createRouter({
  routeTree,
  parseSearch,
  stringifySearch,
  defaultPreload: 'intent',
  defaultErrorComponent: RouteError,
  defaultNotFoundComponent: () => (
    <main id="main" className="content">
      <h1>Not found</h1>
      <p>
        There is no such page. <a href="/">Go to the dashboard</a>.
      </p>
    </main>
  ),
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
  interface StaticDataRouteOption {
    /** The operation a role must be allowed to read this page. */
    requires?: Operation;
  }
}
