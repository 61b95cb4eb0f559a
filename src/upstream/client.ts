/**
 * The upstream client: every call to a vendor goes through `call`. Per attempt, in this order:
 * 1. the origin's circuit breaker (open → 503 at once, no budget spent);
 * 2. pacing: a slot in the account's sliding window (`pacer.ts`), waiting in line if need be
 *    (too long a wait → 429 with `Retry-After`; pacing store unreachable → 503, fail closed);
 * 3. the request itself, with the account's auth and a per-attempt timeout (cockatiel);
 * 4. classification: vendor errors are recognised even when sent with HTTP 200.
 * Failed safe calls are retried as `decideRetry` says (`retry.ts`). Every failure reaches the client as a
 * SwitchboardError with a clear status:
 * - vendor 4xx → the vendor's status, `truto_is_remote_error`, `raw_response`;
 * - vendor 5xx → 502 (the vendor failed, not Switchboard), with the vendor's body;
 * - vendor rate limiting → 429 with `Retry-After` (after Switchboard's own retries, for safe calls);
 * - network failure or malformed body → 502; timeout → 504; circuit open → 503.
 * A vendor 401 reports the account through `hooks.onUnauthorized`; a later success through `onReactivated`.
 */
import { DelegateBackoff, handleWhen, retry, TaskCancelledError, TimeoutStrategy, timeout } from 'cockatiel';
import type { Registry } from 'prom-client';
import { errors as undiciErrors } from 'undici';
import { SwitchboardError } from '../errors.ts';
import type { AccountContext, IntegrationDefinition } from '../integrations/types.ts';
import { type BreakerSettings, Breakers, CircuitOpen } from './breakers.ts';
import { buildUrl, sendGuarded, UpstreamBodyError } from './http.ts';
import type { GuardedUrl } from './origin-guard.ts';
import { MemoryPaceStore, type PaceStore, PaceStoreUnavailable } from './pace-store.ts';
import { Pacer, PacingRejected, type Slot } from './pacer.ts';
import { AttemptFailure, DEFAULT_RETRY, decideRetry, type RetrySettings } from './retry.ts';
import type { UpstreamCall, UpstreamResponse } from './types.ts';
import { UpstreamMetrics } from './upstream-metrics.ts';

export interface UpstreamTarget {
  accountId: string;
  environmentId: string;
  /** The account's status when the request started: a success on a `needs_reauth` account reactivates it. */
  accountStatus: string;
  integration: IntegrationDefinition;
  /** Already checked by the host guard. */
  origin: string;
  context: AccountContext;
  /** The account's budget: the integration's policy unless the account overrides it. */
  rateLimit: { calls: number; windowSeconds: number };
}

export interface CallOptions {
  /** Safe to repeat: reads, and writes that carry an Idempotency-Key. Only safe calls are retried. */
  safe: boolean;
  /**
   * A plan-gated vendor feature probed on purpose (e.g. LeadSquared sales groups): its refusal says nothing
   * about the credentials, so it must not move the account to needs_reauth.
   */
  optionalFeature?: boolean;
  signal?: AbortSignal;
}

export interface RateBudget {
  limit: number;
  remaining: number;
  resetSeconds: number;
  windowSeconds: number;
}

export interface UpstreamResult {
  response: UpstreamResponse;
  budget?: RateBudget;
}

export interface AccountStatusHooks {
  onUnauthorized(target: UpstreamTarget, message: string): Promise<void>;
  onReactivated(target: UpstreamTarget): Promise<void>;
}

export interface UpstreamClientOptions {
  hooks: AccountStatusHooks;
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

/** What happened, for tests and `/metrics` (same numbers as the Prometheus counters, this instance only). */
export interface UpstreamCounters {
  attempts: number;
  retries: number;
  vendorRateLimited: number;
  pacingRejected: number;
  circuitOpen: number;
  storeUnavailable: number;
}

/** A failed attempt the retry decision said to repeat, after `waitMs`. */
class RetryAfter extends Error {
  readonly failure: AttemptFailure;
  readonly waitMs: number;
  constructor(failure: AttemptFailure, waitMs: number) {
    super(failure.message);
    this.failure = failure;
    this.waitMs = waitMs;
  }
}

export class UpstreamClient {
  readonly pacer: Pacer;
  readonly breakers: Breakers;
  readonly counters: UpstreamCounters = {
    attempts: 0,
    retries: 0,
    vendorRateLimited: 0,
    pacingRejected: 0,
    circuitOpen: 0,
    storeUnavailable: 0,
  };
  readonly #options: UpstreamClientOptions;
  readonly #retry: RetrySettings;
  readonly #maxWaitMs: number;
  readonly #metrics: UpstreamMetrics | undefined;

