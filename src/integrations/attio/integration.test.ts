/**
 * Attio's own edge cases against its emulator over real HTTP: nanosecond timestamps, suspended members
 * (never deleted) as inactive, one unpaged list sliced into pages, a malformed member id answered 404
 * without a call, `/v2/self` answering 200 `{active: false}` for a bad key, and a real 429 whose
 * Retry-After is an HTTP date.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import { type AttioSandbox, startAttioSandbox } from '../../sandboxes/attio/index.ts';

const SUSAN = '50cf242c-7fa3-4cad-87d0-75b1af71c57b';
let sandbox: AttioSandbox;
let server: TestServer;
let accountId: string;
const list = (query = '') => `/unified/crm/users?integrated_account_id=${accountId}${query}`;

async function link(tenant: string, key: string) {
  return server.request('POST', '/integrated-account', {
    integration: 'attio',
    tenant_id: tenant,
    context: { access_token: key, api_origin: sandbox.url },
  });
}

beforeAll(async () => {
  sandbox = await startAttioSandbox({ users: 45, seed: 5, rateLimit: null });
  server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
  const created = await link('acme', sandbox.apiKey);
  expect(created.body.status, created.text).toBe('active');
  accountId = created.body.id;
});
afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

describe('attio crm/users', () => {
  it('maps the docs’ member: nanosecond created_at to milliseconds, no updated_at', async () => {
    const got = await server.request('GET', `/unified/crm/users/${SUSAN}?integrated_account_id=${accountId}`);
    expect(got.status, got.text).toBe(200);
    expect(got.body).toEqual({
      id: SUSAN,
      name: 'Susan Kare',
      first_name: 'Susan',
      last_name: 'Kare',
      email: 'susan.kare@apple.com',
      is_active: true,
      created_at: '2022-11-21T13:22:49.061Z',
      updated_at: null,
      remote_data: sandbox.control.get(SUSAN),
    });
  });

  it('keeps suspended members, inactive, and slices the one unpaged list into pages', async () => {
    const target = sandbox.control.list()[3]!;
    sandbox.control.setAccessLevel(target.id.workspace_member_id, 'suspended');
    sandbox.control.resetStats();
    const rows = await walkPages(server, list('&limit=10'));
    expect(rows.map((r) => r.id)).toEqual(sandbox.control.list().map((m) => m.id.workspace_member_id));
    expect(rows.find((r) => r.id === target.id.workspace_member_id)).toMatchObject({ is_active: false });
    expect(sandbox.control.stats().requests['/v2/workspace_members']).toBe(Math.ceil(rows.length / 10));
    const inactive = await walkPages(server, list('&is_active=false&limit=100'));
    expect(inactive.length).toBe(sandbox.control.list().filter((m) => m.access_level === 'suspended').length);
  });

  it('answers a malformed member id with 404 without asking Attio', async () => {
    sandbox.control.resetStats();
    const got = await server.request(
      'GET',
      `/unified/crm/users/not-a-uuid?integrated_account_id=${accountId}`,
    );
    expect(got.status).toBe(404);
    expect(sandbox.control.stats().total).toBe(0);
  });

  it('tells a bad API key at link time from /v2/self’s 200 {active: false}', async () => {
    const created = await link('bad-key', 'f'.repeat(64));
    expect(created.body.status).toBe('validation_error');
    expect(created.body.last_error).toContain('not active');
  });

  it('waits out a real 429 with an HTTP-date Retry-After and answers 200', async () => {
    sandbox.control.setRateLimit({ windows: [{ name: 'reads', limit: 1, windowMs: 1000 }] });
    try {
      // Let Switchboard go faster than Attio here, so that Attio's own 429 is what slows it down.
      await server.request('PATCH', `/integrated-account/${accountId}`, {
        rate_limit: { calls: 1000, window_seconds: 1 },
      });
      const rows = await walkPages(server, list('&limit=20'));
      expect(rows).toHaveLength(sandbox.control.list().length);
      expect(sandbox.control.stats().rateLimited).toBeGreaterThan(0);
    } finally {
      sandbox.control.setRateLimit({ windows: [] });
    }
  });
});
