import type { RouteObject } from 'react-router';
import { routePaths } from '../../lib/links';

/** The APIs feature's routes. */
export const resourceRoutes: RouteObject[] = [
  { path: routePaths.resources, lazy: async () => ({ Component: (await import('./components/resources-page')).ResourcesPage }) },
  { path: routePaths.newResource, lazy: async () => ({ Component: (await import('./components/new-resource-page')).NewResourcePage }) },
  { path: routePaths.resource, lazy: async () => ({ Component: (await import('./components/resource-page')).ResourcePage }) },
];
