/**
 * Pacing: every attempt takes a slot in the account's sliding window first (`pacer.ts`), and a count in
 * each of its longer windows (a daily cap), waiting in line if need be; too long a wait → 429 with
 * `Retry-After`. The vendor's own budget headers are honoured on top: when the vendor says no calls are
 * left until its reset (or answers 429 with `Retry-After`), nobody on any instance calls that account
 * until then. An open circuit gives its slot back (no call was made).
 */
import type { RateHeaders, RateLimitPolicy } from '../../integrations/types.ts';
import { CircuitOpen } from '../breakers.ts';
import type { PaceStore } from '../pace-store.ts';
import { type Pacer, PacingRejected, type Slot } from '../pacer.ts';
import { AttemptFailure } from '../retry.ts';
import type { UpstreamResponse } from '../types.ts';
import type { UpstreamMetrics } from '../upstream-metrics.ts';
import type { RateBudget, Step, UpstreamCounters } from './types.ts';

/** A retry could not get a pacing slot in time: the call ends with the previous attempt's failure. */
export class GiveUp extends Error {
  readonly failure: AttemptFailure;
  constructor(failure: AttemptFailure) {
    super(failure.message);
    this.failure = failure;
  }
}

function header(response: UpstreamResponse, name: string): string | undefined {
  const raw = response.headers[name.toLowerCase()];
  return Array.isArray(raw) ? raw[0] : raw;
}

/** How long until the vendor's budget resets, when its headers say none is left; else undefined. */
export function exhaustedForMs(
  response: UpstreamResponse,
  headers: RateHeaders | undefined,
  now = Date.now(),
): number | undefined {
  if (!headers?.remaining) return undefined;
  const remaining = Number(header(response, headers.remaining));
  if (!Number.isFinite(remaining) || remaining > 0) return undefined;
  return resetInMs(response, headers, now) ?? 1000;
}

/** How long until the reset the vendor's reset header names, when it sends one (a 429 without Retry-After). */
export function resetInMs(
  response: UpstreamResponse,
  headers: RateHeaders | undefined,
  now = Date.now(),
): number | undefined {
  if (!headers?.reset) return undefined;
  const raw = header(response, headers.reset.header);
  const value = Number(raw);
  if (raw === undefined || raw === '' || !Number.isFinite(value)) return undefined;
  switch (headers.reset.unit) {
    case 'seconds':
      return value * 1000;
    case 'ms':
      return value;
    case 'epoch-seconds':
      return Math.max(0, value * 1000 - now);
    case 'epoch-ms':
      return Math.max(0, value - now);
  }
}

export function pacingStep(deps: {
  pacer: Pacer;
  store: PaceStore;
  maxWaitMs: number;
  deadlineMs: number;
  counters: UpstreamCounters;
  metrics?: UpstreamMetrics;
}): Step {
  const { pacer, store, counters, metrics } = deps;
  return (next) => async (exchange) => {
    const { target } = exchange;
    const limit: RateLimitPolicy = target.rateLimit;
    const remainingMs = deps.deadlineMs - (Date.now() - exchange.started);
    const waitStarted = Date.now();
    let slot: Slot;
    try {
      slot = await pacer.acquire(
        target.accountId,
        limit,
        exchange.attempt === 0 ? deps.maxWaitMs : Math.max(0, Math.min(deps.maxWaitMs, remainingMs)),
      );
      await takeLongerWindows(store, target.accountId, limit, slot);
    } catch (error) {
      // A retry that cannot get a slot in time ends with the vendor's own failure, the real cause.
      if (error instanceof PacingRejected && exchange.lastFailure) throw new GiveUp(exchange.lastFailure);
      throw error;
    }
    metrics?.pacingWait.observe({ integration: target.integration.name }, (Date.now() - waitStarted) / 1000);
    const release = async (): Promise<RateBudget | undefined> => {
      const state = await pacer.release(slot);
      if (!state) return undefined;
      return {
        limit: limit.calls,
        remaining: Math.max(0, limit.calls - state.used),
        resetSeconds: Math.ceil(Math.max(0, state.resetMs) / 1000),
        windowSeconds: limit.windowSeconds,
      };
    };
    counters.attempts++;
    try {
      const outcome = await next(exchange);
      metrics?.attempts.inc({ integration: target.integration.name, outcome: 'ok' });
      const exhausted = exhaustedForMs(outcome.response, limit.headers);
      if (exhausted !== undefined) await pacer.penalize(target.accountId, exhausted);
      return { ...outcome, budget: await release() };
    } catch (error) {
      if (error instanceof CircuitOpen) {
        await store.cancel(target.accountId, slot.ticket).catch(() => undefined);
        throw error;
      }
      await release();
      if (error instanceof AttemptFailure) {
        metrics?.attempts.inc({ integration: target.integration.name, outcome: error.kind });
        if (error.kind === 'rate-limited') {
          counters.vendorRateLimited++;
          metrics?.vendorRateLimited.inc({ integration: target.integration.name });
          // Everyone calling this account (on every instance) waits the vendor out.
          await pacer.penalize(target.accountId, error.retryAfterMs ?? limit.windowSeconds * 1000);
        }
      }
      throw error;
    }
  };
}

/**
 * Counts the attempt in each longer window (a daily cap). These are fixed windows (a counter per period),
 * as vendors' daily quotas reset at fixed times; exact sliding logs would hold a day of timestamps.
 */
async function takeLongerWindows(
  store: PaceStore,
  key: string,
  limit: RateLimitPolicy,
  slot: Slot,
): Promise<void> {
  for (const [index, window] of (limit.more ?? []).entries()) {
    const counted = await store.count(`${key}:w${index}`, window.calls, window.windowSeconds * 1000);
    if (!counted.admitted) {
      await store.cancel(slot.key, slot.ticket).catch(() => undefined);
      throw new PacingRejected(
        `the account's budget of ${window.calls} calls per ${window.windowSeconds} s is used up`,
        counted.waitMs,
        false,
      );
    }
  }
}
