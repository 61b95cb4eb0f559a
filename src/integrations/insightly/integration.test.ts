/**
 * Insightly's own edge cases against its sandbox over real HTTP: the pod host, zoneless UTC dates, the
 * email search, an incremental `updated_at` walk narrowed by `updated_after_utc`, pages of 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import { type InsightlySandbox, startInsightlySandbox } from '../../sandboxes/insightly/index.ts';

let sandbox: InsightlySandbox;
let server: TestServer;
let accountId: string;

const users = (query = '') => `/unified/crm/users?integrated_account_id=${accountId}${query}`;

beforeAll(async () => {
  sandbox = await startInsightlySandbox({ users: 640, seed: 12 });
  server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
  const created = await server.request('POST', '/integrated-account', {
    integration: 'insightly',
    tenant_id: 'acme',
    context: { api_key: sandbox.token, pod: sandbox.pod, api_origin: sandbox.url },
  });
  expect(created.status, created.text).toBe(201);
  expect(created.body.status, created.body.last_error).toBe('active');
  accountId = created.body.id;
});
afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

describe('insightly crm/users', () => {
  it('takes only a pod like na1, so the host is always api.<pod>.insightly.com', async () => {
    for (const pod of ['na1.evil.com', 'NA1', 'na', 'na1/x']) {
      const created = await server.request('POST', '/integrated-account', {
        integration: 'insightly',
        tenant_id: 'bad',
        context: { api_key: 'k', pod },
      });
      expect(created.status, pod).toBe(400);
    }
  });

  it('reads Insightly’s zoneless UTC dates and ACTIVE', async () => {
    const inactive = sandbox.control.list().find((u) => !u.ACTIVE)!;
    const got = await server.request(
      'GET',
      `/unified/crm/users/${inactive.USER_ID}?integrated_account_id=${accountId}`,
    );
    expect(got.status, got.text).toBe(200);
    expect(got.body).toMatchObject({
      id: String(inactive.USER_ID),
      is_active: false,
      created_at: `${inactive.DATE_CREATED_UTC.replace(' ', 'T')}.000Z`,
      updated_at: `${inactive.DATE_UPDATED_UTC.replace(' ', 'T')}.000Z`,
    });
  });

  it('finds a user by email with Users/Search on EMAIL_ADDRESS', async () => {
    const target = sandbox.control.list()[77]!;
    const before = sandbox.control.searches().length;
    const found = await server.request('GET', users(`&email=${encodeURIComponent(target.EMAIL_ADDRESS)}`));
    expect(found.status, found.text).toBe(200);
    expect(found.body.result.map((r: { id: string }) => r.id)).toEqual([String(target.USER_ID)]);
    expect(found.headers.get('x-switchboard-filters-vendor')).toBe('email[eq]');
    expect(sandbox.control.searches().slice(before)).toEqual([
      { field_name: 'EMAIL_ADDRESS', field_value: target.EMAIL_ADDRESS, skip: '0', top: '100' },
    ]);
  });

  it('walks only recently updated users for updated_at[gt]: Insightly narrows, Switchboard is exact', async () => {
    const since = new Date(Date.now() - 1500).toISOString();
    const changed = sandbox.control.list().slice(200, 203);
    for (const user of changed)
      sandbox.control.update(user.USER_ID, { LAST_NAME: `${user.LAST_NAME}-Smith` });
    const before = sandbox.control.searches().length;
    const rows = await walkPages(server, users(`&updated_at[gt]=${encodeURIComponent(since)}&limit=100`));
    expect(rows.map((r) => r.id).sort()).toEqual(changed.map((u) => String(u.USER_ID)).sort());
    const searches = sandbox.control.searches().slice(before);
    expect(searches).toEqual([{ updated_after_utc: `${since.slice(0, 19)}Z`, skip: '0', top: '100' }]);
  });

  it('pages with skip and top up to 500', async () => {
    sandbox.control.resetStats();
    const rows = await walkPages(server, users('&limit=500'));
    expect(rows).toHaveLength(640);
    expect(sandbox.control.stats().requests['/v3.1/Users']).toBe(2);
    const sorted = await server.request('GET', users('&sort_by=name'));
    expect(sorted.status).toBe(400);
  });
});
