/**
 * One circuit breaker per upstream origin (cockatiel): after `threshold` attempts in a row fail for reasons
 * that say the vendor is unwell (5xx, network errors, timeouts, unreadable answers), calls to that origin
 * fail fast with a 503 for `halfOpenAfterMs`; then one trial call goes through, and its outcome closes or
 * re-opens the circuit. Vendor refusals (4xx, validation errors) and rate limiting do not count: they say
 * nothing about the vendor's health. Per process: each instance learns about a dead vendor on its own,
 * within `threshold` attempts.
 */
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
} from 'cockatiel';
import { isVendorFault } from './retry.ts';

export interface BreakerSettings {
  /** Consecutive failed attempts that open the circuit. */
  threshold: number;
  /** How long an open circuit fails fast before a trial call. */
  halfOpenAfterMs: number;
}

interface Entry {
  policy: CircuitBreakerPolicy;
  openedAt: number;
}

/** The circuit for this origin is open: calls fail fast until `retryAfterMs` from now. */
export class CircuitOpen extends Error {
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number) {
    super('circuit open');
    this.name = 'CircuitOpen';
    this.retryAfterMs = retryAfterMs;
  }
}

export class Breakers {
  readonly settings: BreakerSettings;
  readonly #entries = new Map<string, Entry>();
  readonly #maxOrigins: number;

  constructor(settings: BreakerSettings, maxOrigins = 1_000) {
    this.settings = settings;
    this.#maxOrigins = maxOrigins;
  }

  #entry(origin: string): Entry {
    const entry = this.#entries.get(origin);
    if (entry) return entry;
    if (this.#entries.size >= this.#maxOrigins) {
      // Forget a closed circuit first (it holds only a failure count); an open one only if all are open.
      let victim: string | undefined;
      for (const [key, e] of this.#entries) {
        victim ??= key;
        if (e.policy.state === CircuitState.Closed) {
          victim = key;
          break;
        }
      }
      if (victim !== undefined) this.#entries.delete(victim);
    }
    const policy = circuitBreaker(handleWhen(isVendorFault), {
      breaker: new ConsecutiveBreaker(this.settings.threshold),
      halfOpenAfter: this.settings.halfOpenAfterMs,
    });
    const created: Entry = { policy, openedAt: 0 };
    policy.onBreak(() => {
      created.openedAt = Date.now();
    });
    this.#entries.set(origin, created);
    return created;
  }

  /** Throws CircuitOpen while the origin's circuit is open and cooling down (before any budget is spent). */
  check(origin: string): void {
    const entry = this.#entries.get(origin);
    if (!entry || entry.policy.state !== CircuitState.Open) return;
    const remaining = entry.openedAt + this.settings.halfOpenAfterMs - Date.now();
    if (remaining > 0) throw new CircuitOpen(remaining);
  }

  /** Runs one attempt through the origin's breaker; a BrokenCircuitError becomes CircuitOpen. */
  async execute<T>(origin: string, attempt: () => Promise<T>): Promise<T> {
    const entry = this.#entry(origin);
    try {
      return await entry.policy.execute(attempt);
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new CircuitOpen(Math.max(0, entry.openedAt + this.settings.halfOpenAfterMs - Date.now()));
      }
      throw error;
    }
  }

  state(origin: string): 'closed' | 'open' | 'half-open' {
    const state = this.#entries.get(origin)?.policy.state;
    if (state === CircuitState.Open || state === CircuitState.Isolated) return 'open';
    if (state === CircuitState.HalfOpen) return 'half-open';
    return 'closed';
  }
}
