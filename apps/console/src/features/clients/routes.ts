import type { RouteObject } from 'react-router';
import { routePaths } from '../../lib/links';

/** The clients feature's routes. */
export const clientRoutes: RouteObject[] = [
  { path: routePaths.clients, lazy: async () => ({ Component: (await import('./components/clients-page')).ClientsPage }) },
  { path: routePaths.newClient, lazy: async () => ({ Component: (await import('./components/new-client-page')).NewClientPage }) },
  { path: routePaths.client, lazy: async () => ({ Component: (await import('./components/client-page')).ClientPage }) },
  { path: routePaths.clientTab, lazy: async () => ({ Component: (await import('./components/client-page')).ClientPage }) },
];
