/**
 * Builds the upstream client from the configuration: the pacing store (process memory, or Redis when
 * REDIS_URL is set), retries, timeouts and breakers.
 */
import type { Registry } from 'prom-client';
import type { Config } from '../config.ts';
import type { TokenManager } from '../oauth/tokens.ts';
import { type AccountStatusHooks, UpstreamClient } from './client.ts';
import { MemoryPaceStore, type PaceStore } from './pace-store.ts';

/** How long start-up waits for Redis; past it the server starts anyway and vendor calls get 503s until it is back. */
const REDIS_READY_WAIT_MS = 3_000;

export async function createUpstreamClient(
  config: Config,
  metrics: Registry,
  hooks: AccountStatusHooks,
  tokens: TokenManager,
): Promise<UpstreamClient> {
  let paceStore: PaceStore;
  if (config.redisUrl) {
    const { RedisPaceStore } = await import('./redis-pace-store.ts');
    const redis = new RedisPaceStore(config.redisUrl);
    await redis.waitUntilReady(REDIS_READY_WAIT_MS);
    paceStore = redis;
  } else {
    paceStore = new MemoryPaceStore();
  }
  const u = config.upstream;
  return new UpstreamClient({
    hooks,
    tokens,
    metrics,
    paceStore,
    timeoutMs: u.timeoutMs,
    maxWaitMs: u.maxWaitMs,
    maxQueue: u.maxQueue,
    retry: { maxAttempts: u.maxAttempts, deadlineMs: u.deadlineMs },
    breaker: { threshold: u.breakerThreshold, halfOpenAfterMs: u.breakerCooldownMs },
  });
}
