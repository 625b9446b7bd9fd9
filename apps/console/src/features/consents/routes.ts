import type { RouteObject } from 'react-router';
import { routePaths } from '../../lib/links';

/** The consents feature's routes. */
export const consentRoutes: RouteObject[] = [
  { path: routePaths.consents, lazy: async () => ({ Component: (await import('./components/consents-page')).ConsentsPage }) },
];
