/**
 * Pipedrive's limits (https://pipedrive.readme.io/docs/core-api-concepts-rate-limiting): a burst limit
 * per rolling 2-second window (API tokens: 20 on Essential/Lite … 120 on Enterprise; OAuth tokens four
 * times that) and a daily token budget per company (30,000 × plan multiplier × seats), each call costing
 * the endpoint's tokens (`GET /users` 20, `/users/find` 40, `/users/me` and `/users/{id}` 2). Headers:
 * `x-ratelimit-limit`, `-remaining`, `-reset` (seconds) for the burst window and
 * `x-daily-ratelimit-token-limit`, `-remaining` for the budget. Over either → 429.
 */
import type { FastifyRequest } from 'fastify';
import type { RateLimitSpec } from '../kit/emulator.ts';
import type { RateWindow } from '../kit/rate-limit.ts';
import { rateLimited } from './errors.ts';

export interface PipedriveLimits {
  /** Calls per 2 s (default 20: an API token on the Lite plan). */
  burst: number;
  /** Tokens a day (default 30,000 × 1 × seats: Lite, counting the active users as seats). */
  dailyTokens: number;
}

const DAY_MS = 86_400_000;

/** Token cost of a call, by endpoint (the docs' `Cost` of each; unknown paths cost a list's 20). */
export function tokenCost(request: FastifyRequest): number {
  const path = request.url
    .split('?')[0]
    .replace(/^\/api/, '')
    .replace(/\/$/, '');
  if (path === '/v1/users') return 20;
  if (path === '/v1/users/find') return 40;
  if (/^\/v1\/users\/(me|\d+)$/.test(path)) return 2;
  return 20;
}

export function windowsFor(limits: PipedriveLimits | null): RateWindow[] {
  if (limits === null) return [];
  return [
    { name: 'DAILY_TOKENS', limit: limits.dailyTokens, windowMs: DAY_MS, unit: 'cost' },
    { name: 'BURST', limit: limits.burst, windowMs: 2000 },
  ];
}

/**
 * Keyed per company: the budget is the company's; the burst limit is per token on Pipedrive, so with
 * several tokens at once the emulator is stricter than Pipedrive (docs/integrations/pipedrive.md).
 */
export function pipedriveRateLimit(windows: RateWindow[]): RateLimitSpec {
  return {
    windows,
    key: (_request, principal) => principal.account ?? principal.key,
    cost: tokenCost,
    headers: (decision) => {
      const burst = decision.windows.find((w) => w.name === 'BURST');
      const daily = decision.windows.find((w) => w.name === 'DAILY_TOKENS');
      return {
        ...(burst
          ? {
              'x-ratelimit-limit': burst.limit,
              'x-ratelimit-remaining': burst.remaining,
              'x-ratelimit-reset': Math.max(1, Math.ceil((burst.resetAt - decision.now) / 1000)),
            }
          : {}),
        ...(daily
          ? {
              'x-daily-ratelimit-token-limit': daily.limit,
              'x-daily-ratelimit-token-remaining': daily.remaining,
            }
          : {}),
      };
    },
    body: (decision) => rateLimited(decision.exceeded?.name === 'DAILY_TOKENS'),
  };
}
