/**
 * Outbound pacing, retries, timeouts and the circuit breaker, against the LeadSquared sandbox over real HTTP
 * (its sliding-window rate limit and fault injection), with one Switchboard instance (memory pacing store).
 * Two instances sharing Redis: scale-out.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SwitchboardError } from '../src/errors.ts';
import type { FaultRule, LeadSquaredSandbox } from '../src/sandboxes/leadsquared/index.ts';
import { startLeadSquaredSandbox } from '../src/sandboxes/leadsquared/index.ts';
import { AttemptFailure, DEFAULT_RETRY, decideRetry } from '../src/upstream/retry.ts';
import { countBy, expectCleanFailure, keyStats, linkLeadSquared, SEARCH_PATH } from './resilience-support.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const usersPath = (id: string) => `/unified/user-directory/users?integrated_account_id=${id}&limit=10`;

interface LiteOutcome {
  statuses: Record<string, number>;
  stats: ReturnType<typeof keyStats>;
  vendorRateLimited: number;
  wallMs: number;
  finishedMs: number[];
  accountRateLimit: unknown;
  limitHeader: string | null;
}

/**
 * A LeadSquared Lite account (2 calls per 5 s, set on the account) and 20 concurrent requests: 45 s by
 * design, nearly all of it waiting. So it starts before the other tests (in the background, with its own
 * sandbox and server) and is checked by the last one.
 */
async function runLiteAccount(): Promise<LiteOutcome> {
  const sandbox = await startLeadSquaredSandbox({ users: 100, seed: 21 });
  // A generous maximum wait: the 20th request starts about 45 s after the first.
  const server = await startTestServer({
    SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url,
    UPSTREAM_MAX_WAIT_MS: '90000',
  });
  try {
    const id = await linkLeadSquared(server, sandbox, { calls: 2, windowSeconds: 5 });
    const account = await server.request('GET', `/integrated-account/${id}`);
    const path = `/proxy/user-search?integrated_account_id=${id}&limit=5`;
    const started = performance.now();
    const finishedMs: number[] = [];
    const responses = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const response = await server.request('GET', path);
        finishedMs.push(performance.now() - started);
        return response;
      }),
    );
    return {
      statuses: countBy(responses, (r) => r.status),
      stats: keyStats(sandbox),
      vendorRateLimited: server.services.upstream.counters.vendorRateLimited,
      wallMs: performance.now() - started,
      finishedMs,
      accountRateLimit: account.body.rate_limit,
      limitHeader: responses.at(-1)!.headers.get('ratelimit-limit'),
    };
  } finally {
    await server.close();
    await sandbox.close();
  }
}

let lite: Promise<LiteOutcome>;
beforeAll(() => {
  lite = runLiteAccount();
  lite.catch(() => undefined); // reported by the test that awaits it
});

describe('retry decision', () => {
  const failure = (kind: AttemptFailure['kind'], retryAfterMs?: number) =>
    new AttemptFailure(kind, new SwitchboardError('REMOTE_ERROR', kind), retryAfterMs);
  const context = {
    attempt: 1,
    safe: true,
    elapsedMs: 0,
    windowMs: 5000,
    settings: DEFAULT_RETRY,
    random: () => 1,
  };

  it('retries safe calls on 5xx, network errors, timeouts and bad bodies, with growing jittered waits', () => {
    for (const kind of ['server', 'network', 'timeout', 'bad-response'] as const) {
      expect(decideRetry(failure(kind), context)).toMatchObject({ retry: true, waitMs: 250 });
    }
    expect(decideRetry(failure('server'), { ...context, attempt: 3 }).waitMs).toBe(1000);
    const low = decideRetry(failure('server'), { ...context, attempt: 3, random: () => 0 }).waitMs;
    expect(low).toBe(500);
  });

  it('waits out the window on a vendor rate limit, or what Retry-After says', () => {
    expect(decideRetry(failure('rate-limited'), context)).toMatchObject({ retry: true, waitMs: 5000 });
    expect(decideRetry(failure('rate-limited', 2000), context)).toMatchObject({ retry: true, waitMs: 2000 });
  });

  it('never repeats unsafe writes, vendor refusals or cancelled calls; stops at the cap and the deadline', () => {
    expect(decideRetry(failure('server'), { ...context, safe: false }).retry).toBe(false);
    expect(decideRetry(failure('timeout'), { ...context, safe: false }).retry).toBe(false);
    expect(decideRetry(failure('refused'), context).retry).toBe(false);
    expect(decideRetry(failure('cancelled'), context).retry).toBe(false);
    expect(decideRetry(failure('server'), { ...context, attempt: DEFAULT_RETRY.maxAttempts }).retry).toBe(
      false,
    );
    expect(decideRetry(failure('rate-limited'), { ...context, elapsedMs: 56_000 })).toMatchObject({
      retry: false,
      reason: expect.stringContaining('deadline'),
    });
  });
});

