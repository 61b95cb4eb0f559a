import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadSquaredSandbox } from '../start.ts';
import { type LsqClient, startTestSandbox } from '../testing.ts';
import { SandboxStats, type StatsSnapshot } from './stats.ts';

const USERS_GET = '/v2/UserManagement.svc/Users.Get';

describe('SandboxStats window counting', () => {
  it('reports the most calls seen in any window, exactly', () => {
    const stats = new SandboxStats(5);
    for (const t of [0, 1000, 2000, 9000, 9500, 10000, 12000, 13999]) stats.recordCall('k', t);
    // The busiest window, (8999, 13999], holds 9000, 9500, 10000, 12000 and 13999.
    expect(stats.snapshot().access_keys.k.max_calls_in_any_window).toBe(5);
    expect(stats.snapshot().access_keys.k.calls).toBe(8);
  });

  it('treats a call exactly one window later as outside the earlier window', () => {
    const stats = new SandboxStats(1);
    stats.recordCall('k', 0);
    stats.recordCall('k', 1000);
    expect(stats.snapshot().access_keys.k.max_calls_in_any_window).toBe(1);
    stats.recordCall('k', 1999);
    expect(stats.snapshot().access_keys.k.max_calls_in_any_window).toBe(2);
  });

  it('handles bursts larger than its initial buffer', () => {
    const stats = new SandboxStats(5);
    for (let k = 0; k < 10_000; k++) stats.recordCall('k', k * 0.1);
    expect(stats.snapshot().access_keys.k.max_calls_in_any_window).toBe(10_000);
  });
});

describe('GET /__sandbox/stats', () => {
  let sandbox: LeadSquaredSandbox;
  let lsq: LsqClient;
  beforeAll(async () => ({ sandbox, lsq } = await startTestSandbox({ users: 20, rateLimit: { calls: 5 } })));
  afterAll(() => sandbox.close());

  const stats = async () => (await (await fetch(`${sandbox.url}/__sandbox/stats`)).json()) as StatsSnapshot;

  it('counts requests per path, calls and rate-limited responses per access key', async () => {
    await fetch(`${sandbox.url}/__sandbox/reset-stats`, { method: 'POST' });
    for (let k = 0; k < 7; k++) await lsq.get(USERS_GET);
    await lsq.get('/v2/TeamManagement.svc/Retrieve', { auth: 'none' });
    const s = await stats();
    expect(s.total_requests).toBe(8);
    expect(s.requests_by_path[USERS_GET]).toBe(7);
    expect(s.requests_by_path['/v2/TeamManagement.svc/Retrieve']).toBe(1);
    expect(s.unauthorized_responses).toBe(1);
    expect(s.window_seconds).toBe(5);
    // Every authenticated call counts toward the window, rejected ones included.
    expect(s.access_keys[sandbox.accessKey]).toEqual({
      calls: 7,
      max_calls_in_any_window: 7,
      rate_limited_responses: 2,
    });
  });

  it('resets', async () => {
    await fetch(`${sandbox.url}/__sandbox/reset-stats`, { method: 'POST' });
    const s = await stats();
    expect(s.total_requests).toBe(0);
    expect(s.access_keys).toEqual({});
  });
});
