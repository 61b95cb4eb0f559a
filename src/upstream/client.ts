/**
 * The upstream client: every call to a vendor goes through `call`, a chain of small steps composed here
 * (each in `steps/`, with its own test), in this order:
 *
 *   origin guard → retry → auth (inject; refresh OAuth) → pacing → circuit breaker → classify → send
 *
 * - the origin guard builds and checks the final URL once; a refused URL costs nothing and is not retried;
 * - retry repeats safe calls' failed attempts (`retry.ts` decides);
 * - auth injects the account's credentials and refreshes OAuth tokens (outside pacing, so a refresh never
 *   holds a vendor slot, and the retry after a refresh takes its own);
 * - pacing takes a slot in the account's windows and honours the vendor's budget headers;
 * - the breaker fails fast while the origin is unwell; classify turns vendor errors (even HTTP 200 ones)
 *   into failures; send is one HTTP request with the per-attempt timeout.
 *
 * Whatever stops a call reaches the client as a SwitchboardError with a clear status: vendor 4xx → its
 * status; 5xx → 502; rate limiting → 429 with `Retry-After`; network failure → 502; timeout → 504; an open
 * circuit → 503; Switchboard's own pacing → 429 `UPSTREAM_BUDGET_EXHAUSTED`.
 */
import type { Registry } from 'prom-client';
import { SwitchboardError } from '../errors.ts';
import { basePathOf } from '../integrations/types.ts';
import type { TokenManager } from '../oauth/tokens.ts';
import { type BreakerSettings, Breakers, CircuitOpen } from './breakers.ts';
import { buildUrl } from './http.ts';
import { MemoryPaceStore, type PaceStore, PaceStoreUnavailable } from './pace-store.ts';
import { Pacer, PacingRejected } from './pacer.ts';
import { AttemptFailure, DEFAULT_RETRY, type RetrySettings } from './retry.ts';
import { type AccountStatusHooks, authStep } from './steps/auth.ts';
import { breakerStep } from './steps/breaker.ts';
import { classify } from './steps/classify.ts';
import { GiveUp, pacingStep } from './steps/pacing.ts';
import { retryStep } from './steps/retry.ts';
import { send } from './steps/send.ts';
import {
  type CallOptions,
  compose,
  type Handler,
  type RateBudget,
  type UpstreamCounters,
  type UpstreamTarget,
} from './steps/types.ts';
import type { UpstreamCall, UpstreamResponse } from './types.ts';
import { UpstreamMetrics } from './upstream-metrics.ts';

export type { AccountStatusHooks } from './steps/auth.ts';
export type { CallOptions, RateBudget, UpstreamCounters, UpstreamTarget } from './steps/types.ts';

export interface UpstreamResult {
  response: UpstreamResponse;
  budget?: RateBudget;
}

export interface UpstreamClientOptions {
  hooks: AccountStatusHooks;
  tokens: TokenManager;
  /** Per attempt. */
  timeoutMs: number;
  /** Where the per-account call logs live (default: this process's memory). */
  paceStore?: PaceStore;
  /** The longest a call waits for a pacing slot before the client gets a 429 (default 30 s). */
  maxWaitMs?: number;
  /** Calls that may wait per account and instance (default 1000). */
  maxQueue?: number;
  retry?: Partial<RetrySettings>;
  breaker?: Partial<BreakerSettings>;
  metrics?: Registry;
}

export class UpstreamClient {
  readonly pacer: Pacer;
  readonly breakers: Breakers;
  readonly tokens: TokenManager;
  readonly counters: UpstreamCounters = {
    attempts: 0,
    retries: 0,
    vendorRateLimited: 0,
    pacingRejected: 0,
    circuitOpen: 0,
    storeUnavailable: 0,
    refreshedRetries: 0,
  };
  readonly #maxWaitMs: number;
  readonly #metrics: UpstreamMetrics | undefined;
  readonly #chain: Handler;

