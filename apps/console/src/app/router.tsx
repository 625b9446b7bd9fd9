import { createBrowserRouter, type RouteObject } from 'react-router';
import { statusRoutes } from '../features/status/routes';
import { RootErrorBoundary, RootFallback, RootLayout } from './routes/root';

/** The console's route tree. Pages load lazily so the first screen fetches only its own code. */
export const routes: RouteObject[] = [
  {
    Component: RootLayout,
    HydrateFallback: RootFallback,
    ErrorBoundary: RootErrorBoundary,
    children: [
      ...statusRoutes,
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