describe('pacing in one instance (memory store)', () => {
  let sandbox: LeadSquaredSandbox;
  let server: TestServer;
  /** The same, with a 1.5 s maximum wait. */
  let impatient: TestServer;

  beforeAll(async () => {
    sandbox = await startLeadSquaredSandbox({ users: 300, seed: 11 });
    server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
    impatient = await startTestServer({
      SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url,
      UPSTREAM_MAX_WAIT_MS: '1500',
    });
  });
  afterAll(async () => {
    await server?.close();
    await impatient?.close();
    await sandbox?.close();
  });

  it('keeps 150 concurrent list requests within the vendor window, at full speed, with ratelimit-* headers', async () => {
    const id = await linkLeadSquared(server, sandbox, { calls: 25, windowSeconds: 1 });
    const started = performance.now();
    const responses = await Promise.all(
      Array.from({ length: 150 }, () => server.request('GET', usersPath(id))),
    );
    const wallMs = performance.now() - started;
    expect(countBy(responses, (r) => r.status)).toEqual({ 200: 150 });
    const stats = keyStats(sandbox);
    expect(stats.max_calls_in_any_window).toBeLessThanOrEqual(25);
    expect(stats.rate_limited_responses).toBe(0);
    expect(server.services.upstream.counters.vendorRateLimited).toBe(0);
    // The physical minimum with a 25-per-second sliding window: a full window per 25 calls after the first 25.
    const minimumMs = (Math.ceil(stats.calls / 25) - 1) * 1000;
    console.info(
      `memory store: ${stats.calls} vendor calls, max ${stats.max_calls_in_any_window} in any 1 s window, ` +
        `${Math.round(wallMs)} ms (minimum ${minimumMs} ms)`,
    );
    expect(wallMs).toBeLessThan(minimumMs * 1.25 + 1000);
    const last = responses.at(-1)!;
    expect(last.headers.get('ratelimit-limit')).toBe('25;w=1');
    expect(Number(last.headers.get('ratelimit-remaining'))).toBeGreaterThanOrEqual(0);
    expect(Number(last.headers.get('ratelimit-reset'))).toBeLessThanOrEqual(1);
  });

  it('takes a per-account rate limit (checked), and null restores the integration policy', async () => {
    const id = await linkLeadSquared(
      server,
      sandbox,
      { calls: 25, windowSeconds: 1 },
      { calls: 3, windowSeconds: 2 },
    );
    const first = await server.request('GET', usersPath(id));
    expect(first.headers.get('ratelimit-limit')).toBe('3;w=2');
    for (const bad of [{ calls: 0, window_seconds: 5 }, { calls: 2.5, window_seconds: 5 }, { calls: 2 }]) {
      const refused = await server.request('PATCH', `/integrated-account/${id}`, { rate_limit: bad });
      expect(refused.status, refused.text).toBe(400);
    }
    const reset = await server.request('PATCH', `/integrated-account/${id}`, { rate_limit: null });
    expect(reset.body.rate_limit).toBeNull();
    const again = await server.request('GET', usersPath(id));
    expect(again.headers.get('ratelimit-limit')).toBe('25;w=5');
  });

  it('answers 429 with Retry-After when Switchboard cannot start the call within the maximum wait', async () => {
    // Two per 5 s: linking spent one on validating the keys (it is paced like any call), one is left.
    const id = await linkLeadSquared(impatient, sandbox, { calls: 2, windowSeconds: 5 });
    const path = `/proxy/user-search?integrated_account_id=${id}&limit=5`;
    const responses = await Promise.all([1, 2, 3].map(() => impatient.request('GET', path)));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 429, 429]);
    for (const rejected of responses.filter((r) => r.status === 429)) {
      expect(rejected.body).toMatchObject({ code: 'UPSTREAM_BUDGET_EXHAUSTED' });
      expect(rejected.body.message).toMatch(/Switchboard is pacing calls to LeadSquared .*2 calls per 5 s/);
      expect(rejected.body.truto_is_remote_error).toBeUndefined();
      expect(Number(rejected.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(rejected.headers.get('ratelimit-remaining')).toBe('0');
    }
    expect(keyStats(sandbox).calls).toBe(1);
  });
});

