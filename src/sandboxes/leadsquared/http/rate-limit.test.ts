import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LeadSquaredSandbox } from '../start.ts';
import { type LsqClient, startTestSandbox } from '../testing.ts';
import { RateLimiter } from './rate-limit.ts';

const USERS_GET = '/v2/UserManagement.svc/Users.Get';
const LIMIT_BODY = {
  Status: 'Error',
  ExceptionType: 'MXAPIRateLimitExceededException',
  ExceptionMessage: 'API calls exceeded the limit of 25 in 5 second(s)',
};

describe('RateLimiter (sliding window)', () => {
  it('allows N calls in any window and frees slots as calls age out', () => {
    const limiter = new RateLimiter({ calls: 3, windowSeconds: 1, http200: false });
    expect([0, 100, 200].map((t) => limiter.tryAcquire('k', t))).toEqual([true, true, true]);
    expect(limiter.tryAcquire('k', 999)).toBe(false);
    // The call at 0 leaves the window (now - 1000, now] at 1000.
    expect(limiter.tryAcquire('k', 1000)).toBe(true);
    expect(limiter.tryAcquire('k', 1050)).toBe(false);
    expect(limiter.tryAcquire('other', 1050)).toBe(true);
  });

  it('does not let rejected calls extend the lockout', () => {
    const limiter = new RateLimiter({ calls: 1, windowSeconds: 1, http200: false });
    expect(limiter.tryAcquire('k', 0)).toBe(true);
    for (let t = 100; t < 1000; t += 100) expect(limiter.tryAcquire('k', t)).toBe(false);
    expect(limiter.tryAcquire('k', 1000)).toBe(true);
  });

  it('is off at 0 calls', () => {
    const limiter = new RateLimiter({ calls: 0, windowSeconds: 5, http200: false });
    for (let k = 0; k < 1000; k++) expect(limiter.tryAcquire('k', k)).toBe(true);
  });
});

describe('rate limit over HTTP (reference §1.4, §9.4)', () => {
  let sandbox: LeadSquaredSandbox;
  let lsq: LsqClient;
  beforeAll(async () => ({ sandbox, lsq } = await startTestSandbox({ users: 20, rateLimit: {} })));
  afterAll(() => sandbox.close());
  beforeEach(() => {
    sandbox.control.setRateLimit({ calls: 25, windowSeconds: 5, http200: false });
    sandbox.control.resetStats();
  });

  it('defaults to 25 calls per 5 seconds', () => {
    expect(sandbox.control.getRateLimit()).toEqual({ calls: 25, windowSeconds: 5, http200: false });
  });

  it('answers the 26th call inside 5 s with 429 and the exact MX message', async () => {
    const statuses: number[] = [];
    for (let k = 0; k < 25; k++) statuses.push((await lsq.get(USERS_GET)).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const res = await lsq.get(USERS_GET);
    expect(res.status).toBe(429);
    expect(res.json).toEqual(LIMIT_BODY);
    expect(res.headers.get('retry-after')).toBeNull();
  });

  it('can answer rate limiting with HTTP 200 and the same body', async () => {
    sandbox.control.setRateLimit({ http200: true });
    for (let k = 0; k < 25; k++) await lsq.get(USERS_GET);
    const res = await lsq.get(USERS_GET);
    expect(res.status).toBe(200);
    expect(res.json).toEqual(LIMIT_BODY);
  });

  it('names the configured numbers in the message and limits each access key separately', async () => {
    sandbox.control.setRateLimit({ calls: 3, windowSeconds: 2 });
    const other = sandbox.control.addAccount({ shareDataWith: true });
    for (let k = 0; k < 3; k++) expect((await lsq.get(USERS_GET)).status).toBe(200);
    const limited = await lsq.get<{ ExceptionMessage: string }>(USERS_GET);
    expect(limited.status).toBe(429);
    expect(limited.json.ExceptionMessage).toBe('API calls exceeded the limit of 3 in 2 second(s)');
    expect((await lsq.get(USERS_GET, { keys: other })).status).toBe(200);
  });

  it('lets calls through again once the window has slid past', async () => {
    sandbox.control.setRateLimit({ calls: 2, windowSeconds: 0.3 });
    expect((await lsq.get(USERS_GET)).status).toBe(200);
    expect((await lsq.get(USERS_GET)).status).toBe(200);
    expect((await lsq.get(USERS_GET)).status).toBe(429);
    await new Promise((r) => setTimeout(r, 350));
    expect((await lsq.get(USERS_GET)).status).toBe(200);
  });

  it('never counts /__sandbox control calls', async () => {
    sandbox.control.setRateLimit({ calls: 2 });
    for (let k = 0; k < 5; k++) expect((await fetch(`${sandbox.url}/__sandbox/stats`)).status).toBe(200);
    expect((await lsq.get(USERS_GET)).status).toBe(200);
  });

  it('can be changed over HTTP', async () => {
    const res = await fetch(`${sandbox.url}/__sandbox/rate-limit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ calls: 1, windowSeconds: 5 }),
    });
    expect(await res.json()).toEqual({ calls: 1, windowSeconds: 5, http200: false });
    expect((await lsq.get(USERS_GET)).status).toBe(200);
    expect((await lsq.get(USERS_GET)).status).toBe(429);
  });
});
