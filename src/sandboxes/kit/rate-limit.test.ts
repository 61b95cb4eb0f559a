/** Multi-window vendor rate limits over real HTTP: headers, bodies, HTTP-200 mode, keys, costs, run-time changes. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { staticBearer } from './auth.ts';
import { type Emulator, startEmulator } from './emulator.ts';
import {
  combineHeaders,
  MultiWindowLimiter,
  retryAfterHeader,
  structuredRateLimitHeader,
  xRateLimitHeaders,
} from './rate-limit.ts';

const WINDOWS = [
  { name: 'burst', limit: 3, windowMs: 300 },
  { name: 'daily', limit: 5, windowMs: 86_400_000 },
];
let emulator: Emulator;

beforeAll(async () => {
  const tokens = new Map([
    ['t1', 'acct-1'],
    ['t2', 'acct-1'],
    ['t3', 'acct-2'],
  ]);
  emulator = await startEmulator({
    name: 'Limited',
    authenticators: [staticBearer(() => tokens)],
    unauthorized: () => ({ body: { error: 'unauthorized' } }),
    rateLimit: {
      windows: WINDOWS,
      key: (request, principal) =>
        request.headers['x-count-by'] === 'account' ? principal.account! : principal.key,
      cost: (request) => Number(request.headers['x-cost'] ?? 1),
      headers: combineHeaders(
        xRateLimitHeaders({ window: 'burst', reset: 'seconds' }),
        structuredRateLimitHeader({ window: 'daily' }),
        retryAfterHeader(),
      ),
      body: (decision) => ({ error: 'RATE_LIMITED', policy: decision.exceeded?.name }),
    },
    routes: (app) => app.get('/api', async () => ({ ok: true })),
  });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.control.setRateLimit({ windows: WINDOWS, status: 429 }));

const call = (token = 't1', headers: Record<string, string> = {}) =>
  fetch(`${emulator.url}/api`, { headers: { authorization: `Bearer ${token}`, ...headers } });

describe('MultiWindowLimiter', () => {
  it('refuses when any window is full, records only accepted calls, and says when a call fits again', () => {
    const limiter = new MultiWindowLimiter([
      { name: 'a', limit: 2, windowMs: 1000 },
      { name: 'b', limit: 3, windowMs: 10_000 },
    ]);
    expect(limiter.take('k', 0).allowed).toBe(true);
    expect(limiter.take('k', 100).allowed).toBe(true);
    const refused = limiter.take('k', 200);
    expect(refused).toMatchObject({ allowed: false, exceeded: { name: 'a' }, retryAfterMs: 800 });
    expect(limiter.take('k', 1000).allowed).toBe(true);
    const daily = limiter.take('k', 2000);
    expect(daily).toMatchObject({ allowed: false, exceeded: { name: 'b', used: 3, remaining: 0 } });
    expect(daily.retryAfterMs).toBe(8000);
  });

  it('weighs cost windows by the call’s cost', () => {
    const limiter = new MultiWindowLimiter([{ name: 'tokens', limit: 10, windowMs: 1000, unit: 'cost' }]);
    expect(limiter.take('k', 0, 6).allowed).toBe(true);
    expect(limiter.take('k', 1, 5).allowed).toBe(false);
    expect(limiter.take('k', 2, 4).windows[0]).toMatchObject({ used: 10, remaining: 0 });
    expect(limiter.take('k', 3, 11).retryAfterMs).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('over HTTP', () => {
  it('sends the vendor’s headers and, past the burst window, its body with Retry-After', async () => {
    const first = await call();
    expect(first.headers.get('x-ratelimit-limit')).toBe('3');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('2');
    expect(first.headers.get('x-ratelimit-reset')).toBe('1');
    expect(first.headers.get('ratelimit')).toMatch(/^limit=5, remaining=4, reset=\d+$/);
    expect(first.headers.get('retry-after')).toBeNull();
    await call();
    await call();
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ error: 'RATE_LIMITED', policy: 'burst' });
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('frees the sliding window as calls age out, until the daily window is spent', async () => {
    for (let k = 0; k < 3; k++) expect((await call()).status).toBe(200);
    await new Promise((r) => setTimeout(r, 320));
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(200);
    await new Promise((r) => setTimeout(r, 320));
    const daily = await call();
    expect(daily.status).toBe(429);
    expect(await daily.json()).toEqual({ error: 'RATE_LIMITED', policy: 'daily' });
  });

  it('counts per key, as the vendor counts (token or account)', async () => {
    for (let k = 0; k < 3; k++) await call('t1');
    expect((await call('t2')).status).toBe(200);
    emulator.control.setRateLimit({});
    const byAccount = { 'x-count-by': 'account' };
    for (let k = 0; k < 3; k++) expect((await call('t1', byAccount)).status).toBe(200);
    expect((await call('t2', byAccount)).status).toBe(429);
    expect((await call('t3', byAccount)).status).toBe(200);
  });

  it('charges costs against cost windows', async () => {
    emulator.control.setRateLimit({
      windows: [{ name: 'tokens', limit: 10, windowMs: 60_000, unit: 'cost' }],
    });
    expect((await call('t1', { 'x-cost': '7' })).status).toBe(200);
    expect((await call('t1', { 'x-cost': '4' })).status).toBe(429);
    expect((await call('t1', { 'x-cost': '3' })).status).toBe(200);
  });

  it('is reconfigured over HTTP: HTTP-200 refusals, new windows, off', async () => {
    const post = (body: unknown) =>
      fetch(`${emulator.url}/__sandbox/rate-limit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const set = await post({ windows: [{ name: 'burst', limit: 1, windowMs: 60_000 }], status: 200 });
    expect(await set.json()).toEqual({
      windows: [{ name: 'burst', limit: 1, windowMs: 60_000, unit: 'calls' }],
      status: 200,
    });
    expect((await call()).status).toBe(200);
    const soft = await call();
    expect(soft.status).toBe(200);
    expect(await soft.json()).toEqual({ error: 'RATE_LIMITED', policy: 'burst' });
    expect((await post({ windows: [{ name: 'x', limit: -1, windowMs: 1 }] })).status).toBe(400);
    await post({ windows: [] });
    for (let k = 0; k < 10; k++) expect((await call()).headers.get('x-ratelimit-limit')).toBeNull();
    expect(await (await fetch(`${emulator.url}/__sandbox/rate-limit`)).json()).toEqual({
      windows: [],
      status: 200,
    });
  });
});
