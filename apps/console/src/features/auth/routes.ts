import type { RouteObject } from 'react-router';
import { routePaths } from '../../lib/links';

/** Public routes of the sign-in round trip. */
export const authRoutes: RouteObject[] = [
  {
    path: routePaths.callback,
    lazy: async () => ({ Component: (await import('./components/callback-page')).CallbackPage }),
  },
];
