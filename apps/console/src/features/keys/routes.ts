import type { RouteObject } from 'react-router';
import { routePaths } from '../../lib/links';

/** The keys feature's routes. */
export const keyRoutes: RouteObject[] = [
  { path: routePaths.keys, lazy: async () => ({ Component: (await import('./components/keys-page')).KeysPage }) },
];
