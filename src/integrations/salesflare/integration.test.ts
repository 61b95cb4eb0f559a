/**
 * Salesflare's own edge cases against its emulator: Truto's `search_term` reaching Salesflare as `search`
 * (never applied locally), `is_active=true` as `onlyEnabled` but `false` by Switchboard, numeric ids as
 * strings, and a route that refuses any parameter it does not declare (so nothing else is ever sent).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import { type SalesflareSandbox, startSalesflareSandbox } from '../../sandboxes/salesflare/index.ts';

let sandbox: SalesflareSandbox;
let server: TestServer;
let accountId: string;

const users = (query = '') => `/unified/crm/users?integrated_account_id=${accountId}${query}`;
const vendorCalls = (from: number) =>
  sandbox.control
    .requests()
    .slice(from)
    .filter((target) => target.startsWith('/users?'))
    .map((target) => Object.fromEntries(new URL(target, 'http://x').searchParams));

beforeAll(async () => {
  sandbox = await startSalesflareSandbox({ users: 90, seed: 21 });
  server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
  const created = await server.request('POST', '/integrated-account', {
    integration: 'salesflare',
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

describe('salesflare crm/users', () => {
  it('sends search_term to Salesflare as `search` and keeps its matching', async () => {
    const target = sandbox.control.list()[11]!;
    const term = target.lastname.slice(0, 3).toLowerCase();
    const from = sandbox.control.requests().length;
    const found = await walkPages(server, users(`&limit=100&search_term=${encodeURIComponent(term)}`));
    expect(vendorCalls(from)).toEqual([{ search: term, offset: '0', limit: '100' }]);
    expect(found.map((r) => r.id)).toContain(String(target.id));
    const first = await server.request('GET', users(`&search_term=${encodeURIComponent(term)}`));
    expect(first.headers.get('x-switchboard-filters-vendor')).toBe('search_term[eq]');
    expect(first.headers.get('x-switchboard-filters-local')).toBe('');
  });

  it('asks only enabled users for is_active=true, filters disabled ones itself', async () => {
    const all = sandbox.control.list();
    const from = sandbox.control.requests().length;
    const enabled = await walkPages(server, users('&limit=100&is_active=true'));
    expect(vendorCalls(from)[0]).toMatchObject({ onlyEnabled: 'true' });
    expect(enabled).toHaveLength(all.filter((u) => !u.disabled).length);

    const disabled = await server.request('GET', users('&limit=100&is_active=false'));
    expect(disabled.headers.get('x-switchboard-filters-local')).toBe('is_active[eq]');
    expect(disabled.body.result.map((r: { id: string }) => r.id)).toEqual(
      all.filter((u) => u.disabled).map((u) => String(u.id)),
    );
  });

  it('maps numeric ids to strings and Salesflare’s dates as they are', async () => {
    const u = sandbox.control.list()[0]!;
    const got = await server.request('GET', `/unified/crm/users/${u.id}?integrated_account_id=${accountId}`);
    expect(got.body).toMatchObject({
      id: String(u.id),
      name: u.name,
      first_name: u.firstname,
      email: u.email,
      created_at: u.creation_date,
      updated_at: u.modification_date,
      remote_data: u,
    });
  });

  it('passes an email filter down and sends nothing Salesflare’s route does not declare', async () => {
    const target = sandbox.control.list()[5]!;
    const from = sandbox.control.requests().length;
    const found = await server.request('GET', users(`&email=${encodeURIComponent(target.email)}&name=x`));
    expect(found.status, found.text).toBe(200);
    expect(found.body.result).toEqual([]);
    expect(vendorCalls(from)).toEqual([{ email: target.email, offset: '0', limit: '100' }]);
    expect(sandbox.control.stats().rateLimited).toBe(0);
  });
});
