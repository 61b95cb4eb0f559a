/**
 * Retries a safe call's failed attempts as `decideRetry` says (backoff with jitter, the vendor's
 * Retry-After, the deadline), through cockatiel's retry policy. Unsafe calls (writes without an
 * Idempotency-Key) are attempted once.
 */
import { DelegateBackoff, handleWhen, retry } from 'cockatiel';
import { AttemptFailure, decideRetry, type RetrySettings } from '../retry.ts';
import type { UpstreamMetrics } from '../upstream-metrics.ts';
import type { Step, UpstreamCounters } from './types.ts';

/** A failed attempt the decision said to repeat, after `waitMs`. */
class RetryAfter extends Error {
  readonly failure: AttemptFailure;
  readonly waitMs: number;
  constructor(failure: AttemptFailure, waitMs: number) {
    super(failure.message);
    this.failure = failure;
    this.waitMs = waitMs;
  }
}

export function retryStep(deps: {
  settings: RetrySettings;
  counters: UpstreamCounters;
  metrics?: UpstreamMetrics;
}): Step {
  const { settings, counters, metrics } = deps;
  return (next) => async (exchange) => {
    const policy = retry(
      handleWhen((error) => error instanceof RetryAfter),
      {
        maxAttempts: settings.maxAttempts,
        backoff: new DelegateBackoff((context) => (context.result as { error: RetryAfter }).error.waitMs),
      },
    );
    let lastFailure: AttemptFailure | undefined;
    try {
      return await policy.execute(async ({ attempt }) => {
        try {
          return await next({ ...exchange, attempt, lastFailure });
        } catch (error) {
          if (!(error instanceof AttemptFailure)) throw error;
          lastFailure = error;
          const decision = decideRetry(error, {
            attempt: attempt + 1,
            safe: exchange.options.safe,
            elapsedMs: Date.now() - exchange.started,
            windowMs: exchange.target.rateLimit.windowSeconds * 1000,
            settings,
          });
          if (!decision.retry) throw error;
          counters.retries++;
          metrics?.retries.inc({ integration: exchange.target.integration.name, reason: error.kind });
          throw new RetryAfter(error, decision.waitMs);
        }
      });
    } catch (error) {
      throw error instanceof RetryAfter ? error.failure : error;
    }
  };
}
