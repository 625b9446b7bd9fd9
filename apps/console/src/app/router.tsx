import { createBrowserRouter, type RouteObject } from 'react-router';
import { auditRoutes } from '../features/audit/routes';
import { authRoutes } from '../features/auth/routes';
import { clientRoutes } from '../features/clients/routes';
import { consentRoutes } from '../features/consents/routes';
import { dashboardRoutes } from '../features/dashboard/routes';
import { keyRoutes } from '../features/keys/routes';
import { registrationRoutes } from '../features/registration/routes';
import { resourceRoutes } from '../features/resources/routes';
import { scopeRoutes } from '../features/scopes/routes';
import { sessionRoutes } from '../features/sessions/routes';
import { settingsRoutes } from '../features/settings/routes';
import { statusRoutes } from '../features/status/routes';
import { tokenRoutes } from '../features/tokens/routes';
import { userRoutes } from '../features/users/routes';
import { RequireAuth } from './routes/require-auth';
import { RootErrorBoundary, RootFallback, RootLayout } from './routes/root';

/**
 * The console's route tree. The sign-in callback, the server status and the not-found page are
 * public; everything else needs an administrator. Pages load lazily, so the first screen fetches
 * only its own code.
 */
export const routes: RouteObject[] = [
  {
    Component: RootLayout,
    HydrateFallback: RootFallback,
    ErrorBoundary: RootErrorBoundary,
    children: [
      ...authRoutes,
      ...statusRoutes,
      {
        Component: RequireAuth,
        children: [
          ...dashboardRoutes, ...clientRoutes, ...resourceRoutes, ...registrationRoutes, ...tokenRoutes, ...userRoutes, ...sessionRoutes, ...scopeRoutes, ...consentRoutes,
          ...auditRoutes, ...keyRoutes, ...settingsRoutes,
        ],
      },
      {
        path: '*',
        lazy: async () => ({ Component: (await import('./routes/not-found')).NotFoundPage }),
      },
    ],
  },
];

/** The browser router, mounted under Vite's base (`/console/`) so the two cannot drift apart. */
export function createAppRouter() {
  return createBrowserRouter(routes, { basename: import.meta.env.BASE_URL });
}