  constructor(options: UpstreamClientOptions) {
    const settings = { ...DEFAULT_RETRY, ...options.retry };
    this.#maxWaitMs = options.maxWaitMs ?? 30_000;
    const store = options.paceStore ?? new MemoryPaceStore();
    this.pacer = new Pacer(store, { maxQueue: options.maxQueue ?? 1_000, holdMs: options.timeoutMs + 5_000 });
    this.breakers = new Breakers({ threshold: 10, halfOpenAfterMs: 30_000, ...options.breaker });
    this.tokens = options.tokens;
    this.#metrics = options.metrics ? new UpstreamMetrics(options.metrics) : undefined;
    const counters = this.counters;
    const metrics = this.#metrics;
    this.#chain = compose(
      [
        retryStep({ settings, counters, metrics }),
        authStep({ hooks: options.hooks, tokens: options.tokens, counters }),
        pacingStep({
          pacer: this.pacer,
          store,
          maxWaitMs: this.#maxWaitMs,
          deadlineMs: settings.deadlineMs,
          counters,
          metrics,
        }),
        breakerStep(this.breakers),
        classify,
      ],
      send(options.timeoutMs),
    );
  }

  async close(): Promise<void> {
    await this.pacer.store.close();
  }

  async call(target: UpstreamTarget, call: UpstreamCall, options: CallOptions): Promise<UpstreamResult> {
    // The origin guard first: a refused URL costs no budget, opens no connection and is never retried.
    const url = buildUrl({
      ...call,
      origin: target.origin,
      basePath: basePathOf(target.integration, target.context),
    });
    try {
      return await this.#chain({ target, call, url, options, started: Date.now(), attempt: 0 });
    } catch (error) {
      throw this.#clientError(error, target);
    }
  }

  /**
   * A slot in the account's budget for a call made outside `call` (credential validation, which must work
   * before an account exists); returns its release. Pacing failures become the same 429/503 as in `call`.
   */
  async reserveSlot(target: UpstreamTarget): Promise<() => Promise<void>> {
    try {
      const slot = await this.pacer.acquire(target.accountId, target.rateLimit, this.#maxWaitMs);
      return async () => {
        await this.pacer.release(slot);
      };
    } catch (error) {
      throw this.#clientError(error, target);
    }
  }

  /** Whatever stopped the call, as the SwitchboardError the client sees. */
  #clientError(error: unknown, target: UpstreamTarget): unknown {
    if (error instanceof GiveUp) return error.failure.error;
    if (error instanceof AttemptFailure) return error.error;
    const label = target.integration.label;
    const name = target.integration.name;
    if (error instanceof CircuitOpen) {
      this.counters.circuitOpen++;
      this.#metrics?.circuitOpen.inc({ integration: name });
      const seconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
      return new SwitchboardError(
        'UPSTREAM_CIRCUIT_OPEN',
        `${label} at ${target.origin} is failing (${this.breakers.settings.threshold} failed attempts in a row: ` +
          `errors, timeouts or dropped connections), so Switchboard stops calling it for a while instead of ` +
          `piling up requests; it tries again in ${seconds} s`,
        { headers: { 'retry-after': String(seconds) } },
      );
    }
    if (error instanceof PacingRejected) {
      this.counters.pacingRejected++;
      this.#metrics?.pacingRejected.inc({ integration: name, reason: error.queueFull ? 'queue' : 'wait' });
      const { calls, windowSeconds } = target.rateLimit;
      const seconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
      return new SwitchboardError(
        'UPSTREAM_BUDGET_EXHAUSTED',
        `Switchboard is pacing calls to ${label} for this account to stay within its rate limit ` +
          `(${calls} calls per ${windowSeconds} s), and ${error.message}; retry after ${seconds} s`,
        {
          headers: {
            'retry-after': String(seconds),
            'ratelimit-limit': `${calls};w=${windowSeconds}`,
            'ratelimit-remaining': '0',
            'ratelimit-reset': String(seconds),
          },
          truto_error_insight: {
            rate_limit_error: {
              description: `Switchboard's own pacing of ${label}'s rate limit (the vendor was not called)`,
            },
          },
        },
      );
    }
    if (error instanceof PaceStoreUnavailable) {
      this.counters.storeUnavailable++;
      this.#metrics?.storeUnavailable.inc();
      return new SwitchboardError(
        'RATE_LIMIT_STORE_UNAVAILABLE',
        `Switchboard cannot reach the shared rate-limit store (REDIS_URL): ${error.message}. It does not call ` +
          `${label} without it, so that no instance can overrun the vendor's limit; retry shortly`,
        { headers: { 'retry-after': '5' } },
      );
    }
    return error;
  }
}
