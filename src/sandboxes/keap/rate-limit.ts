/**
 * Keap's API token quotas (https://developer.infusionsoft.com/api-token-quota-and-usage-measurements/):
 * Personal Access Tokens and Service Account Keys get 10 calls a second (spike arrest), 240 a minute and
 * 30,000 a day; OAuth applications 1,500 a minute and 150,000 a day per client. The gateway reports the
 * budget in `x-keap-product-throttle-*` (minute) and `x-keap-product-quota-*` (day) headers and refuses
 * with HTTP 429 and an Apigee fault.
 */
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../kit/auth.ts';
import type { RateLimitSpec } from '../kit/emulator.ts';
import type { RateWindow } from '../kit/rate-limit.ts';
import { quotaViolation, spikeArrest } from './errors.ts';

const DAY_MS = 86_400_000;

export type KeapLimits = 'key' | 'oauth';

/** The day window first, so that it is the one named when several are spent. */
export function keapWindows(limits: KeapLimits | null): RateWindow[] {
  if (limits === null) return [];
  return limits === 'oauth'
    ? [
        { name: 'QUOTA', limit: 150_000, windowMs: DAY_MS },
        { name: 'THROTTLE', limit: 1_500, windowMs: 60_000 },
      ]
    : [
        { name: 'QUOTA', limit: 30_000, windowMs: DAY_MS },
        { name: 'THROTTLE', limit: 240, windowMs: 60_000 },
        { name: 'SPIKE', limit: 10, windowMs: 1_000 },
      ];
}

/** OAuth calls count per client application (across tenants); keys per key. */
function limitKey(_request: FastifyRequest, principal: Principal): string {
  return principal.grant ? `client:${principal.grant.clientId}` : principal.key;
}

function nextUtcMidnight(now: number): string {
  const day = new Date(now);
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() + 1)).toISOString();
}

export function keapRateLimit(windows: RateWindow[]): RateLimitSpec {
  return {
    windows,
    key: limitKey,
    headers: (decision) => {
      const minute = decision.windows.find((w) => w.name === 'THROTTLE');
      const day = decision.windows.find((w) => w.name === 'QUOTA');
      return {
        ...(minute
          ? {
              'x-keap-product-throttle-limit': minute.limit,
              'x-keap-product-throttle-available': minute.remaining,
              'x-keap-product-throttle-used': minute.used,
            }
          : {}),
        ...(day
          ? {
              'x-keap-product-quota-limit': day.limit,
              'x-keap-product-quota-available': day.remaining,
              'x-keap-product-quota-used': day.used,
              'x-keap-product-quota-time-unit': 'day',
              'x-keap-product-quota-interval': 1,
              'x-keap-product-quota-expiry-time': nextUtcMidnight(decision.now),
            }
          : {}),
      };
    },
    // The identifier is the client id for applications; a key is never echoed.
    body: (decision) =>
      decision.exceeded?.name === 'SPIKE'
        ? spikeArrest(decision.exceeded.limit)
        : quotaViolation(decision.key.startsWith('client:') ? decision.key.slice(7) : 'api-key'),
  };
}
