import { defineRoute, type AdminRoute } from '../http/route.js';
import { settingsView } from './schema.js';

export const settingsRoutes: AdminRoute[] = [
  defineRoute({
    method: 'get', path: '/settings', operationId: 'getSettings', tag: 'settings',
    summary: 'The server\'s effective configuration',
    description: 'Read-only, from the environment the server started with. Secrets are masked: the database password, '
      + 'the metrics token and the key encryption secret never appear.',
    response: settingsView,
    async handle({ settings }) {
      return settings.server;
    },
  }),
];
