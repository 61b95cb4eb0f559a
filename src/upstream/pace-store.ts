/**
 * Where the per-account call log behind outbound pacing lives: process memory (one instance) or Redis
 * (any number of instances sharing one budget per account).
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
import { Redis } from 'ioredis';

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

  async close() {
    this.#logs.clear();
  }
}

// One sorted set per account (member: ticket, score: when its slot frees up, on Redis's clock so that
// instances with skewed clocks still agree), plus a block key set when the vendor said "too many".
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local holdMs = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local used = redis.call('ZCARD', KEYS[1])
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then return {0, used, blocked} end
if used < limit then
  redis.call('ZADD', KEYS[1], now + holdMs + windowMs, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], holdMs + windowMs)
  return {1, used + 1, 0}
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = tonumber(first[2]) - now
if wait > windowMs then wait = windowMs end
return {0, used, wait}
`;

const RELEASE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local windowMs = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now + windowMs, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('PTTL', KEYS[1]) < windowMs then redis.call('PEXPIRE', KEYS[1], windowMs) end
local used = redis.call('ZCARD', KEYS[1])
local last = redis.call('ZREVRANGEBYSCORE', KEYS[1], now + windowMs, '-inf', 'WITHSCORES', 'LIMIT', 0, 1)
local reset = 0
if last[2] then reset = tonumber(last[2]) - now end
return {used, reset}
`;

const PENALIZE = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1
`;

interface PaceCommands {
  sbPaceAcquire(log: string, block: string, ...args: string[]): Promise<[number, number, number]>;
  sbPaceRelease(log: string, ...args: string[]): Promise<[number, number]>;
  sbPacePenalize(block: string, ms: string): Promise<number>;
}

/**
 * Shared by every instance. Fails fast when Redis is unreachable (no offline queue, short timeouts) so
 * callers get a clear 503 instead of hanging or, worse, calling the vendor unpaced.
 */
export class RedisPaceStore implements PaceStore {
  readonly kind = 'redis';
  readonly #redis: Redis & PaceCommands;
  #lastError = '';

  constructor(url: string, options: { commandTimeoutMs?: number } = {}) {
    const redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 2_000,
      connectTimeout: 2_000,
      // Keep reconnecting in the background; requests fail fast (503) meanwhile.
      retryStrategy: (times) => Math.min(100 * times, 2_000),
    });
    redis.on('error', (error: Error) => {
      this.#lastError = error.message;
    });
    redis.on('ready', () => {
      this.#lastError = '';
    });
    redis.defineCommand('sbPaceAcquire', { numberOfKeys: 2, lua: ACQUIRE });
    redis.defineCommand('sbPaceRelease', { numberOfKeys: 1, lua: RELEASE });
    redis.defineCommand('sbPacePenalize', { numberOfKeys: 1, lua: PENALIZE });
    this.#redis = redis as Redis & PaceCommands;
  }

  /** The latest connection or command error, for operators (health checks, logs). */
  get lastError(): string {
    return this.#lastError;
  }

  /** Resolves once connected, or after `timeoutMs` (the server starts either way; calls then get 503s). */
  async waitUntilReady(timeoutMs: number): Promise<boolean> {
    if (this.#redis.status === 'ready') return true;
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.#redis.off('ready', onReady);
        this.#redis.off('error', onError);
        resolve(ok);
      };
      const onReady = () => done(true);
      const onError = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.#redis.once('ready', onReady);
      this.#redis.once('error', onError);
    });
  }

  #keys(key: string): [string, string] {
    // The hash tag keeps both keys in one slot (Redis Cluster).
    return [`switchboard:pace:{${key}}`, `switchboard:pace:{${key}}:block`];
  }

  async #run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#redis.status !== 'ready') {
      // The connection error itself (host, port) is for operators, not API clients: see `lastError`.
      throw new PaceStoreUnavailable(`Redis is not connected (${this.#redis.status})`);
    }
    try {
      return await operation();
    } catch (error) {
      this.#lastError = (error as Error).message;
      throw new PaceStoreUnavailable('a Redis command failed or timed out');
    }
  }

  async tryAcquire(key: string, limit: number, windowMs: number, holdMs: number, ticket: string) {
    const [log, block] = this.#keys(key);
    const [admitted, used, waitMs] = await this.#run(() =>
      this.#redis.sbPaceAcquire(log, block, String(limit), String(windowMs), String(holdMs), ticket),
    );
    return { admitted: admitted === 1, used, waitMs };
  }

  async release(key: string, ticket: string, windowMs: number) {
    const [log] = this.#keys(key);
    const [used, resetMs] = await this.#run(() => this.#redis.sbPaceRelease(log, ticket, String(windowMs)));
    return { used, resetMs };
  }

  async cancel(key: string, ticket: string) {
    const [log] = this.#keys(key);
    await this.#run(() => this.#redis.zrem(log, ticket));
  }

  async penalize(key: string, ms: number) {
    const [, block] = this.#keys(key);
    await this.#run(() => this.#redis.sbPacePenalize(block, String(Math.max(1, Math.round(ms)))));
  }

  async close() {
    this.#redis.disconnect();
  }
}

/** Unique across instances: the slot a call holds in the shared log. */
export function newTicketPrefix(): string {
  return randomBytes(6).toString('base64url');
}