  constructor(options: UpstreamClientOptions) {
    this.#options = options;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#maxWaitMs = options.maxWaitMs ?? 30_000;
    this.pacer = new Pacer(options.paceStore ?? new MemoryPaceStore(), {
      maxQueue: options.maxQueue ?? 1_000,
      holdMs: options.timeoutMs + 5_000,
    });
    this.breakers = new Breakers({ threshold: 10, halfOpenAfterMs: 30_000, ...options.breaker });
    this.#metrics = options.metrics ? new UpstreamMetrics(options.metrics) : undefined;
  }

  async close(): Promise<void> {
    await this.pacer.store.close();
  }

  async call(target: UpstreamTarget, call: UpstreamCall, options: CallOptions): Promise<UpstreamResult> {
    // The origin guard first: a refused URL costs no budget, opens no connection and is never retried.
    const url = buildUrl({ ...call, origin: target.origin, basePath: target.integration.basePath });
    const started = Date.now();
    const windowMs = target.rateLimit.windowSeconds * 1000;
    const label = target.integration.label;
    let lastFailure: AttemptFailure | undefined;
    let budget: RateBudget | undefined;
    const policy = retry(
      handleWhen((error) => error instanceof RetryAfter),
      {
        maxAttempts: this.#retry.maxAttempts,
        backoff: new DelegateBackoff((context) => (context.result as { error: RetryAfter }).error.waitMs),
      },
    );
    try {
      const response = await policy.execute(async ({ attempt }) => {
        try {
          const outcome = await this.#attempt(target, call, url, options, started, attempt, lastFailure);
          budget = outcome.budget;
          return outcome.response;
        } catch (error) {
          if (!(error instanceof AttemptFailure)) throw error;
          lastFailure = error;
          const decision = decideRetry(error, {
            attempt: attempt + 1,
            safe: options.safe,
            elapsedMs: Date.now() - started,
            windowMs,
            settings: this.#retry,
          });
          if (!decision.retry) throw error;
          this.counters.retries++;
          this.#metrics?.retries.inc({ integration: target.integration.name, reason: error.kind });
          throw new RetryAfter(error, decision.waitMs);
        }
      });
      return { response, budget };
    } catch (error) {
      throw this.#clientError(error, target, label);
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
      throw this.#clientError(error, target, target.integration.label);
    }
  }

  /** One attempt: breaker, pacing slot, send, classify; the slot is released however it ends. */
  async #attempt(
    target: UpstreamTarget,
    call: UpstreamCall,
    url: GuardedUrl,
    options: CallOptions,
    started: number,
    attempt: number,
    lastFailure: AttemptFailure | undefined,
  ): Promise<{ response: UpstreamResponse; budget: RateBudget | undefined }> {
    this.breakers.check(target.origin);
    const remaining = this.#retry.deadlineMs - (Date.now() - started);
    const waitStarted = Date.now();
    let slot: Slot;
    try {
      slot = await this.pacer.acquire(
        target.accountId,
        target.rateLimit,
        attempt === 0 ? this.#maxWaitMs : Math.max(0, Math.min(this.#maxWaitMs, remaining)),
      );
    } catch (error) {
      // A retry that cannot get a slot in time ends with the vendor's own failure, the real cause.
      if (error instanceof PacingRejected && lastFailure) throw new GiveUp(lastFailure);
      throw error;
    }
    this.#metrics?.pacingWait.observe(
      { integration: target.integration.name },
      (Date.now() - waitStarted) / 1000,
    );
    let released = false;
    const release = async (): Promise<RateBudget | undefined> => {
      if (released) return undefined;
      released = true;
      const state = await this.pacer.release(slot);
      if (!state) return undefined;
      const { calls, windowSeconds } = target.rateLimit;
      return {
        limit: calls,
        remaining: Math.max(0, calls - state.used),
        resetSeconds: Math.ceil(Math.max(0, state.resetMs) / 1000),
        windowSeconds,
      };
    };
    this.counters.attempts++;
    const timeoutMs = this.#options.timeoutMs;
    try {
      const response = await this.breakers.execute(target.origin, () =>
        this.#send(target, call, url, options, timeoutMs),
      );
      this.#metrics?.attempts.inc({ integration: target.integration.name, outcome: 'ok' });
      return { response, budget: await release() };
    } catch (error) {
      await release();
      if (error instanceof AttemptFailure) {
        this.#metrics?.attempts.inc({ integration: target.integration.name, outcome: error.kind });
        if (error.kind === 'rate-limited') {
          this.counters.vendorRateLimited++;
          this.#metrics?.vendorRateLimited.inc({ integration: target.integration.name });
          // Everyone calling this account (on every instance) waits the vendor out.
          await this.pacer.penalize(
            target.accountId,
            error.retryAfterMs ?? target.rateLimit.windowSeconds * 1000,
          );
        }
      }
      throw error;
    }
  }

  /** Sends once (with the per-attempt timeout) and classifies the answer. Throws AttemptFailure. */
  async #send(
    target: UpstreamTarget,
    call: UpstreamCall,
    url: GuardedUrl,
    options: CallOptions,
    timeoutMs: number,
  ): Promise<UpstreamResponse> {
    const { integration } = target;
    let response: UpstreamResponse;
    try {
      response = await timeout(timeoutMs, TimeoutStrategy.Aggressive).execute(
        ({ signal }) =>
          sendGuarded({
            url,
            method: call.method,
            headers: call.headers,
            body: call.body,
            auth: integration.authorize(target.context),
            timeoutMs,
            signal,
          }),
        options.signal,
      );
    } catch (error) {
      if (options.signal?.aborted) {
        throw new AttemptFailure(
          'cancelled',
          new SwitchboardError('UPSTREAM_BAD_RESPONSE', `the call to ${integration.label} was cancelled`),
        );
      }
      if (error instanceof TaskCancelledError) {
        throw new AttemptFailure(
          'timeout',
          new SwitchboardError(
            'UPSTREAM_TIMEOUT',
            `${integration.label} did not answer within ${timeoutMs} ms`,
          ),
        );
      }
      const classified = transportError(integration.label, error);
      throw new AttemptFailure(
        classified.code === 'UPSTREAM_TIMEOUT'
          ? 'timeout'
          : error instanceof UpstreamBodyError
            ? 'bad-response'
            : 'network',
        classified,
      );
    }
    const verdict = integration.detectError(response);
    if (!verdict) {
      if (target.accountStatus === 'needs_reauth') {
        target.accountStatus = 'active';
        await this.#options.hooks.onReactivated(target);
      }
      return response;
    }
    if (verdict.unauthorized && !options.optionalFeature && target.accountStatus !== 'needs_reauth') {
      target.accountStatus = 'needs_reauth';
      await this.#options.hooks.onUnauthorized(target, verdict.message);
    }
    const error = remoteError(
      integration.label,
      response,
      verdict.message,
      verdict.rateLimited,
      verdict.clientStatus,
      target.rateLimit.windowSeconds,
    );
    if (verdict.rateLimited && !verdict.clientStatus) {
      throw new AttemptFailure('rate-limited', error, retryAfterMs(response));
    }
    throw new AttemptFailure(response.status >= 500 && !verdict.clientStatus ? 'server' : 'refused', error);
  }

  /** Whatever stopped the call, as the SwitchboardError the client sees. */
  #clientError(error: unknown, target: UpstreamTarget, label: string): unknown {
    if (error instanceof RetryAfter) return error.failure.error;
    if (error instanceof GiveUp) return error.failure.error;
    if (error instanceof AttemptFailure) return error.error;
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

