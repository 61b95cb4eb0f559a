/**
 * The common control API over HTTP under `/__sandbox`: stats, faults, rate limit and (with OAuth) the
 * authorization server's controls. No vendor auth, never rate limited, not counted in stats. Bodies are
 * JSON; an error answers 400 `{"error": "…"}`, an unknown id 404.
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorControl, RateLimitSettings } from './emulator.ts';
import type { FaultRule } from './faults.ts';
import { registerOAuthControlRoutes } from './oauth/control.ts';

export type ControlHandler = (
  /** The JSON body (an object or a list), `{}` when absent. */
  body: Record<string, unknown>,
  params: Record<string, string>,
  query: Record<string, string>,
) => unknown;

export type ControlRoute = (method: 'GET' | 'POST' | 'DELETE', url: string, handler: ControlHandler) => void;

/** Adds `/__sandbox<url>` routes: the handler's value is the JSON answer; undefined → 404; a throw → 400. */
export function controlRouter(app: FastifyInstance): ControlRoute {
  return (method, url, handler) => {
    app.route({
      method,
      url: `/__sandbox${url}`,
      handler: async (request, reply) => {
        try {
          const body = request.body;
          const result = await handler(
            (body && typeof body === 'object' ? body : {}) as Record<string, unknown>,
            request.params as Record<string, string>,
            request.query as Record<string, string>,
          );
          if (result === undefined) return reply.code(404).send({ error: 'not found' });
          return reply.send(result);
        } catch (error) {
          return reply.code(400).send({ error: error instanceof Error ? error.message : String(error) });
        }
      },
    });
  };
}

/** Accepts a rule, a list of rules, or `{"faults": [...]}`. */
export function faultList(body: unknown): FaultRule[] {
  const rules =
    body && typeof body === 'object' && !Array.isArray(body) && 'faults' in body
      ? (body as { faults: unknown }).faults
      : body;
  return (Array.isArray(rules) ? rules : [rules]) as FaultRule[];
}

export function registerCommonControlRoutes(app: FastifyInstance, control: EmulatorControl): ControlRoute {
  const route = controlRouter(app);
  route('GET', '', () => ({
    name: control.name,
    rateLimit: control.getRateLimit(),
    faults: control.getFaults(),
    oauth: control.oauth?.getSettings() ?? null,
  }));
  route('GET', '/stats', () => control.stats());
  route('POST', '/reset-stats', () => {
    control.resetStats();
    return { ok: true };
  });
  route('GET', '/faults', () => control.getFaults());
  // Replaces the rules; [] clears.
  route('POST', '/faults', (body) => {
    control.setFaults(faultList(body));
    return control.getFaults();
  });
  route('DELETE', '/faults', () => {
    control.clearFaults();
    return [];
  });
  route('GET', '/rate-limit', () => control.getRateLimit() ?? { windows: [] });
  // {"windows": [...], "status": 429} changes the limit (windows replace the list); {"windows": []} turns it off.
  route('POST', '/rate-limit', (body) => control.setRateLimit(body as Partial<RateLimitSettings>));
  if (control.oauth) registerOAuthControlRoutes((m, u, h) => route(m, u, (b, p) => h(b, p)), control.oauth);
  return route;
}
