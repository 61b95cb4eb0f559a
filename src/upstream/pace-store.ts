/**
 * Where the per-account call log behind outbound pacing lives: process memory (one instance) or Redis
 * (any number of instances sharing one budget per account; `redis-pace-store.ts`, loaded only when used).
 *
 * The log is an exact sliding window, the way LeadSquared counts (reference §1.4): a call may start only
 * while fewer than `limit` calls fall inside the window. Each call occupies its slot from the moment it is
 * admitted until `windowMs` after it **finished** (`release`), because the vendor counts it at some instant
 * between the two: measuring from the finish makes the guarantee hold whatever the network or event-loop
 * delays, at the cost of one round trip per window (~1% at 5 s). While a call is in flight its slot is held
 * until `holdMs` (an upper bound on an attempt) + `windowMs`, so a crashed instance cannot leak slots.
 *
 * A fixed-window counter (rate-limiter-flexible's stores) admits up to 2× the limit across a window
 * boundary, and token buckets either burst past it or give up throughput; see docs/scaling.md.
 */
import { randomBytes } from 'node:crypto';

export interface AcquireResult {
  admitted: boolean;
  /** Calls in the window (the new one included when admitted). */
  used: number;
  /** Not admitted: the earliest a slot can free up (a lower bound; check again then). */
  waitMs: number;
}

export interface ReleaseResult {
  used: number;
  /** Until every finished call has left the window (the budget is whole again). */
  resetMs: number;
}

export interface PaceStore {
  readonly kind: 'memory' | 'redis';
  tryAcquire(
    key: string,
    limit: number,
    windowMs: number,
    holdMs: number,
    ticket: string,
  ): Promise<AcquireResult>;
  release(key: string, ticket: string, windowMs: number): Promise<ReleaseResult>;
  /** Gives back a slot that was never used. */
  cancel(key: string, ticket: string): Promise<void>;
  /** The vendor said "too many": nobody calls for this account for `ms`. */
  penalize(key: string, ms: number): Promise<void>;
  /**
   * Counts one call in a fixed window of `windowMs` (aligned to the epoch), for long windows such as a
   * daily quota; not admitted (and not counted) past `limit`, with the time left in the window.
   */
  count(key: string, limit: number, windowMs: number): Promise<{ admitted: boolean; waitMs: number }>;
  close(): Promise<void>;
}

/** The store could not be reached: pacing fails closed (no call goes out unpaced). */
export class PaceStoreUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaceStoreUnavailable';
  }
}

interface MemoryLog {
  /** ticket → when the slot frees up. */
  slots: Map<string, number>;
  blockedUntil: number;
}

/** One process. Bounded: at most `maxKeys` accounts are tracked (idle ones are dropped first). */
export class MemoryPaceStore implements PaceStore {
  readonly kind = 'memory';
  readonly #logs = new Map<string, MemoryLog>();
  readonly #counters = new Map<string, { period: number; used: number }>();
  readonly #maxKeys: number;

  constructor(maxKeys = 10_000) {
    this.#maxKeys = maxKeys;
  }

  #log(key: string, now: number): MemoryLog {
    let log = this.#logs.get(key);
    if (log) {
      // Most recently used last, so eviction finds idle accounts first.
      this.#logs.delete(key);
    } else {
      log = { slots: new Map(), blockedUntil: 0 };
      if (this.#logs.size >= this.#maxKeys) this.#evict(now);
    }
    this.#logs.set(key, log);
    for (const [ticket, until] of log.slots) if (until <= now) log.slots.delete(ticket);
    return log;
  }

  /** Drops the least recently used idle account (or, if the first 100 are all busy, the oldest). */
  #evict(now: number): void {
    let scanned = 0;
    let oldest: string | undefined;
    for (const [key, log] of this.#logs) {
      oldest ??= key;
      const idle = log.blockedUntil <= now && [...log.slots.values()].every((until) => until <= now);
      if (idle) {
        this.#logs.delete(key);
        return;
      }
      if (++scanned >= 100) break;
    }
    if (oldest !== undefined) this.#logs.delete(oldest);
  }

  async tryAcquire(key: string, limit: number, windowMs: number, holdMs: number, ticket: string) {
    const now = performance.now();
    const log = this.#log(key, now);
    const used = log.slots.size;
    if (log.blockedUntil > now) return { admitted: false, used, waitMs: Math.ceil(log.blockedUntil - now) };
    if (used < limit) {
      log.slots.set(ticket, now + holdMs + windowMs);
      return { admitted: true, used: used + 1, waitMs: 0 };
    }
    let earliest = Number.POSITIVE_INFINITY;
    for (const until of log.slots.values()) earliest = Math.min(earliest, until);
    return { admitted: false, used, waitMs: Math.ceil(Math.min(earliest - now, windowMs)) };
  }

  async release(key: string, ticket: string, windowMs: number) {
    const now = performance.now();
    const log = this.#log(key, now);
    log.slots.set(ticket, now + windowMs);
    let last = now;
    for (const until of log.slots.values()) if (until <= now + windowMs) last = Math.max(last, until);
    return { used: log.slots.size, resetMs: Math.round(last - now) };
  }

  async cancel(key: string, ticket: string) {
    this.#logs.get(key)?.slots.delete(ticket);
  }

  async penalize(key: string, ms: number) {
    const now = performance.now();
    const log = this.#log(key, now);
    log.blockedUntil = Math.max(log.blockedUntil, now + ms);
  }

  async count(key: string, limit: number, windowMs: number) {
    const now = Date.now();
    const period = Math.floor(now / windowMs);
    let counter = this.#counters.get(key);
    if (!counter || counter.period !== period) {
      if (!counter && this.#counters.size >= this.#maxKeys)
        this.#counters.delete(this.#counters.keys().next().value!);
      counter = { period, used: 0 };
      this.#counters.set(key, counter);
    }
    const waitMs = (period + 1) * windowMs - now;
    if (counter.used >= limit) return { admitted: false, waitMs };
    counter.used++;
    return { admitted: true, waitMs: 0 };
  }

  async close() {
    this.#logs.clear();
    this.#counters.clear();
  }
}

/** Unique across instances: the slot a call holds in the shared log. */
export function newTicketPrefix(): string {
  return randomBytes(6).toString('base64url');
}