/** A retry could not get a pacing slot in time: the call ends with the previous attempt's failure. */
class GiveUp extends Error {
  readonly failure: AttemptFailure;
  constructor(failure: AttemptFailure) {
    super(failure.message);
    this.failure = failure;
  }
}

export function remoteError(
  label: string,
  response: UpstreamResponse,
  message: string,
  rateLimited: boolean,
  clientStatus?: number,
  windowSeconds = 5,
): SwitchboardError {
  const extras = { truto_is_remote_error: true, raw_response: response.body };
  if (clientStatus) {
    return new SwitchboardError('REMOTE_ERROR', `${label}: ${message}`, {
      ...extras,
      statusCode: clientStatus,
    });
  }
  if (rateLimited) {
    const retryAfter = Math.ceil((retryAfterMs(response) ?? windowSeconds * 1000) / 1000);
    return new SwitchboardError('VENDOR_RATE_LIMITED', `${label} rate limit: ${message}`, {
      ...extras,
      headers: { 'retry-after': String(retryAfter) },
      truto_error_insight: {
        rate_limit_error: { description: `${label} refused the call as over its rate limit` },
      },
    });
  }
  if (response.status >= 500 || response.status < 400) {
    return new SwitchboardError(
      'REMOTE_ERROR',
      `${label} failed (HTTP ${response.status}): ${message}`,
      extras,
    );
  }
  return new SwitchboardError('REMOTE_ERROR', `${label}: ${message}`, {
    ...extras,
    statusCode: response.status,
  });
}

export function transportError(label: string, error: unknown): SwitchboardError {
  if (error instanceof SwitchboardError) return error;
  if (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError ||
    (error instanceof Error && error.name === 'TimeoutError')
  ) {
    return new SwitchboardError('UPSTREAM_TIMEOUT', `${label} did not answer in time`);
  }
  if (error instanceof UpstreamBodyError) {
    return new SwitchboardError(
      'UPSTREAM_BAD_RESPONSE',
      `${label} sent an unreadable response: ${error.message}`,
    );
  }
  const code = (error as { code?: string }).code;
  return new SwitchboardError(
    'UPSTREAM_BAD_RESPONSE',
    `could not complete the call to ${label}${code ? ` (${code})` : ''}: ${(error as Error).message}`,
  );
}

function retryAfterMs(response: UpstreamResponse): number | undefined {
  const raw = response.headers['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
