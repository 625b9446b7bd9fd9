import type { RouteObject } from 'react-router';
import { routePaths } from '../../lib/links';

/** The status feature's routes: the server's health, public so it answers before anyone signs in. */
export const statusRoutes: RouteObject[] = [
  {
    path: routePaths.status,
    lazy: async () => ({ Component: (await import('./components/status-page')).StatusPage }),
  },
];
