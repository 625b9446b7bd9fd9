import type { RouteObject } from 'react-router';

/** The status feature's routes: the server status page is the console's index. */
export const statusRoutes: RouteObject[] = [
  {
    index: true,
    lazy: async () => ({ Component: (await import('./components/status-page')).StatusPage }),
  },
];

/** Link to the server status page. */
export function toStatus(): string {
  return '/';
}
