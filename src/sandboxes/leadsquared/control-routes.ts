/**
 * The control API over HTTP, under /__sandbox. No LeadSquared auth, never rate limited, not
 * counted in stats. Errors answer 400 `{"error": "..."}`.
 */
import type { FastifyInstance } from 'fastify';
import { controlRouter, faultList } from '../kit/control-routes.ts';
import type { AddAccountOptions } from './accounts.ts';
import { createControl } from './control.ts';
import type { RateLimitConfig } from './http/rate-limit.ts';
import type { SandboxState } from './state.ts';

export function registerControlRoutes(app: FastifyInstance, state: SandboxState): void {
  const control = createControl(state);
  const route = controlRouter(app);

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
  route('POST', '/rate-limit', (body) => control.setRateLimit(body as Partial<RateLimitConfig>));
  route('GET', '/faults', () => control.getFaults());
  // Replaces the rules: a rule, a list of rules, or {"faults": [...]}; [] clears.
  route('POST', '/faults', (body) => {
    control.setFaults(faultList(body));
    return control.getFaults();
  });
  route('DELETE', '/faults', () => {
    control.clearFaults();
    return [];
  });
  route('GET', '/settings', () => control.getSettings());
  route('POST', '/settings', (body) => control.setSettings(body));
  route('GET', '/accounts', () => control.accounts());
  route('POST', '/accounts', (body) => {
    const { accessKey, secretKey } = control.addAccount(body as AddAccountOptions);
    return { accessKey, secretKey };
  });
  route('GET', '/requests/:id', (_body, params) => control.request(params.id));
  route('GET', '/users/:idOrEmail', (_body, params) => control.user(params.idOrEmail));
}
