/**
 * A 10,000-user directory synced within the vendor's rate limit: the sandbox enforces 25 calls per second
 * (LeadSquared's 25 per 5 s, five times faster to keep the test short) and the account is told the same
 * plan; pages of 100 users make the run need about a hundred calls, so it must be paced. The sandbox's own
 * statistics prove it never exceeded the limit. Jobs work one second each on the run, so it also goes through
 * several clean hand-overs between jobs. A second pass over the unchanged directory (in pages of 1000)
 * emits nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LeadSquaredSandbox, startLeadSquaredSandbox } from '../src/sandboxes/leadsquared/index.ts';
import { startTestServer, TEST_DATABASES, type TestServer } from './support/server.ts';
import { deliveredRun, finished, Receiver } from './sync-support.ts';

const LIMIT = { calls: 25, windowSeconds: 1 };
const USERS = 10_000;

describe.each(TEST_DATABASES)('a 10,000-user sync on %s', (database) => {
  let sandbox: LeadSquaredSandbox;
  let server: TestServer;
  let accountId: string;
  const receiver = new Receiver();

  beforeAll(async () => {
    await receiver.up();
    sandbox = await startLeadSquaredSandbox({ users: USERS, seed: 99, rateLimit: LIMIT });
    server = await startTestServer(
      {
        SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url,
        SWITCHBOARD_ALLOW_WEBHOOK_TARGETS: receiver.origin,
        SWITCHBOARD_JOBS_POLL_MS: '100',
        // A job works one second on a run, then hands it (checkpointed) to a fresh job.
        SWITCHBOARD_SYNC_SLICE_SECONDS: '1',
        LOG_LEVEL: 'info',
      },
      database,
    );
    const account = await server.request('POST', '/integrated-account', {
      integration: 'leadsquared',
      tenant_id: 'big',
      context: { access_key: sandbox.accessKey, secret_key: sandbox.secretKey, api_host: sandbox.url },
    });
    accountId = account.body.id;
    const patched = await server.request('PATCH', `/integrated-account/${accountId}`, {
      rate_limit: { calls: LIMIT.calls, window_seconds: LIMIT.windowSeconds },
    });
    expect(patched.status).toBe(200);
    // Linking validated the keys with one paced call; the stats keep it, so the limit is checked for
    // everything the account did.
    sandbox.control.setRateLimit(LIMIT);
    const webhook = await server.request('POST', '/webhook', {
      target_url: `${receiver.origin}/big`,
      event_types: ['*'],
    });
    receiver.secret = webhook.body.secret;
  });
  afterAll(async () => {
    await server?.close();
    await sandbox?.close();
    await receiver.down();
  });

  it('stays within the rate limit, and a re-sync of the unchanged directory emits nothing', async () => {
    const stats = () =>
      sandbox.control.stats().access_keys[sandbox.accessKey] ?? {
        calls: 0,
        max_calls_in_any_window: 0,
        rate_limited_responses: 0,
      };
    const searches = () =>
      sandbox.control.stats().requests_by_path['/v2/UserManagement.svc/User/AdvancedSearch'] ?? 0;
    const timed = async (pageSize: number) => {
      const began = Date.now();
      const started = await server.request('POST', '/sync-job-run', {
        integrated_account_id: accountId,
        page_size: pageSize,
      });
      expect(started.status, JSON.stringify(started.body)).toBe(201);
      const run = await finished((p) => server.request('GET', p), started.body.id, 60_000);
      expect(run.status, JSON.stringify(run.error)).toBe('completed');
      return { run, ms: Date.now() - began };
    };

    const callsBefore = stats().calls;
    const first = await timed(100);
    const firstCalls = stats().calls - callsBefore;
    expect(first.run.progress['user-directory/users']).toMatchObject({ fetched: USERS, pages: 100 });
    expect(first.run.counts.events).toBe(0);
    expect(searches()).toBe(100);
    // The four-second pass went through several jobs; only the clean hand-overs, no resumption.
    const handOvers = server.logs().split('sync run handed over to a fresh job').length - 1;
    expect(handOvers).toBeGreaterThanOrEqual(2);
    expect(first.run.attempts).toBe(1);

    // The re-sync reads the same 10,000 users in pages of 1000 (the default), to keep the test short.
    const second = await timed(1000);
    const secondCalls = stats().calls - callsBefore - firstCalls;
    expect(second.run.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, events: 0 });
    expect(second.run.counts.unchanged).toBe(second.run.counts.fetched);
    const events = await deliveredRun(receiver, second.run);
    expect(events.map((e) => e.event).sort()).toEqual(['sync_job_run:completed', 'sync_job_run:started']);

    const final = stats();
    expect(final.max_calls_in_any_window).toBeLessThanOrEqual(LIMIT.calls);
    expect(final.rate_limited_responses).toBe(0);
    // ~100 search pages at 25 calls a second: at least 3 seconds of pacing per pass.
    expect(first.ms).toBeGreaterThan(3_000);
    console.log(
      `[${database}] 10,000 users, pages of 100, limit ${LIMIT.calls}/${LIMIT.windowSeconds}s: ` +
        `baseline ${firstCalls} calls in ${first.ms} ms, re-sync (pages of 1000) ${secondCalls} calls in ${second.ms} ms; ` +
        `max_calls_in_any_window ${final.max_calls_in_any_window}, rate_limited_responses ${final.rate_limited_responses}; ` +
        `${handOvers} hand-overs between jobs`,
    );
  }, 120_000);
});
