import type { RouteObject } from 'react-router';
import { routePaths } from '../../lib/links';

/** The scopes feature's routes. */
export const scopeRoutes: RouteObject[] = [
  { path: routePaths.scopes, lazy: async () => ({ Component: (await import('./components/scopes-page')).ScopesPage }) },
];
