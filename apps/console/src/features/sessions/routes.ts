import type { RouteObject } from 'react-router';
import { routePaths } from '../../lib/links';

/** The sessions feature's route. */
export const sessionRoutes: RouteObject[] = [
  { path: routePaths.sessions, lazy: async () => ({ Component: (await import('./components/sessions-page')).SessionsPage }) },
];
