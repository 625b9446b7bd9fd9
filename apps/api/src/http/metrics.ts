import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { clientAddress, type TrustedProxies } from './client-address.js';

/** The server's Prometheus metrics, on a registry of its own so two apps in one process never clash. */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  tokensIssued: Counter<'grant_type'>;
  authFailures: Counter<'kind'>;
  /** Requests recordRoute has counted that httpRequests has yet to take in; it does so whenever it is read. */
  routeTallies: RouteTallies;
}

/** By route, then method: plain maps, cheaper per request than prom-client hashing a label object on every call. */
type RouteTallies = Map<string, Map<string, RouteTally>>;

interface RouteTally {
  /** Shared by every observation, so none allocates its labels. */
  labels: { method: string; route: string };
  /** Requests finished since httpRequests was last read, by status code. */
  uncounted: Map<number, number>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tollgate_' });
  const routeTallies: RouteTallies = new Map();
  return {
    registry,
    routeTallies,
    httpRequests: new Counter({
      name: 'tollgate_http_requests_total', help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'], registers: [registry],
      collect() {
        for (const byMethod of routeTallies.values()) {
          for (const tally of byMethod.values()) {
            for (const [status, count] of tally.uncounted) this.inc({ ...tally.labels, status: String(status) }, count);
            tally.uncounted.clear();
          }
        }
      },
    }),
    httpDuration: new Histogram({
      name: 'tollgate_http_request_duration_seconds', help: 'HTTP request latency by route',
      labelNames: ['method', 'route'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    tokensIssued: new Counter({
      name: 'tollgate_tokens_issued_total', help: 'Access tokens issued by grant type',
      labelNames: ['grant_type'], registers: [registry],
    }),
    authFailures: new Counter({
      name: 'tollgate_auth_failures_total', help: 'Failed client and user authentications',
      labelNames: ['kind'], registers: [registry],
    }),
  };
}

/**
 * Labels by route pattern, never by raw path, so ids in URLs cannot grow
 * the label set without bound.
 */
function routeLabel(req: Request): string {
  if (req.route?.path) return `${req.baseUrl}${String(req.route.path)}`;
  if (req.originalUrl.startsWith('/console')) return '/console';
  return 'unmatched';
}

export function recordRequests(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    recordRoute(metrics, req, res, () => routeLabel(req));
    next();
  };
}

/** Records one request's latency and status under a route label, known now or when it ends. */
export function recordRoute(metrics: Metrics, req: IncomingMessage, res: ServerResponse, route: string | (() => string)) {
  const start = performance.now();
  res.on('finish', () => {
    const tally = routeTally(metrics.routeTallies, req.method ?? 'GET', typeof route === 'string' ? route : route());
    metrics.httpDuration.observe(tally.labels, (performance.now() - start) / 1000);
    tally.uncounted.set(res.statusCode, (tally.uncounted.get(res.statusCode) ?? 0) + 1);
  });
}

function routeTally(tallies: RouteTallies, method: string, route: string): RouteTally {
  let byMethod = tallies.get(route);
  if (!byMethod) {
    byMethod = new Map();
    tallies.set(route, byMethod);
  }
  let tally = byMethod.get(method);
  if (!tally) {
    tally = { labels: { method, route }, uncounted: new Map() };
    byMethod.set(method, tally);
  }
  return tally;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Who may read /metrics: with METRICS_TOKEN set, whoever presents it as a
 * bearer token; without it, only this machine. Issue counts and failed
 * authentications are not for the whole network to watch. "This machine" is the
 * client behind any trusted proxy: a proxy on loopback is not its clients.
 */
export function metricsAccess(token: string | null, trustedProxies: TrustedProxies) {
  const expected = token === null ? null : Buffer.from(`Bearer ${token}`);
  return (req: Request, res: Response, next: NextFunction) => {
    const allowed = expected === null
      ? LOOPBACK.has(clientAddress(req, trustedProxies))
      : (() => {
        const presented = Buffer.from(req.headers.authorization ?? '');
        return presented.length === expected.length && timingSafeEqual(presented, expected);
      })();
    if (allowed) {
      next();
      return;
    }
    res.status(403).json({ error: 'forbidden', error_description: 'Metrics are readable from this machine, or with METRICS_TOKEN.' });
  };
}
