import { defineRoute, type AdminRoute } from '../http/route.js';
import { CONSOLE_CLIENTS } from '../names.js';
import { statisticsQuery, statisticsView, toStatisticsView } from './schema.js';
import { dashboardStatistics } from './service.js';

export const statisticsRoutes: AdminRoute[] = [
  defineRoute({
    method: 'get', path: '/statistics', operationId: 'getStatistics', tag: 'statistics',
    summary: 'Figures for the dashboard',
    description: 'Tokens issued per hour (24 h) and per day (30 days), failed authentications per hour, active tokens per client; '
      + 'with excludeConsole=true, without the console\'s own tokens.',
    query: statisticsQuery,
    response: statisticsView,
    async handle({ query, storage }) {
      return toStatisticsView(await dashboardStatistics(storage, Date.now(), query.excludeConsole ? CONSOLE_CLIENTS : []));
    },
  }),
];
