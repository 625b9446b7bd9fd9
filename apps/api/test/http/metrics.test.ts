import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createMetrics, recordRoute, type Metrics } from '../../src/http/metrics.js';

function finish(metrics: Metrics, method: string, route: string, status: number) {
  const res = Object.assign(new EventEmitter(), { statusCode: status });
  recordRoute(metrics, { method } as IncomingMessage, res as unknown as ServerResponse, route);
  res.emit('finish');
}

const series = (text: string, name: string) => text.split('\n').filter((line) => line.startsWith(name)).sort();

describe('recordRoute', () => {
  it('counts every request once across scrapes, by method, route and status', async () => {
    const metrics = createMetrics();
    finish(metrics, 'POST', '/oauth/token', 200);
    finish(metrics, 'POST', '/oauth/token', 200);
    finish(metrics, 'POST', '/oauth/token', 400);
    expect(series(await metrics.registry.metrics(), 'tollgate_http_requests_total')).toEqual([
      'tollgate_http_requests_total{method="POST",route="/oauth/token",status="200"} 2',
      'tollgate_http_requests_total{method="POST",route="/oauth/token",status="400"} 1',
    ]);
    finish(metrics, 'POST', '/oauth/token', 200);
    finish(metrics, 'GET', '/oauth/token', 405);
    finish(metrics, 'POST', '/oauth/introspect', 200);
    expect(series(await metrics.registry.metrics(), 'tollgate_http_requests_total')).toEqual([
      'tollgate_http_requests_total{method="GET",route="/oauth/token",status="405"} 1',
      'tollgate_http_requests_total{method="POST",route="/oauth/introspect",status="200"} 1',
      'tollgate_http_requests_total{method="POST",route="/oauth/token",status="200"} 3',
      'tollgate_http_requests_total{method="POST",route="/oauth/token",status="400"} 1',
    ]);
    expect(series(await metrics.registry.metrics(), 'tollgate_http_request_duration_seconds_count')).toEqual([
      'tollgate_http_request_duration_seconds_count{method="GET",route="/oauth/token"} 1',
      'tollgate_http_request_duration_seconds_count{method="POST",route="/oauth/introspect"} 1',
      'tollgate_http_request_duration_seconds_count{method="POST",route="/oauth/token"} 4',
    ]);
  });

  it('takes a route label worked out when the request ends', async () => {
    const metrics = createMetrics();
    let route = 'unmatched';
    const res = Object.assign(new EventEmitter(), { statusCode: 200 });
    recordRoute(metrics, { method: 'GET' } as IncomingMessage, res as unknown as ServerResponse, () => route);
    route = '/healthz';
    res.emit('finish');
    expect(series(await metrics.registry.metrics(), 'tollgate_http_requests_total')).toEqual([
      'tollgate_http_requests_total{method="GET",route="/healthz",status="200"} 1',
    ]);
  });
});
