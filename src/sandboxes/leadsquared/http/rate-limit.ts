/**
 * LeadSquared's rate limit: at most N calls per sliding window per access key (default 25 in 5 s,
 * the Enterprise figure), on the kit's limiter (kit/rate-limit.ts). Only accepted calls fill the
 * window, so a client that backs off gets in again once old calls age out. Rejections answer 429 (or
 * 200, the behaviour one integrator saw) with `MXAPIRateLimitExceededException`.
 */
import { MultiWindowLimiter } from '../../kit/rate-limit.ts';

export interface RateLimitConfig {
  /** Calls allowed per window; 0 turns the limit off. */
  calls: number;
  windowSeconds: number;
  /** Answer rate-limited calls with HTTP 200 (same MX body) instead of 429. */
  http200: boolean;
}

export const DEFAULT_RATE_LIMIT: RateLimitConfig = { calls: 25, windowSeconds: 5, http200: false };

export function normaliseRateLimit(
  input: Partial<RateLimitConfig> | undefined,
  base: RateLimitConfig,
): RateLimitConfig {
  const calls = input?.calls ?? base.calls;
  const windowSeconds = input?.windowSeconds ?? base.windowSeconds;
  const http200 = input?.http200 ?? base.http200;
  if (!Number.isInteger(calls) || calls < 0) throw new Error('rate limit calls must be an integer >= 0');
  if (!(typeof windowSeconds === 'number' && windowSeconds > 0))
    throw new Error('rate limit window must be > 0 seconds');
  return { calls, windowSeconds, http200: Boolean(http200) };
}

function windowsOf(config: RateLimitConfig) {
  return config.calls > 0
    ? [{ name: 'calls', limit: config.calls, windowMs: config.windowSeconds * 1000 }]
    : [];
}

export class RateLimiter {
  config: RateLimitConfig;
  private readonly limiter: MultiWindowLimiter;

  constructor(config: RateLimitConfig) {
    this.config = config;
    this.limiter = new MultiWindowLimiter(windowsOf(config));
  }

  /** Replaces the limit and forgets earlier calls. */
  configure(config: RateLimitConfig): void {
    this.config = config;
    this.limiter.configure(windowsOf(config));
  }

  /** Records the call and returns true if it is within the limit. */
  tryAcquire(key: string, nowMs: number): boolean {
    return this.limiter.take(key, nowMs).allowed;
  }
}
