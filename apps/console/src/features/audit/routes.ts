import type { RouteObject } from 'react-router';
import { routePaths } from '../../lib/links';

/** The audit feature's routes. */
export const auditRoutes: RouteObject[] = [
  { path: routePaths.audit, lazy: async () => ({ Component: (await import('./components/audit-page')).AuditPage }) },
];
