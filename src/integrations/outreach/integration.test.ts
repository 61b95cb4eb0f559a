/** Outreach's own edge cases, against its sandbox over real HTTP: JSON:API ranges, locked users, cursors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import { type OutreachSandbox, startOutreachSandbox } from '../../sandboxes/outreach/index.ts';

let sandbox: OutreachSandbox;
let server: TestServer;
let accountId: string;
const list = (query = '') => `/unified/crm/users?integrated_account_id=${accountId}${query}`;
const sentQuery = () =>
  Object.fromEntries(new URL(sandbox.control.requestLog().at(-1)!, sandbox.url).searchParams);

beforeAll(async () => {
  sandbox = await startOutreachSandbox({ users: 150, seed: 4, rateLimit: null });
  const tokens = sandbox.control.oauth.issueTokens({ scopes: ['users.read'] });
  server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
  const created = await server.request('POST', '/integrated-account', {
    integration: 'outreach',
    tenant_id: 'outreach',
    context: {
      oauth: { token: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken } },
      api_origin: sandbox.url,
    },
  });
  expect(created.body.status, created.text).toBe('active');
  accountId = created.body.id;
});
afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

describe('outreach crm/users', () => {
  it('maps the reference’s example user: first and last names, millisecond dates, locked → inactive', async () => {
    const got = await server.request('GET', `/unified/crm/users/1?integrated_account_id=${accountId}`);
    expect(got.status, got.text).toBe(200);
    expect(got.body).toMatchObject({
      id: '1',
      name: 'Jane Doe',
      first_name: 'Jane',
      last_name: 'Doe',
      email: 'jane@acme.com',
      is_active: true,
      created_at: '2023-04-01T10:00:00.000Z',
      updated_at: '2024-02-03T08:30:00.000Z',
    });
    const locked = sandbox.control.list().find((u) => u.attributes.locked)!;
    const inactive = await server.request(
      'GET',
      `/unified/crm/users/${locked.id}?integrated_account_id=${accountId}`,
    );
    expect(inactive.body.is_active).toBe(false);
  });

  it('walks an updated_at[gt] increment as a filter[updatedAt] range, reading only the changed users', async () => {
    const all = sandbox.control.list();
    const cut = [...all.map((u) => u.attributes.updatedAt)].sort().at(-6)!;
    const changed = all.filter((u) => u.attributes.updatedAt > cut).map((u) => String(u.id));
    sandbox.control.resetStats();
    const rows = await walkPages(server, list(`&updated_at[gt]=${encodeURIComponent(cut)}&limit=100`));
    expect(rows.map((r) => r.id).sort()).toEqual(changed.sort());
    expect(sandbox.control.stats().requests['/api/v2/users']).toBe(1);
    const bound = new Date(Date.parse(cut) + 1).toISOString();
    expect(sentQuery()).toMatchObject({
      'filter[updatedAt]': `${bound}..inf`,
      count: 'false',
      'page[size]': '100',
    });
  });

  it('sends is_active as filter[locked], sorts as sort=-createdAt, and applies name itself', async () => {
    const page = await server.request('GET', list('&is_active=false&sort_by[created_at]=desc&limit=10'));
    expect(page.status, page.text).toBe(200);
    expect(sentQuery()).toMatchObject({ 'filter[locked]': 'true', sort: '-createdAt' });
    expect(page.body.result.every((r: { is_active: boolean }) => r.is_active === false)).toBe(true);
    const sample = sandbox.control.list()[9]!;
    const byName = await server.request('GET', list(`&name=${encodeURIComponent(sample.attributes.name)}`));
    expect(byName.headers.get('x-switchboard-filters-local')).toBe('name[eq]');
    expect(byName.body.result.map((r: { id: string }) => r.id)).toContain(String(sample.id));
  });

  it('follows links.next cursors across pages and refuses sorting by name', async () => {
    const rows = await walkPages(server, list('&limit=40'));
    expect(rows).toHaveLength(sandbox.control.list().length);
    expect(sandbox.control.requestLog().some((t) => t.includes('page%5Bafter%5D='))).toBe(true);
    expect((await server.request('GET', list('&sort_by[name]=asc'))).status).toBe(400);
  });
});
