/** Zendesk Sell's own edge cases, against its sandbox over real HTTP: dates, pushdown, envelopes, errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import { startZendeskSellSandbox, type ZendeskSellSandbox } from '../../sandboxes/zendesksell/index.ts';

let sandbox: ZendeskSellSandbox;
let server: TestServer;
let accountId: string;
const list = (query = '') => `/unified/crm/users?integrated_account_id=${accountId}${query}`;

beforeAll(async () => {
  sandbox = await startZendeskSellSandbox({ users: 80, seed: 3, rateLimit: null });
  server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
  const created = await server.request('POST', '/integrated-account', {
    integration: 'zendesksell',
    tenant_id: 'sell',
    context: { access_token: sandbox.token, api_origin: sandbox.url },
  });
  expect(created.body.status, created.text).toBe('active');
  accountId = created.body.id;
});
afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

describe('zendesksell crm/users', () => {
  it('reads Sell’s second-precision UTC dates as ISO 8601 and maps the docs’ example user', async () => {
    const got = await server.request('GET', `/unified/crm/users/1?integrated_account_id=${accountId}`);
    expect(got.status, got.text).toBe(200);
    expect(got.body).toMatchObject({
      id: '1',
      name: 'Mark Johnson',
      email: 'mark@example.com',
      is_active: true,
      created_at: '2014-08-27T16:32:56.000Z',
      updated_at: '2014-08-27T17:32:56.000Z',
      remote_data: { team_name: 'Team 1', role: 'user' },
    });
    expect(got.body.first_name).toBeUndefined();
  });

  it('sends email, status and sort_by to Sell, and per_page as the page size', async () => {
    const target = sandbox.control.list().find((u) => u.status === 'inactive')!;
    const found = await server.request(
      'GET',
      list(
        `&email=${encodeURIComponent(target.email.toUpperCase())}&is_active=false&sort_by[name]=desc&limit=7`,
      ),
    );
    expect(found.status, found.text).toBe(200);
    expect(found.body.result.map((r: { id: string }) => r.id)).toEqual([String(target.id)]);
    expect(found.headers.get('x-switchboard-filters-vendor')).toBe('email[eq],is_active[eq]');
    const sent = new URL(sandbox.control.requestLog().at(-1)!, sandbox.url).searchParams;
    expect(Object.fromEntries(sent)).toEqual({
      email: target.email.toUpperCase(),
      status: 'inactive',
      sort_by: 'name:desc',
      page: '1',
      per_page: '7',
    });
  });

  it('walks an exactly full last page by asking for the next one, which comes back empty', async () => {
    const all = sandbox.control.list();
    const rows = await walkPages(server, list(`&limit=${all.length}`));
    expect(rows).toHaveLength(all.length);
    expect(
      sandbox.control
        .requestLog()
        .slice(-2)
        .map((t) => new URL(t, sandbox.url).searchParams.get('page')),
    ).toEqual(['1', '2']);
  });

  it('refuses two sort keys with 400 rather than sorting by one', async () => {
    const refused = await server.request('GET', list('&sort_by[name]=asc&sort_by[email]=asc'));
    expect(refused.status, refused.text).toBe(400);
  });

  it('passes Sell’s 422 envelope through for a bad vendor parameter on the proxy', async () => {
    const res = await server.request(
      'GET',
      `/proxy/users?integrated_account_id=${accountId}&sort_by=shoe_size`,
    );
    expect(res.status, res.text).toBe(422);
    expect(res.body.raw_response).toMatchObject({
      errors: [{ error: { code: 'invalid', field: 'sort_by' } }],
    });
    expect(res.body.message).toContain('sort_by must be one of');
  });
});
