/**
 * The control API over HTTP, under /__sandbox. No LeadSquared auth, never rate limited, not
 * counted in stats. Errors answer 400 `{"error": "..."}`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AddAccountOptions } from './accounts.ts';
import { createControl } from './control.ts';
import type { FaultRule } from './http/faults.ts';
import type { RateLimitConfig } from './http/rate-limit.ts';
import type { SandboxState } from './state.ts';

type ControlHandler = (request: FastifyRequest) => unknown;

export function registerControlRoutes(app: FastifyInstance, state: SandboxState): void {
  const control = createControl(state);
  const route = (method: 'GET' | 'POST' | 'DELETE', url: string, handler: ControlHandler) => {
    app.route({
      method,
      url: `/__sandbox${url}`,
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        try {
          const result = await handler(request);
          if (result === undefined) return reply.code(404).send({ error: 'not found' });
          return reply.send(result);
        } catch (error) {
          return reply.code(400).send({ error: error instanceof Error ? error.message : String(error) });
        }
      },
    });
  };
  const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;

  route('GET', '', () => ({
    accounts: control.accounts().map((a) => a.accessKey),
    users: state.primary.tenant.users.count,
    seed: state.primary.tenant.seed,
    rate_limit: control.getRateLimit(),
    settings: control.getSettings(),
    faults: control.getFaults(),
  }));
  route('GET', '/stats', () => control.stats());
  route('POST', '/reset-stats', () => {
    control.resetStats();
    return { ok: true };
  });
  route('GET', '/rate-limit', () => control.getRateLimit());
  route('POST', '/rate-limit', (request) => control.setRateLimit(body(request) as Partial<RateLimitConfig>));
  route('GET', '/faults', () => control.getFaults());
  // Replaces the rules: a rule, a list of rules, or {"faults": [...]}; [] clears.
  route('POST', '/faults', (request) => {
    const b = request.body as unknown;
    const rules = (
      b && typeof b === 'object' && !Array.isArray(b) && 'faults' in b ? (b as { faults: unknown }).faults : b
    ) as FaultRule | FaultRule[];
    control.setFaults(Array.isArray(rules) ? rules : [rules]);
    return control.getFaults();
  });
  route('DELETE', '/faults', () => {
    control.clearFaults();
    return [];
  });
  route('GET', '/settings', () => control.getSettings());
  route('POST', '/settings', (request) => control.setSettings(body(request)));
  route('GET', '/accounts', () => control.accounts());
  route('POST', '/accounts', (request) => {
    const { accessKey, secretKey } = control.addAccount(body(request) as AddAccountOptions);
    return { accessKey, secretKey };
  });
  route('GET', '/requests/:id', (request) => control.request((request.params as { id: string }).id));
  route('GET', '/users/:idOrEmail', (request) =>
    control.user((request.params as { idOrEmail: string }).idOrEmail),
  );
}
