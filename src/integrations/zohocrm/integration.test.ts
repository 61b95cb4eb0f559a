/**
 * Zoho CRM's own edge cases against its sandbox: organisation-offset date-times across daylight saving
 * time, deleted users, `type` and `If-Modified-Since` reaching Zoho, 204 for an empty page, a missing scope
 * sent as 401, and token errors sent with HTTP 200.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import { startZohoSandbox, type ZohoSandbox } from '../../sandboxes/zohocrm/index.ts';

let sandbox: ZohoSandbox;
let server: TestServer;
let accountId: string;
const users = (query = '') => `/unified/crm/users?integrated_account_id=${accountId}${query}`;

async function link(scopes = ['ZohoCRM.users.READ'], refreshToken?: string) {
  const tokens = sandbox.control.oauth.issueTokens({ scopes });
  return server.request('POST', '/integrated-account', {
    integration: 'zohocrm',
    tenant_id: 'zylker',
    context: {
      oauth: {
        token: { access_token: tokens.accessToken, refresh_token: refreshToken ?? tokens.refreshToken },
      },
      accounts_server: 'https://accounts.zoho.eu',
      api_domain: sandbox.url,
    },
  });
}

beforeAll(async () => {
  sandbox = await startZohoSandbox({ users: 150, seed: 31, timeZone: 'Europe/Berlin', dailyCredits: null });
  server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
  const installed = await server.request('GET', '/environment-integration');
  const row = installed.body.result.find((r: { integration_id: string }) => r.integration_id === 'zohocrm');
  await server.request('PATCH', `/environment-integration/${row.id}`, {
    oauth_app: {
      client_id: sandbox.oauth.clientId,
      client_secret: sandbox.oauth.clientSecret,
      token_url: sandbox.oauth.tokenUrl,
    },
  });
  const created = await link();
  expect(created.body.status, created.body.last_error).toBe('active');
  accountId = created.body.id;
});
afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

describe('zohocrm crm/users', () => {
  it('turns organisation-offset date-times into UTC, in and out of daylight saving time', async () => {
    const winter = sandbox.control.add({
      first_name: 'Jörg',
      last_name: 'Winter',
      created_time: '2024-01-15T12:00:00Z',
    });
    const summer = sandbox.control.add({
      first_name: 'Sanna',
      last_name: 'Sommer',
      created_time: '2024-07-15T12:00:00Z',
    });
    expect(winter.created_time).toBe('2024-01-15T13:00:00+01:00');
    expect(summer.created_time).toBe('2024-07-15T14:00:00+02:00');
    for (const [user, utc] of [
      [winter, '2024-01-15T12:00:00.000Z'],
      [summer, '2024-07-15T12:00:00.000Z'],
    ] as const) {
      const got = await server.request(
        'GET',
        `/unified/crm/users/${user.id}?integrated_account_id=${accountId}`,
      );
      expect(got.status, got.text).toBe(200);
      expect(got.body).toMatchObject({ id: user.id, created_at: utc, name: user.full_name, is_active: true });
    }
  });

  it('never lists deleted users, and asks Zoho for deactivated ones by type', async () => {
    const all = sandbox.control.list();
    const deleted = all.filter((u) => u.status === 'deleted');
    expect(deleted.length).toBeGreaterThan(0);
    const walked = await walkPages(server, users('&limit=200'));
    for (const user of deleted) expect(walked.some((r) => r.id === user.id)).toBe(false);
    const inactive = await walkPages(server, users('&is_active=false&limit=200'));
    expect(sandbox.control.listRequests().at(-1)!.query).toMatchObject({
      type: 'DeactiveUsers',
      per_page: '200',
    });
    expect(inactive.map((r) => r.id).sort()).toEqual(
      all
        .filter((u) => u.status === 'disabled')
        .map((u) => u.id)
        .sort(),
    );
  });

  it('narrows an updated_at walk with If-Modified-Since, one second early, and applies the bound exactly', async () => {
    const times = sandbox.control
      .list()
      .filter((u) => u.status !== 'deleted')
      .map((u) => new Date(Date.parse(u.Modified_Time)).toISOString())
      .sort();
    const cut = times[times.length - 10]!;
    const response = await server.request(
      'GET',
      users(`&updated_at[gt]=${encodeURIComponent(cut)}&limit=200`),
    );
    expect(response.status, response.text).toBe(200);
    expect(response.headers.get('x-switchboard-filters-local')).toBe('updated_at[gt]');
    const sent = sandbox.control.listRequests().at(-1)!;
    expect(sent.ifModifiedSince).toBe(
      new Date(Date.parse(cut) - 1000).toISOString().replace('.000Z', '+00:00'),
    );
    expect(response.body.result.map((r: { updated_at: string }) => r.updated_at).sort()).toEqual(
      times.filter((t) => t > cut),
    );
    const none = await server.request('GET', users('&updated_at[gte]=2100-01-01T00:00:00Z'));
    expect(none.status).toBe(200);
    expect(none.body.result).toEqual([]);
  });

  it('treats a missing scope (401 OAUTH_SCOPE_MISMATCH) as a permission, not dead credentials', async () => {
    const created = await link(['ZohoCRM.modules.leads.READ']);
    expect(created.body.status).toBe('validation_error');
    const list = await server.request('GET', `/unified/crm/users?integrated_account_id=${created.body.id}`);
    expect(list.body).toMatchObject({
      code: 'REMOTE_ERROR',
      raw_response: { code: 'OAUTH_SCOPE_MISMATCH' },
      truto_error_insight: { missing_permission: expect.any(Object) },
    });
    const account = await server.request('GET', `/integrated-account/${created.body.id}`);
    expect(account.body.status).not.toBe('needs_reauth');
  });

  it('reads Zoho’s HTTP 200 invalid_code on refresh as a dead grant: needs_reauth', async () => {
    const created = await link(['ZohoCRM.users.READ'], '1000.never.issued');
    sandbox.control.oauth.expireAccessTokens();
    const list = await server.request('GET', `/unified/crm/users?integrated_account_id=${created.body.id}`);
    expect(list.status).toBe(401);
    const account = await server.request('GET', `/integrated-account/${created.body.id}`);
    expect(account.body.status).toBe('needs_reauth');
  });

  it('refuses sorting: the Users API has none', async () => {
    expect((await server.request('GET', users('&sort_by[name]=asc'))).status).toBe(400);
  });
  it('serves the users proxy, paged by page numbers, type=AllUsers unless the caller says otherwise', async () => {
    const all = await walkPages(server, `/proxy/users?integrated_account_id=${accountId}&limit=40`);
    expect(all).toHaveLength(sandbox.control.list().filter((u) => u.status !== 'deleted').length);
    const deleted = await walkPages(
      server,
      `/proxy/users?integrated_account_id=${accountId}&type=DeletedUsers&limit=40`,
    );
    expect(deleted.length).toBeGreaterThan(0);
    expect(deleted.every((u) => u.status === 'deleted')).toBe(true);
    const one = await server.request(
      'GET',
      `/proxy/users/1386586000000078001?integrated_account_id=${accountId}`,
    );
    expect(one.body).toMatchObject({ full_name: 'Bruce Wills' });
  });
  it('refuses an accounts server or API domain that is not Zoho’s', async () => {
    const token = { access_token: 'x' };
    for (const context of [
      {
        oauth: { token },
        accounts_server: 'https://accounts.zoho.com.evil.example',
        api_domain: 'https://www.zohoapis.com',
      },
      {
        oauth: { token },
        accounts_server: 'https://accounts.zoho.com',
        api_domain: 'https://www.zohoapis.evil.example',
      },
    ]) {
      const created = await server.request('POST', '/integrated-account', {
        integration: 'zohocrm',
        tenant_id: 'x',
        context,
      });
      expect(created.status, created.text).toBe(400);
    }
  });
});
