import type { RouteObject } from 'react-router';

/** The dashboard is the console's index. */
export const dashboardRoutes: RouteObject[] = [
  {
    index: true,
    lazy: async () => ({ Component: (await import('./components/dashboard-page')).DashboardPage }),
  },
];