describe('vendor faults (fault injection)', () => {
  let sandbox: LeadSquaredSandbox;
  let server: TestServer;
  let id: string;

  beforeAll(async () => {
    sandbox = await startLeadSquaredSandbox({ users: 300, seed: 12 });
    server = await startTestServer({
      SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url,
      UPSTREAM_TIMEOUT_MS: '2000',
      // The breaker has its own test below; here a busy CI machine's slow answers must not open it.
      UPSTREAM_BREAKER_THRESHOLD: '100',
      LOG_LEVEL: 'error',
    });
    id = await linkLeadSquared(server, sandbox, { calls: 50, windowSeconds: 1 });
    // Warm the per-account lookups (sales groups, teams) so that each read below is one vendor call.
    expect((await server.request('GET', usersPath(id))).status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
    await sandbox?.close();
  });

  const matrix: Array<{ name: string; faults: FaultRule[]; kind: string }> = [
    { name: '30% HTTP 500s', faults: [{ kind: 'error', status: 500, probability: 0.3 }], kind: 'error' },
    { name: '30% connection resets', faults: [{ kind: 'reset', probability: 0.3 }], kind: 'reset' },
    { name: '30% stalls past the timeout', faults: [{ kind: 'stall', probability: 0.3 }], kind: 'stall' },
    { name: '30% truncated JSON', faults: [{ kind: 'truncate', probability: 0.3 }], kind: 'truncate' },
  ];

  for (const { name, faults, kind } of matrix) {
    it(`${name}: reads succeed (retried) or fail with a clear 502/503/504, never a 500`, async () => {
      sandbox.control.resetStats();
      sandbox.control.setFaults(faults);
      const retriesBefore = server.services.upstream.counters.retries;
      try {
        const responses = await Promise.all(
          Array.from({ length: 20 }, () => server.request('GET', usersPath(id))),
        );
        for (const response of responses.filter((r) => r.status !== 200)) expectCleanFailure(response);
        const ok = responses.filter((r) => r.status === 200).length;
        expect(ok, JSON.stringify(countBy(responses, (r) => r.status))).toBeGreaterThanOrEqual(17);
        expect(sandbox.control.stats().faults_injected[kind]).toBeGreaterThan(0);
        expect(server.services.upstream.counters.retries).toBeGreaterThan(retriesBefore);
      } finally {
        sandbox.control.clearFaults();
      }
    });
  }

  it('rate limiting answered with HTTP 200: detected, backed off, retried; reads succeed', async () => {
    // The account is configured above its real plan: the vendor (5 per 1 s) refuses with HTTP 200 + MX body.
    const limited = await linkLeadSquared(
      server,
      sandbox,
      { calls: 5, windowSeconds: 1, http200: true },
      { calls: 25, windowSeconds: 1 },
    );
    await server.request('GET', usersPath(limited)); // warm this account's lookups
    await new Promise((resolve) => setTimeout(resolve, 1100));
    sandbox.control.resetStats();
    const before = server.services.upstream.counters.vendorRateLimited;
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => server.request('GET', usersPath(limited))),
    );
    expect(countBy(responses, (r) => r.status)).toEqual({ 200: 10 });
    expect(keyStats(sandbox).rate_limited_responses).toBeGreaterThan(0);
    expect(server.services.upstream.counters.vendorRateLimited).toBeGreaterThan(before);
    sandbox.control.setRateLimit({ calls: 50, windowSeconds: 1, http200: false });
  });

  it('a write without an Idempotency-Key is attempted once; with one it is retried', async () => {
    sandbox.control.setFaults([
      { kind: 'error', status: 500, pathPrefix: '/v2/UserManagement.svc/User/Create' },
    ]);
    try {
      sandbox.control.resetStats();
      const body = { FirstName: 'Once', EmailAddress: 'once@example.com', Role: 'Sales_User' };
      const path = `/custom/UserManagement.svc/User/Create?integrated_account_id=${id}`;
      const once = await server.request('POST', path, body);
      expectCleanFailure(once, [502]);
      expect(once.body.truto_is_remote_error).toBe(true);
      expect(createCalls(sandbox)).toBe(1);

      sandbox.control.resetStats();
      const retried = await server.request('POST', path, body, { 'idempotency-key': `k-${Date.now()}` });
      expectCleanFailure(retried, [502]);
      expect(createCalls(sandbox)).toBe(4);
    } finally {
      sandbox.control.clearFaults();
    }
  });
});

function createCalls(sandbox: LeadSquaredSandbox): number {
  const byPath = sandbox.control.stats().requests_by_path;
  return Object.entries(byPath)
    .filter(([path]) => path.toLowerCase().includes('user/create'))
    .reduce((sum, [, n]) => sum + n, 0);
}

