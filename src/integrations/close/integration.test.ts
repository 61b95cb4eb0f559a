/**
 * Close's own edge cases against its emulator over real HTTP: microsecond dates with a `+00:00` offset,
 * is_active from the organization's memberships (read once, not per page), removed members, the 100-user
 * page cap, and sorts Close cannot do in both directions refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import { type CloseSandbox, startCloseSandbox } from '../../sandboxes/close/index.ts';

let sandbox: CloseSandbox;
let server: TestServer;
let accountId: string;
const list = (query = '') => `/unified/crm/users?integrated_account_id=${accountId}${query}`;
const getUser = (id: string) =>
  server.request('GET', `/unified/crm/users/${encodeURIComponent(id)}?integrated_account_id=${accountId}`);

beforeAll(async () => {
  sandbox = await startCloseSandbox({ users: 230, seed: 9, rateLimit: null });
  server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
  const created = await server.request('POST', '/integrated-account', {
    integration: 'close',
    tenant_id: 'acme',
    context: { api_key: sandbox.apiKey, api_origin: sandbox.url },
  });
  expect(created.body.status, created.text).toBe('active');
  accountId = created.body.id;
});
afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

describe('close crm/users', () => {
  it('maps the docs’ /me/ user: microsecond dates with an offset become ISO 8601 UTC', async () => {
    const got = await getUser('user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA');
    expect(got.status, got.text).toBe(200);
    expect(got.body).toEqual({
      id: 'user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA',
      name: 'Anthony Nemitz',
      first_name: 'Anthony',
      last_name: 'Nemitz',
      email: 'anthony@close.com',
      is_active: true,
      created_at: '2012-08-29T13:46:31.870Z',
      updated_at: '2013-02-08T06:17:00.583Z',
      remote_data: sandbox.control.get('user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA'),
    });
  });

  it('pages 100 users at most, and reads the memberships once for the whole walk', async () => {
    expect((await server.request('GET', list('&limit=101'))).status).toBe(400);
    // A fresh account: nothing of it is cached yet.
    const fresh = await server.request('POST', '/integrated-account', {
      integration: 'close',
      tenant_id: 'fresh',
      context: { api_key: sandbox.apiKey, api_origin: sandbox.url },
    });
    const walk = `/unified/crm/users?integrated_account_id=${fresh.body.id}&limit=100`;
    sandbox.control.resetStats();
    const first = await server.request('GET', walk);
    expect(first.status, first.text).toBe(200);
    expect(first.body.result).toHaveLength(100);
    const rows = await walkPages(server, walk);
    expect(rows.map((r) => r.id)).toEqual(sandbox.control.list().map((u) => u.id));
    expect(rows.every((r) => r.is_active === true)).toBe(true);
    const requests = sandbox.control.stats().requests;
    expect(requests['/api/v1/me/']).toBe(1);
    expect(requests['/api/v1/organization/{id}/']).toBe(1);
  });

  it('gets a removed member as inactive', async () => {
    const removed = sandbox.control.memberships(false)[0]!;
    const got = await getUser(removed.user_id);
    expect(got.status, got.text).toBe(200);
    expect(got.body).toMatchObject({ id: removed.user_id, is_active: false });
  });

  it('applies filters itself and refuses sorting (Close sorts users only ascending, by name)', async () => {
    const res = await server.request('GET', list('&email=stefan%40close.com'));
    expect(res.body.result.map((r: { id: string }) => r.id)).toEqual([
      'user_912jAIAEWR0b3KDozVFqXSRbt2uBjw3QfeYa7ZaGTwI',
    ]);
    expect(res.headers.get('x-switchboard-filters-local')).toBe('email[eq]');
    const sorted = await server.request('GET', list('&sort_by[name]=asc'));
    expect(sorted.status).toBe(400);
    expect(sorted.body.message).toContain('close cannot sort');
  });
});
