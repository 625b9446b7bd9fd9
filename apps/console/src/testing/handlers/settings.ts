import { http, HttpResponse } from 'msw';
import type { Settings } from '../../lib/contract';
import { db } from '../db';
import { unauthorized, type Reply } from './common';

/** `GET /admin/api/settings` over the mock data. */
export const settingsHandlers = [
  http.get<never, never, Reply<Settings>>('/admin/api/settings', ({ request }) => unauthorized(request) ?? HttpResponse.json(db.settings)),
];
