/** A target and an exchange for the steps' own tests (HubSpot's real definition; no server needed). */
import { hubspot } from '../../integrations/hubspot/integration.ts';
import { guardUpstreamUrl } from '../origin-guard.ts';
import type { UpstreamResponse } from '../types.ts';
import type { Exchange, Handler, UpstreamCounters, UpstreamTarget } from './types.ts';

export function target(overrides: Partial<UpstreamTarget> = {}): UpstreamTarget {
  return {
    accountId: 'acc-1',
    environmentId: 'env-1',
    accountStatus: 'active',
    integration: hubspot,
    origin: 'http://127.0.0.1:9',
    context: { access_token: 'pat-secret', authentication_method: 'api_key' },
    credentialsVersion: 0,
    rateLimit: { calls: 100, windowSeconds: 10 },
    ...overrides,
  };
}

export function exchange(overrides: Partial<Exchange> = {}): Exchange {
  const t = overrides.target ?? target();
  return {
    target: t,
    call: { method: 'GET', path: '/crm/v3/owners' },
    url: guardUpstreamUrl({ origin: t.origin, basePath: '' }, { path: '/crm/v3/owners' }),
    options: { safe: true },
    started: Date.now(),
    attempt: 0,
    ...overrides,
  };
}

export function counters(): UpstreamCounters {
  return {
    attempts: 0,
    retries: 0,
    vendorRateLimited: 0,
    pacingRejected: 0,
    circuitOpen: 0,
    storeUnavailable: 0,
    refreshedRetries: 0,
  };
}

/** A terminal handler answering the given responses in turn (the last one repeats); counts its calls. */
export function answering(...responses: UpstreamResponse[]): Handler & { calls: Exchange[] } {
  const calls: Exchange[] = [];
  const handler = (async (exchange: Exchange) => {
    calls.push(exchange);
    return { response: responses[Math.min(calls.length - 1, responses.length - 1)]! };
  }) as Handler & { calls: Exchange[] };
  handler.calls = calls;
  return handler;
}

export const ok: UpstreamResponse = { status: 200, headers: {}, body: { results: [] } };
export const status = (
  code: number,
  headers: Record<string, string> = {},
  body: unknown = { message: `HTTP ${code}` },
) => ({ status: code, headers, body }) as UpstreamResponse;
