import { http, HttpResponse } from 'msw';
import type { Health } from '../../features/status/api/get-health';

/** A healthy server's `/healthz` body. */
export const healthyBody: Health = { status: 'ok', database: 'ok', version: '0.1.0' };

/** The `/healthz` body sent with 503 when the database is down. */
export const unavailableBody: Health = { status: 'unavailable', database: 'unreachable', version: '0.1.0' };

/** Default handlers: a healthy server. */
export const healthHandlers = [http.get('/healthz', () => HttpResponse.json(healthyBody))];

/** Override for a server whose database is unreachable. */
export const healthUnavailable = http.get('/healthz', () =>
  HttpResponse.json(unavailableBody, { status: 503 }),
);
