/**
 * Planhat's own edge cases against its emulator: a bare array paged by offset whose last page may be empty,
 * `email` reaching Planhat as its own parameter, API users that are ordinary users, a service account without
 * access to users (403, credentials still fine), and the minute quota never drawn.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import { DOCS_EXAMPLE_IDS, type PlanhatSandbox, startPlanhatSandbox } from '../../sandboxes/planhat/index.ts';

let sandbox: PlanhatSandbox;
let server: TestServer;
let accountId: string;

const users = (query = '') => `/unified/crm/users?integrated_account_id=${accountId}${query}`;
const vendorCalls = (from: number) =>
  sandbox.control
    .requests()
    .slice(from)
    .filter((target) => target.startsWith('/users?'))
    .map((target) => new URL(target, 'http://x').searchParams);

beforeAll(async () => {
  sandbox = await startPlanhatSandbox({ users: 200, seed: 12 });
  server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
  const created = await server.request('POST', '/integrated-account', {
    integration: 'planhat',
    tenant_id: 'acme',
    context: { api_token: sandbox.token, api_origin: sandbox.url },
  });
  expect(created.body.status, created.text).toBe('active');
  accountId = created.body.id;
});
afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

describe('planhat crm/users', () => {
  it('walks the bare array by offset, ending on a short (here empty) page', async () => {
    const from = sandbox.control.requests().length;
    const all = await walkPages(server, users('&limit=100'));
    expect(all.map((r) => r.id)).toEqual(sandbox.control.list().map((u) => u._id));
    expect(vendorCalls(from).map((q) => [q.get('limit'), q.get('offset')])).toEqual([
      ['100', '0'],
      ['100', '100'],
      ['100', '200'],
    ]);
  });

  it('maps the docs’ user and keeps API users, which Planhat cannot tell apart', async () => {
    const alex = await server.request(
      'GET',
      `/unified/crm/users/${DOCS_EXAMPLE_IDS.alex}?integrated_account_id=${accountId}`,
    );
    expect(alex.body).toMatchObject({
      id: DOCS_EXAMPLE_IDS.alex,
      name: 'Alex Planhat',
      is_active: true,
      created_at: '2017-04-03T09:41:05.000Z',
      updated_at: '2022-07-05T09:51:52.818Z',
    });
    const all = await walkPages(server, users('&limit=100'));
    expect(all.some((r) => /^(api|integration|datasync|zapier|automation)\+/.test(r.email))).toBe(true);
    expect(all.filter((r) => r.is_active === false).length).toBeGreaterThan(0);
  });

  it('sends an email filter to Planhat as `email`, one call, nothing applied locally', async () => {
    const from = sandbox.control.requests().length;
    const found = await server.request('GET', users('&email=yourcolleaguesname@yourcompany.com'));
    expect(found.body.result.map((r: { id: string }) => r.id)).toEqual([DOCS_EXAMPLE_IDS.colleague]);
    expect(found.headers.get('x-switchboard-filters-vendor')).toBe('email[eq]');
    expect(found.headers.get('x-switchboard-filters-local')).toBe('');
    expect(vendorCalls(from).map((q) => q.get('email'))).toEqual(['yourcolleaguesname@yourcompany.com']);
  });

  it('answers a service account without access to users with 403, keeping the account active', async () => {
    sandbox.control.denyUsers();
    try {
      const denied = await server.request('GET', users());
      expect(denied.status).toBe(403);
      const account = await server.request('GET', `/integrated-account/${accountId}`);
      expect(account.body.status).toBe('active');
    } finally {
      sandbox.control.denyUsers(false);
    }
  });

  it('stays within Planhat’s limits: no 429, never more than allowed in a second or a minute', async () => {
    await walkPages(server, users('&limit=10'));
    const stats = sandbox.control.stats();
    expect(stats.rateLimited).toBe(0);
    for (const key of Object.values(stats.keys)) {
      expect(key.maxInWindow['second']).toBeLessThanOrEqual(150);
      expect(key.maxInWindow['minute']).toBeLessThanOrEqual(200);
    }
  });
});