describe('circuit breaker per vendor origin', () => {
  let sandbox: LeadSquaredSandbox;
  let server: TestServer;

  beforeAll(async () => {
    sandbox = await startLeadSquaredSandbox({ users: 50, seed: 13 });
    server = await startTestServer({
      SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url,
      UPSTREAM_BREAKER_THRESHOLD: '3',
      UPSTREAM_BREAKER_COOLDOWN_MS: '1500',
      UPSTREAM_MAX_ATTEMPTS: '2',
      LOG_LEVEL: 'error',
    });
  });
  afterAll(async () => {
    await server?.close();
    await sandbox?.close();
  });

  it('a dead vendor fails fast with 503 after consecutive failures, then a trial call closes the circuit', async () => {
    const id = await linkLeadSquared(server, sandbox, { calls: 100, windowSeconds: 1 });
    const path = `/proxy/user-search?integrated_account_id=${id}&limit=5`;
    sandbox.control.setFaults([{ kind: 'error', status: 503, pathPrefix: SEARCH_PATH }]);
    const first = await server.request('GET', path);
    expectCleanFailure(first, [502]);
    // The third failed attempt in a row opens the circuit: the retry of the 2nd request is refused at once.
    const second = await server.request('GET', path);
    expectCleanFailure(second, [503]);
    expect(second.body.code).toBe('UPSTREAM_CIRCUIT_OPEN');
    expect(keyStats(sandbox).calls).toBe(3);

    const started = performance.now();
    const fast = await server.request('GET', path);
    expect(performance.now() - started).toBeLessThan(200);
    expect(fast.body.code).toBe('UPSTREAM_CIRCUIT_OPEN');
    expect(fast.body.message).toMatch(/LeadSquared at http:\/\/127\.0\.0\.1:\d+ is failing/);
    expect(Number(fast.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(keyStats(sandbox).calls).toBe(3);

    sandbox.control.clearFaults();
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const recovered = await server.request('GET', path);
    expect(recovered.status, recovered.text).toBe(200);
    expect(server.services.upstream.breakers.state(sandbox.url)).toBe('closed');
  });
});

describe('Redis unreachable (REDIS_URL set)', () => {
  let sandbox: LeadSquaredSandbox;
  let server: TestServer;

  beforeAll(async () => {
    sandbox = await startLeadSquaredSandbox({ users: 50, seed: 14 });
    server = await startTestServer({
      SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url,
      REDIS_URL: 'redis://127.0.0.1:1',
      LOG_LEVEL: 'error',
    });
  });
  afterAll(async () => {
    await server?.close();
    await sandbox?.close();
  });

  it('fails closed: a clear 503 and no call reaches the vendor', async () => {
    // Even linking an account needs the budget (its keys are validated with a paced call).
    const link = () =>
      server.request('POST', '/integrated-account', {
        integration: 'leadsquared',
        tenant_id: 'redis-down',
        context: { access_key: sandbox.accessKey, secret_key: sandbox.secretKey, api_host: sandbox.url },
      });
    const responses = await Promise.all(Array.from({ length: 5 }, link));
    for (const response of responses) {
      expectCleanFailure(response, [503]);
      expect(response.body.code).toBe('RATE_LIMIT_STORE_UNAVAILABLE');
      expect(response.body.message).toMatch(/REDIS_URL/);
    }
    expect(keyStats(sandbox).calls).toBe(0);
  });
});

describe('an account limited to 2 calls per 5 s (started first, in the background)', () => {
  it('completes 20 concurrent requests, paced, with zero vendor 429s', { timeout: 80_000 }, async () => {
    const outcome = await lite;
    expect(outcome.accountRateLimit).toEqual({ calls: 2, window_seconds: 5 });
    expect(outcome.statuses).toEqual({ 200: 20 });
    expect(outcome.stats.calls).toBe(20);
    expect(outcome.stats.max_calls_in_any_window).toBeLessThanOrEqual(2);
    expect(outcome.stats.rate_limited_responses).toBe(0);
    expect(outcome.vendorRateLimited).toBe(0);
    // Paced: pairs of calls a window apart, so the last pair cannot finish before 9 windows have passed.
    expect(outcome.wallMs).toBeGreaterThanOrEqual(45_000);
    expect(outcome.wallMs).toBeLessThan(45_000 * 1.15);
    expect(outcome.limitHeader).toBe('2;w=5');
    console.info(
      `2 per 5 s: 20 requests in ${Math.round(outcome.wallMs)} ms (minimum 45000 ms); ` +
        `finish times ${outcome.finishedMs.map((t) => (t / 1000).toFixed(1)).join(' ')} s`,
    );
  });
});
