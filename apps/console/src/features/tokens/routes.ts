import type { RouteObject } from 'react-router';
import { routePaths } from '../../lib/links';

/** The tokens feature's routes. */
export const tokenRoutes: RouteObject[] = [
  { path: routePaths.tokens, lazy: async () => ({ Component: (await import('./components/tokens-page')).TokensPage }) },
];
