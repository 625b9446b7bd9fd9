import type { RouteObject } from 'react-router';
import { routePaths } from '../../lib/links';

/** The registration feature's routes: the policy with the registration tokens, and a new token. */
export const registrationRoutes: RouteObject[] = [
  { path: routePaths.registration, lazy: async () => ({ Component: (await import('./components/registration-page')).RegistrationPage }) },
  { path: routePaths.newRegistrationToken, lazy: async () => ({ Component: (await import('./components/new-registration-token-page')).NewRegistrationTokenPage }) },
];
