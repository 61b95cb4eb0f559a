/** Prometheus metrics at `GET /metrics`: process defaults plus request counts and latency by route. */
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { Services } from '../services.ts';
import type { App } from './app.ts';

export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

export function registerMetrics(app: App, services: Services): void {
  const duration = new Histogram({
    name: 'switchboard_http_request_duration_seconds',
    help: 'Time to answer a client request, by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [services.metrics],
  });
  app.addHook('onResponse', async (request, reply) => {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unknown',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', services.metrics.contentType);
    return services.metrics.metrics();
  });
}
