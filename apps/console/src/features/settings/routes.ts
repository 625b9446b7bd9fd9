import type { RouteObject } from 'react-router';
import { routePaths } from '../../lib/links';

/** The settings feature's routes. */
export const settingsRoutes: RouteObject[] = [
  { path: routePaths.settings, lazy: async () => ({ Component: (await import('./components/settings-page')).SettingsPage }) },
];
