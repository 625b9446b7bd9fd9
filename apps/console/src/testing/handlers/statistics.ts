import { http, HttpResponse } from 'msw';
import type { Statistics } from '../../lib/contract';
import { db } from '../db';
import { CONSOLE_CLIENT_ID, unauthorized, type Reply } from './common';

/** The admin API's statistics from the mock data. */
export const statisticsHandlers = [
  http.get<never, never, Reply<Statistics>>('/admin/api/statistics', ({ request }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const excludeConsole = new URL(request.url).searchParams.get('excludeConsole') === 'true';
    return HttpResponse.json(excludeConsole
      ? { ...db.statistics, activeTokensByClient: db.statistics.activeTokensByClient.filter((c) => c.clientId !== CONSOLE_CLIENT_ID) }
      : db.statistics);
  }),
];
