import { defineRoute, type AdminRoute } from '../http/route.js';
import { statisticsView, toStatisticsView } from './schema.js';
import { dashboardStatistics } from './service.js';

export const statisticsRoutes: AdminRoute[] = [
  defineRoute({
    method: 'get', path: '/statistics', operationId: 'getStatistics', tag: 'statistics',
    summary: 'Figures for the dashboard',
    description: 'Tokens issued per hour (24 h) and per day (30 days), failed authentications per hour, active tokens per client.',
    response: statisticsView,
    async handle({ storage }) {
      return toStatisticsView(await dashboardStatistics(storage));
    },
  }),
];
