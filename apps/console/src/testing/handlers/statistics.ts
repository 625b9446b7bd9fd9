import { http, HttpResponse } from 'msw';
import type { Statistics } from '../../lib/contract';
import { db } from '../db';
import { unauthorized, type Reply } from './common';

/** The admin API's statistics from the mock data. */
export const statisticsHandlers = [
  http.get<never, never, Reply<Statistics>>('/admin/api/statistics', ({ request }) => unauthorized(request) ?? HttpResponse.json(db.statistics)),
];
