/**
 * Salesforce's own edge cases against its sandbox: `+0000` date-times, non-Standard users, batches of at
 * least 200, filters and sorts reaching Salesforce as SOQL, and refresh-token rotation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import { type SalesforceSandbox, startSalesforceSandbox } from '../../sandboxes/salesforce/index.ts';

let sandbox: SalesforceSandbox;
let server: TestServer;
let accountId: string;
const users = (query = '') => `/unified/crm/users?integrated_account_id=${accountId}${query}`;

async function link(refreshToken?: string, accessToken?: string): Promise<string> {
  const tokens = sandbox.control.oauth.issueTokens({ scopes: ['api', 'refresh_token'] });
  const created = await server.request('POST', '/integrated-account', {
    integration: 'salesforce',
    tenant_id: 'acme',
    context: {
      oauth: {
        token: {
          access_token: accessToken ?? tokens.accessToken,
          refresh_token: refreshToken ?? tokens.refreshToken,
        },
      },
      instance_url: sandbox.url,
      login_host: 'login.salesforce.com',
    },
  });
  expect(created.status, created.text).toBe(201);
  return created.body.id;
}

beforeAll(async () => {
  sandbox = await startSalesforceSandbox({ users: 300, seed: 11, dailyApiRequests: null });
  server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
  const installed = await server.request('GET', '/environment-integration');
  const row = installed.body.result.find(
    (r: { integration_id: string }) => r.integration_id === 'salesforce',
  );
  await server.request('PATCH', `/environment-integration/${row.id}`, {
    oauth_app: {
      client_id: sandbox.oauth.clientId,
      client_secret: sandbox.oauth.clientSecret,
      token_url: sandbox.oauth.tokenUrl,
    },
  });
  accountId = await link();
});
afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

describe('salesforce crm/users', () => {
  it('turns Salesforce date-times (+0000) into ISO 8601 UTC', async () => {
    const added = sandbox.control.add({
      FirstName: 'Zoë',
      LastName: "O'Hara",
      Email: 'zoe.ohara@acme.example.com',
      CreatedDate: '2024-02-29T23:59:58.000Z',
    });
    expect(added['CreatedDate']).toBe('2024-02-29T23:59:58.000+0000');
    const got = await server.request(
      'GET',
      `/unified/crm/users/${added['Id']}?integrated_account_id=${accountId}`,
    );
    expect(got.status, got.text).toBe(200);
    expect(got.body).toMatchObject({
      id: added['Id'],
      name: "Zoë O'Hara",
      first_name: 'Zoë',
      last_name: "O'Hara",
      created_at: '2024-02-29T23:59:58.000Z',
      is_active: true,
    });
  });

  it('leaves out portal, guest, Chatter and automation users, and asks Salesforce for Standard users only', async () => {
    const others = sandbox.control.list(['Id', 'UserType']).filter((u) => u['UserType'] !== 'Standard');
    expect(new Set(others.map((u) => u['UserType']))).toEqual(
      new Set(['AutomatedProcess', 'CloudIntegrationUser', 'CsnOnly', 'Guest', 'PowerCustomerSuccess']),
    );
    const walked = await walkPages(server, users('&limit=500'));
    const ids = new Set(walked.map((r) => r.id));
    for (const other of others) expect(ids.has(other['Id'] as string)).toBe(false);
    expect(sandbox.control.queries().at(-1)).toContain("WHERE UserType = 'Standard'");
    const portal = others.find((u) => u['UserType'] === 'PowerCustomerSuccess')!;
    const got = await server.request(
      'GET',
      `/unified/crm/users/${portal['Id']}?integrated_account_id=${accountId}`,
    );
    expect(got.status).toBe(404);
  });

  it('pages in Salesforce batches: a limit below 200 still asks for 200 (its smallest batch)', async () => {
    const first = await server.request('GET', users('&limit=10'));
    expect(first.status, first.text).toBe(200);
    expect(first.body.result).toHaveLength(200);
    expect(first.body.next_cursor).toBeTruthy();
  });

  it('pushes filters and sorts down as SOQL, and keeps sub-second date bounds local', async () => {
    const standard = sandbox.control
      .list(['Id', 'FirstName', 'LastModifiedDate', 'UserType'])
      .filter((u) => u['UserType'] === 'Standard' && u['FirstName']);
    const cut = String(standard[Math.floor(standard.length / 2)]!['LastModifiedDate']).replace('+0000', 'Z');
    const iso = new Date(cut).toISOString().replace('.000Z', 'Z');
    const response = await server.request(
      'GET',
      users(
        `&updated_at[gt]=${encodeURIComponent(cut)}&first_name[like]=a&sort_by[updated_at]=desc&limit=500`,
      ),
    );
    expect(response.status, response.text).toBe(200);
    expect(response.headers.get('x-switchboard-filters-vendor')).toBe('updated_at[gt],first_name[like]');
    expect(sandbox.control.queries().at(-1)).toBe(
      'SELECT Id, Username, Name, FirstName, LastName, Email, IsActive, UserType, CreatedDate, LastModifiedDate ' +
        `FROM User WHERE UserType = 'Standard' AND LastModifiedDate > ${iso} AND FirstName LIKE '%a%' ` +
        'ORDER BY LastModifiedDate DESC, Id',
    );
    const rows = response.body.result as Array<{ updated_at: string; first_name: string }>;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.updated_at > new Date(cut).toISOString()).toBe(true);
      expect(row.first_name.toLowerCase()).toContain('a');
    }
    expect(rows.map((r) => r.updated_at)).toEqual(
      rows
        .map((r) => r.updated_at)
        .sort()
        .reverse(),
    );

    const precise = await server.request('GET', users('&created_at[gte]=2021-01-01T00:00:00.500Z&limit=500'));
    expect(precise.status).toBe(200);
    expect(precise.headers.get('x-switchboard-filters-local')).toBe('created_at[gte]');
    expect(sandbox.control.queries().at(-1)).toMatch(/FROM User WHERE UserType = 'Standard'$/);
  });

  it('stores each rotated refresh token, so rotation never trips reuse detection', async () => {
    sandbox.control.oauth.setSettings({ refreshTokens: 'rotating' });
    try {
      const id = await link();
      for (let round = 0; round < 3; round++) {
        sandbox.control.oauth.expireAccessTokens();
        const page = await server.request('GET', `/unified/crm/users?integrated_account_id=${id}&limit=200`);
        expect(page.status, page.text).toBe(200);
      }
      expect(sandbox.control.oauth.stats().familyRevocations).toBe(0);
      const account = await server.request('GET', `/integrated-account/${id}`);
      expect(account.body.status).toBe('active');
    } finally {
      sandbox.control.oauth.setSettings({ refreshTokens: 'reusable' });
    }
  });

  it('marks the account needs_reauth when Salesforce says the refresh token is dead', async () => {
    const id = await link('5Aep861-never-issued');
    sandbox.control.oauth.expireAccessTokens();
    const page = await server.request('GET', `/unified/crm/users?integrated_account_id=${id}&limit=200`);
    expect(page.status).toBe(401);
    const account = await server.request('GET', `/integrated-account/${id}`);
    expect(account.body.status).toBe('needs_reauth');
  });
  it('serves the users proxy with the caller’s own SOQL, paged by nextRecordsUrl', async () => {
    const q = encodeURIComponent("SELECT Id, Name FROM User WHERE UserType = 'CloudIntegrationUser'");
    const first = await server.request(
      'GET',
      `/proxy/users?integrated_account_id=${accountId}&q=${q}&limit=200`,
    );
    expect(first.status, first.text).toBe(200);
    expect(first.body.result.length).toBeGreaterThan(0);
    for (const record of first.body.result) expect(Object.keys(record)).toEqual(['attributes', 'Id', 'Name']);
    const all = await walkPages(server, `/proxy/users?integrated_account_id=${accountId}&limit=200`);
    expect(all).toHaveLength(sandbox.control.list(['Id']).length);
    const one = await server.request(
      'GET',
      `/proxy/users/${sandbox.adminUserId}?integrated_account_id=${accountId}`,
    );
    expect(one.body).toMatchObject({ Id: sandbox.adminUserId, Name: 'Admin User' });
  });
  it('refuses a login host or instance URL that is not Salesforce’s', async () => {
    const token = { access_token: 'x' };
    for (const context of [
      {
        oauth: { token },
        login_host: 'login.salesforce.com.evil.example',
        instance_url: 'https://acme.my.salesforce.com',
      },
      {
        oauth: { token },
        login_host: 'login.salesforce.com',
        instance_url: 'https://acme.my.salesforce.com.evil.example',
      },
    ]) {
      const created = await server.request('POST', '/integrated-account', {
        integration: 'salesforce',
        tenant_id: 'x',
        context,
      });
      expect(created.status, created.text).toBe(400);
    }
  });
});
