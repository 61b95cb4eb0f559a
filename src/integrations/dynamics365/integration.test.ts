/**
 * Dynamics 365's own edge cases against its sandbox: application and support users, GUID keys, OData
 * paging, filters and sorts reaching Dataverse as `$filter`/`$orderby`, Entra refreshes that name the
 * environment's scope, and Dataverse's `Retry-After`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import { type DynamicsSandbox, startDynamicsSandbox } from '../../sandboxes/dynamics365/index.ts';

const ORG = 'https://fabrikam.crm4.dynamics.com';
let sandbox: DynamicsSandbox;
let server: TestServer;
let accountId: string;
const users = (query = '') => `/unified/crm/users?integrated_account_id=${accountId}${query}`;

async function link(target: DynamicsSandbox, on: TestServer = server): Promise<string> {
  const tokens = target.control.oauth.issueTokens({ scopes: [`${ORG}/.default`, 'offline_access'] });
  const created = await on.request('POST', '/integrated-account', {
    integration: 'dynamics365',
    tenant_id: 'fabrikam',
    context: {
      oauth: { token: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken } },
      org_url: ORG,
      api_origin: target.url,
    },
  });
  expect(created.status, created.text).toBe(201);
  expect(created.body.status, created.body.last_error).toBe('active');
  return created.body.id;
}

beforeAll(async () => {
  sandbox = await startDynamicsSandbox({ users: 120, seed: 21, orgUrl: ORG, requestsPer5Minutes: null });
  server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
  const installed = await server.request('GET', '/environment-integration');
  const row = installed.body.result.find(
    (r: { integration_id: string }) => r.integration_id === 'dynamics365',
  );
  await server.request('PATCH', `/environment-integration/${row.id}`, {
    oauth_app: {
      client_id: sandbox.oauth.clientId,
      client_secret: sandbox.oauth.clientSecret,
      token_url: sandbox.oauth.tokenUrl,
    },
  });
  accountId = await link(sandbox);
});
afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

describe('dynamics365 crm/users', () => {
  it('refuses an environment URL outside *.crm*.dynamics.com', async () => {
    const created = await server.request('POST', '/integrated-account', {
      integration: 'dynamics365',
      tenant_id: 'evil',
      context: { oauth: { token: { access_token: 'x' } }, org_url: 'https://evil.example.com' },
    });
    expect(created.status).toBe(400);
  });

  it('leaves out application, built-in and support users, and 404s them and non-GUID ids', async () => {
    const rows = sandbox.control.list(['applicationid', 'accessmode', 'fullname']);
    const others = rows.filter((r) => r.applicationid !== null || r.accessmode === 3 || r.accessmode === 4);
    expect(others.map((r) => r.fullname)).toEqual(
      expect.arrayContaining(['SYSTEM', 'INTEGRATION', 'Microsoft Support']),
    );
    expect(others.some((r) => r.applicationid !== null)).toBe(true);
    const walked = await walkPages(server, users('&limit=40'));
    const ids = new Set(walked.map((r) => r.id));
    for (const other of others) expect(ids.has(String(other.systemuserid))).toBe(false);
    expect(walked).toHaveLength(rows.length - others.length);
    const app = others.find((r) => r.applicationid !== null)!;
    expect(
      (
        await server.request(
          'GET',
          `/unified/crm/users/${app.systemuserid}?integrated_account_id=${accountId}`,
        )
      ).status,
    ).toBe(404);
    const calls = sandbox.control.stats().total;
    expect(
      (await server.request('GET', `/unified/crm/users/not-a-guid?integrated_account_id=${accountId}`))
        .status,
    ).toBe(404);
    expect(sandbox.control.stats().total).toBe(calls);
  });

  it('maps Web API dates (Z, whole seconds) and the docs user', async () => {
    const nancy = sandbox.control.list().find((r) => r.fullname === 'Nancy Anderson')!;
    const got = await server.request(
      'GET',
      `/unified/crm/users/${nancy.systemuserid}?integrated_account_id=${accountId}`,
    );
    expect(got.body).toMatchObject({
      name: 'Nancy Anderson',
      email: 'nancy@contoso.com',
      is_active: true,
      created_at: '2019-01-08T08:00:00.000Z',
      updated_at: '2023-01-05T08:00:00.000Z',
    });
  });

  it('asks for pages with Prefer: odata.maxpagesize and follows @odata.nextLink', async () => {
    const first = await server.request('GET', users('&limit=30'));
    expect(first.status).toBe(200);
    expect(first.body.result.length).toBeLessThanOrEqual(30);
    expect(first.body.next_cursor).toBeTruthy();
    const second = await server.request(
      'GET',
      `${users('&limit=30')}&next_cursor=${encodeURIComponent(first.body.next_cursor)}`,
    );
    expect(sandbox.control.listRequests().at(-1)!.$skiptoken).toMatch(/^<cookie pagenumber="2"/);
    const overlap = second.body.result.filter((r: { id: string }) =>
      first.body.result.some((f: { id: string }) => f.id === r.id),
    );
    expect(overlap).toEqual([]);
  });

  it('pushes filters and sorts down as $filter and $orderby', async () => {
    const dates = sandbox.control
      .list(['modifiedon'])
      .map((r) => String(r.modifiedon))
      .sort();
    const cut = dates[Math.floor(dates.length / 3)]!;
    const response = await server.request(
      'GET',
      users(
        `&updated_at[gt]=${encodeURIComponent(cut)}&is_active=true&email[like]=example&sort_by[name]=asc&limit=500`,
      ),
    );
    expect(response.status, response.text).toBe(200);
    expect(response.headers.get('x-switchboard-filters-vendor')).toBe(
      'updated_at[gt],is_active[eq],email[like]',
    );
    expect(sandbox.control.listRequests().at(-1)).toMatchObject({
      $filter: `modifiedon gt ${cut} and isdisabled eq false and contains(internalemailaddress,'example')`,
      $orderby: 'fullname asc,systemuserid asc',
    });
    const rows = response.body.result as Array<{ name: string; updated_at: string; is_active: boolean }>;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.is_active).toBe(true);
      expect(Date.parse(row.updated_at)).toBeGreaterThan(Date.parse(cut));
    }
  });

  it('refreshes with the environment’s scope (Entra refuses a refresh without it)', async () => {
    const before = sandbox.control.oauth.stats().tokenCalls.refresh_token ?? 0;
    sandbox.control.oauth.expireAccessTokens();
    const page = await server.request('GET', users('&limit=5'));
    expect(page.status, page.text).toBe(200);
    expect((sandbox.control.oauth.stats().tokenCalls.refresh_token ?? 0) - before).toBe(1);
  });

  it('passes Dataverse’s 429 on with its Retry-After once the 5-minute limit is spent', async () => {
    const tight = await startDynamicsSandbox({ users: 5, seed: 2, orgUrl: ORG, requestsPer5Minutes: 3 });
    const local = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: tight.url });
    try {
      const id = await link(tight, local);
      let response = await local.request('GET', `/unified/crm/users?integrated_account_id=${id}&limit=2`);
      while (response.status === 200)
        response = await local.request('GET', `/unified/crm/users?integrated_account_id=${id}&limit=2`);
      expect(response.status).toBe(429);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(200);
      expect(response.body).toMatchObject({
        code: 'VENDOR_RATE_LIMITED',
        raw_response: { error: { code: '0x80072322' } },
      });
    } finally {
      await local.close();
      await tight.close();
    }
  });
  it('serves the systemusers proxy with OData paging', async () => {
    const all = await walkPages(server, `/proxy/systemusers?integrated_account_id=${accountId}&limit=50`);
    expect(all).toHaveLength(sandbox.control.list().length);
    const one = await server.request(
      'GET',
      `/proxy/systemusers/${sandbox.userId}?integrated_account_id=${accountId}`,
    );
    expect(one.status, one.text).toBe(200);
    expect(one.body).not.toHaveProperty('@odata.context');
    expect(one.body.systemuserid).toBe(sandbox.userId);
  });
});
