/**
 * Outbound pacing per integrated account: every attempt (retries included) takes a slot in the account's
 * sliding window first (see `pace-store.ts`). Callers over the budget wait in a FIFO queue per account
 * and instance; only the head of the queue asks the store, and it sleeps exactly until the earliest slot
 * can free up. A caller that would wait longer than its maximum is turned away at once, with how long to
 * wait (the client gets a 429 with `Retry-After`); so is one that finds the queue full.
 */
import type { PaceStore, ReleaseResult } from './pace-store.ts';
import { newTicketPrefix } from './pace-store.ts';

export interface PaceLimit {
  calls: number;
  windowSeconds: number;
}

export interface PacerSettings {
  /** Callers waiting per account and instance; more are turned away. */
  maxQueue: number;
  /** Upper bound on one attempt (the per-attempt timeout plus slack): how long an unreleased slot is held. */
  holdMs: number;
}

export interface Slot {
  key: string;
  ticket: string;
  limit: PaceLimit;
}

/** The call cannot start in time: `retryAfterMs` is the best estimate of when it could. */
export class PacingRejected extends Error {
  readonly retryAfterMs: number;
  readonly queueFull: boolean;
  constructor(message: string, retryAfterMs: number, queueFull: boolean) {
    super(message);
    this.name = 'PacingRejected';
    this.retryAfterMs = retryAfterMs;
    this.queueFull = queueFull;
  }
}

interface Waiter {
  limit: PaceLimit;
  settled: boolean;
  timer: NodeJS.Timeout;
  resolve(slot: Slot): void;
  reject(error: Error): void;
}

interface Lane {
  waiters: Waiter[];
  pumping: boolean;
  /** The head's last known wait: the base of the estimate for callers behind it. */
  lastWaitMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Pacer {
  readonly store: PaceStore;
  readonly #settings: PacerSettings;
  /** Only accounts with callers waiting have a lane, so this is bounded by the waiting callers. */
  readonly #lanes = new Map<string, Lane>();
  readonly #prefix = newTicketPrefix();
  #sequence = 0;

  constructor(store: PaceStore, settings: PacerSettings) {
    this.store = store;
    this.#settings = settings;
  }

  /** Calls waiting for a slot in this instance (all accounts). */
  get waiting(): number {
    let n = 0;
    for (const lane of this.#lanes.values()) n += lane.waiters.length;
    return n;
  }

  /** Waits for a slot; throws PacingRejected past `maxWaitMs`, PaceStoreUnavailable when the store is down. */
  acquire(key: string, limit: PaceLimit, maxWaitMs: number): Promise<Slot> {
    let lane = this.#lanes.get(key);
    if (!lane) {
      lane = { waiters: [], pumping: false, lastWaitMs: 0 };
      this.#lanes.set(key, lane);
    }
    const current = lane;
    const windowMs = limit.windowSeconds * 1000;
    const position = current.waiters.length;
    const estimate = () => {
      const ahead = current.waiters.length;
      return ahead === 0 ? 0 : current.lastWaitMs + Math.floor(ahead / limit.calls) * windowMs;
    };
    if (position >= this.#settings.maxQueue) {
      return Promise.reject(
        new PacingRejected(
          `${position} calls for this account are already waiting`,
          Math.max(1000, estimate()),
          true,
        ),
      );
    }
    const expected = estimate();
    if (expected > maxWaitMs) {
      return Promise.reject(
        new PacingRejected(`the call could not start within ${maxWaitMs} ms`, expected, false),
      );
    }
    return new Promise<Slot>((resolve, reject) => {
      const waiter: Waiter = {
        limit,
        settled: false,
        resolve,
        reject,
        timer: setTimeout(() => {
          if (waiter.settled) return;
          waiter.settled = true;
          const index = current.waiters.indexOf(waiter);
          if (index >= 0) current.waiters.splice(index, 1);
          const retryAfterMs = Math.max(
            1000,
            current.lastWaitMs + Math.floor(index / limit.calls) * windowMs,
          );
          reject(new PacingRejected(`the call could not start within ${maxWaitMs} ms`, retryAfterMs, false));
        }, maxWaitMs),
      };
      current.waiters.push(waiter);
      if (!current.pumping) void this.#pump(key, current);
    });
  }

  /** The attempt finished: its slot now counts until one window from now. Undefined if the store failed. */
  async release(slot: Slot): Promise<ReleaseResult | undefined> {
    try {
      return await this.store.release(slot.key, slot.ticket, slot.limit.windowSeconds * 1000);
    } catch {
      // The slot keeps its conservative hold time and ages out by itself.
      return undefined;
    }
  }

  /** The vendor rate-limited the account: nobody (on any instance) calls it for `ms`. */
  async penalize(key: string, ms: number): Promise<void> {
    await this.store.penalize(key, ms).catch(() => undefined);
  }

  async #pump(key: string, lane: Lane): Promise<void> {
    lane.pumping = true;
    try {
      while (lane.waiters.length > 0) {
        const head = lane.waiters[0]!;
        const { calls, windowSeconds } = head.limit;
        const ticket = `${this.#prefix}:${++this.#sequence}`;
        let result: Awaited<ReturnType<PaceStore['tryAcquire']>>;
        try {
          result = await this.store.tryAcquire(
            key,
            calls,
            windowSeconds * 1000,
            this.#settings.holdMs,
            ticket,
          );
        } catch (error) {
          // Fail closed: every waiter of this account gets the store's error; none calls the vendor.
          for (const waiter of lane.waiters.splice(0)) settle(waiter, () => waiter.reject(error as Error));
          break;
        }
        if (!result.admitted) {
          lane.lastWaitMs = result.waitMs;
          await sleep(Math.max(1, Math.ceil(result.waitMs)));
          continue;
        }
        lane.lastWaitMs = 0;
        // The head may have timed out while the store answered: the slot goes to the next in line.
        const next = lane.waiters.shift();
        if (next) settle(next, () => next.resolve({ key, ticket, limit: next.limit }));
        else await this.store.cancel(key, ticket).catch(() => undefined);
      }
    } finally {
      lane.pumping = false;
      if (lane.waiters.length === 0 && this.#lanes.get(key) === lane) this.#lanes.delete(key);
    }
  }
}

function settle(waiter: Waiter, action: () => void): void {
  if (waiter.settled) return;
  waiter.settled = true;
  clearTimeout(waiter.timer);
  action();
}
