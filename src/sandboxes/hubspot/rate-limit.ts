/**
 * HubSpot's limits: a rolling 10-second window (100 calls on Free/Starter) and 250,000 calls a day, per
 * app and account, announced in `X-HubSpot-RateLimit-*` headers; a refused call gets HubSpot's 429 body
 * naming the policy. No `Retry-After`: clients pace from the headers.
 */
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../kit/auth.ts';
import type { RateLimitSpec } from '../kit/emulator.ts';
import type { RateWindow } from '../kit/rate-limit.ts';
import { rateLimitError } from './errors.ts';

export interface RateLimit {
  calls: number;
  windowMs: number;
}

/** Free/Starter private apps: 250k calls a day. */
export const DAILY_LIMIT = 250_000;
const DAY_MS = 86_400_000;

/** The daily window comes first: when both are spent, HubSpot names the daily policy. */
export function windowsFor(limit: RateLimit | null | undefined): RateWindow[] {
  const rolling = limit === undefined ? { calls: 100, windowMs: 10_000 } : limit;
  if (rolling === null) return [];
  return [
    { name: 'DAILY', limit: DAILY_LIMIT, windowMs: DAY_MS },
    { name: 'TEN_SECONDLY_ROLLING', limit: rolling.calls, windowMs: rolling.windowMs },
  ];
}

/** Private-app tokens count per token; OAuth calls per app and HubSpot account. */
function limitKey(_request: FastifyRequest, principal: Principal): string {
  return principal.grant ? `oauth:${principal.grant.clientId}:${principal.account}` : principal.key;
}

export function hubspotRateLimit(windows: RateWindow[]): RateLimitSpec {
  return {
    windows,
    key: limitKey,
    headers: (decision) => {
      const rolling = decision.windows.find((w) => w.name !== 'DAILY');
      const daily = decision.windows.find((w) => w.name === 'DAILY');
      return {
        ...(rolling
          ? {
              'x-hubspot-ratelimit-max': rolling.limit,
              'x-hubspot-ratelimit-remaining': rolling.remaining,
              'x-hubspot-ratelimit-interval-milliseconds': rolling.windowMs,
            }
          : {}),
        ...(daily
          ? {
              'x-hubspot-ratelimit-daily': daily.limit,
              'x-hubspot-ratelimit-daily-remaining': daily.remaining,
            }
          : {}),
      };
    },
    body: (decision, request) =>
      rateLimitError(request.id, decision.exceeded?.name === 'DAILY' ? 'DAILY' : 'TEN_SECONDLY_ROLLING'),
  };
}
