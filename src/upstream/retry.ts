/**
 * What went wrong with one attempt, and the one function that decides whether to try again
 * (`decideRetry`, undici/Nango style: `{ retry, reason, waitMs }`). Everything about retrying lives here;
 * the client only executes the decision (through cockatiel's retry policy).
 */
import type { SwitchboardError } from '../errors.ts';

/**
 * - `rate-limited`: the vendor refused the call as over its limit (429, or LeadSquared's HTTP 200 + MX body).
 * - `server`: the vendor answered 5xx.
 * - `network`: connection refused/reset, socket closed mid-body.
 * - `timeout`: no complete answer within the per-attempt timeout.
 * - `bad-response`: an answer that cannot be read (e.g. truncated JSON).
 * - `refused`: the vendor refused the request itself (4xx, validation errors): repeating it cannot help.
 * - `unauthorized`: the vendor refused the credentials (the auth step refreshes an OAuth token once).
 * - `cancelled`: the client went away.
 */
export type FailureKind =
  | 'rate-limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'bad-response'
  | 'refused'
  | 'unauthorized'
  | 'cancelled';

/** A failed attempt: the client-facing error plus what the retry decision and the breaker need. */
export class AttemptFailure extends Error {
  readonly kind: FailureKind;
  readonly error: SwitchboardError;
  /** From the vendor's `Retry-After`, when it sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(kind: FailureKind, error: SwitchboardError, retryAfterMs?: number) {
    super(error.message);
    this.name = 'AttemptFailure';
    this.kind = kind;
    this.error = error;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Failures that say something about the vendor's health (they count towards opening the breaker). */
export function isVendorFault(error: unknown): boolean {
  return (
    error instanceof AttemptFailure &&
    (error.kind === 'server' ||
      error.kind === 'network' ||
      error.kind === 'timeout' ||
      error.kind === 'bad-response')
  );
}

export interface RetrySettings {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** No new attempt starts once this much time has passed since the call began (waits included). */
  deadlineMs: number;
  /** Backoff before the 2nd attempt; doubles each time (with jitter) up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetrySettings = {
  maxAttempts: 4,
  deadlineMs: 60_000,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
};

export interface RetryContext {
  /** Attempts made so far (1 after the first failure). */
  attempt: number;
  /** Safe to repeat: reads, and writes that carry an Idempotency-Key. */
  safe: boolean;
  /** Time since the call began. */
  elapsedMs: number;
  /** The account's rate-limit window: how long to back off when the vendor says "too many" without Retry-After. */
  windowMs: number;
  settings: RetrySettings;
  random?: () => number;
}

export interface RetryDecision {
  retry: boolean;
  reason: string;
  waitMs: number;
}

export function decideRetry(failure: AttemptFailure, context: RetryContext): RetryDecision {
  const { attempt, safe, elapsedMs, windowMs, settings } = context;
  const random = context.random ?? Math.random;
  const no = (reason: string): RetryDecision => ({ retry: false, reason, waitMs: 0 });
  if (failure.kind === 'cancelled') return no('the client cancelled the request');
  if (failure.kind === 'refused' || failure.kind === 'unauthorized')
    return no('the vendor refused the request itself; repeating it cannot help');
  if (!safe) return no('not safe to repeat (a write without an Idempotency-Key)');
  if (attempt >= settings.maxAttempts) return no(`gave up after ${attempt} attempts`);
  let waitMs: number;
  let reason: string;
  if (failure.kind === 'rate-limited') {
    // LeadSquared sends no Retry-After: wait out the whole window, then the pacer lets calls through again.
    waitMs = failure.retryAfterMs ?? windowMs;
    reason = 'the vendor rate-limited the call';
  } else {
    // Exponential backoff with "equal jitter": half fixed, half random, so retries never bunch up at 0 ms.
    const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attempt - 1));
    waitMs = Math.round(ceiling / 2 + (random() * ceiling) / 2);
    reason = `${failure.kind} failure`;
  }
  if (elapsedMs + waitMs >= settings.deadlineMs)
    return no(`the ${settings.deadlineMs} ms deadline would pass`);
  return { retry: true, reason, waitMs };
}
