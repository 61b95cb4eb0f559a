/**
 * The pacing log in Redis, shared by every instance (see `pace-store.ts` for the algorithm). Its own module
 * so that ioredis is loaded only when REDIS_URL is set.
 */
import { Redis } from 'ioredis';
import { type PaceStore, PaceStoreUnavailable } from './pace-store.ts';

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

// A fixed-window counter: one key per period, created with the period's remaining time as its expiry.
const COUNT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local period = math.floor(now / windowMs)
local key = KEYS[1] .. ':' .. period
local left = (period + 1) * windowMs - now
local used = tonumber(redis.call('GET', key) or '0')
if used >= limit then return {0, left} end
redis.call('INCR', key)
redis.call('PEXPIRE', key, left + 1000)
return {1, 0}
`;

interface PaceCommands {
  sbPaceCount(key: string, ...args: string[]): Promise<[number, number]>;
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
    redis.defineCommand('sbPaceCount', { numberOfKeys: 1, lua: COUNT });
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

  async count(key: string, limit: number, windowMs: number) {
    const [admitted, waitMs] = await this.#run(() =>
      this.#redis.sbPaceCount(`switchboard:pace:{${key}}:count`, String(limit), String(windowMs)),
    );
    return { admitted: admitted === 1, waitMs };
  }

  async close() {
    this.#redis.disconnect();
  }
}
