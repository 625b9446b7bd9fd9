import type { RouteObject } from 'react-router';
import { routePaths } from '../../lib/links';

/** The users feature's routes. */
export const userRoutes: RouteObject[] = [
  { path: routePaths.users, lazy: async () => ({ Component: (await import('./components/users-page')).UsersPage }) },
  { path: routePaths.newUser, lazy: async () => ({ Component: (await import('./components/new-user-page')).NewUserPage }) },
  { path: routePaths.user, lazy: async () => ({ Component: (await import('./components/user-page')).UserPage }) },
];
