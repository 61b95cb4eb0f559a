/**
 * Accelo's own edge cases against its sandbox over real HTTP: the deployment host, filters that reach
 * Accelo (an email only in a JSON body), locked-out staff, staff without dates, rotating refresh tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import { type AcceloSandbox, startAcceloSandbox } from '../../sandboxes/accelo/index.ts';

let sandbox: AcceloSandbox;
let server: TestServer;
let accountId: string;

const users = (query = '') => `/unified/crm/users?integrated_account_id=${accountId}${query}`;

beforeAll(async () => {
  sandbox = await startAcceloSandbox({ staff: 120, seed: 11 });
  server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
  const tokens = sandbox.control.oauth.issueTokens({ scopes: ['read(staff)'] });
  const created = await server.request('POST', '/integrated-account', {
    integration: 'accelo',
    tenant_id: 'planet',
    context: {
      deployment: sandbox.deployment,
      oauth: { token: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken } },
      api_origin: sandbox.url,
    },
  });
  expect(created.status, created.text).toBe(201);
  expect(created.body.status, created.body.last_error).toBe('active');
  accountId = created.body.id;
  const installed = await server.request('GET', '/environment-integration');
  const accelo = installed.body.result.find((r: { integration_id: string }) => r.integration_id === 'accelo');
  const patched = await server.request('PATCH', `/environment-integration/${accelo.id}`, {
    oauth_app: {
      client_id: sandbox.oauth.clientId,
      client_secret: sandbox.oauth.clientSecret,
      authorize_url: sandbox.oauth.authorizeUrl,
      token_url: sandbox.oauth.tokenUrl,
    },
  });
  expect(patched.status, patched.text).toBe(200);
});
afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

describe('accelo crm/users', () => {
  it('refuses a deployment that is not one DNS label, before anything is sent', async () => {
    for (const deployment of ['evil.example.com/x', 'Acme', '-acme']) {
      const created = await server.request('POST', '/integrated-account', {
        integration: 'accelo',
        tenant_id: 'bad',
        context: { deployment, oauth: { token: { access_token: 'x' } } },
      });
      expect(created.status, deployment).toBe(400);
      expect(created.text).not.toContain(deployment);
    }
  });

  it('sends an email filter to Accelo in a JSON body (POST with _method=get), and standing in the same body', async () => {
    const target = sandbox.control.list().find((s) => s.standing === 'active' && s.email)!;
    const before = sandbox.control.listCalls().length;
    const found = await server.request(
      'GET',
      users(`&email=${encodeURIComponent(target.email!)}&is_active=true`),
    );
    expect(found.status, found.text).toBe(200);
    expect(found.body.result.map((r: { id: string }) => r.id)).toEqual([target.id]);
    expect(found.headers.get('x-switchboard-filters-vendor')).toBe('email[eq],is_active[eq]');
    const calls = sandbox.control.listCalls().slice(before);
    expect(calls).toEqual([
      {
        method: 'POST',
        filtersIn: 'body',
        filters: [
          { name: 'email', values: [target.email] },
          { name: 'standing', values: ['active'] },
        ],
        page: 0,
        limit: 100,
      },
    ]);
  });

  it('asks Accelo for inactive and locked-out staff for is_active=false, and maps lockout as inactive', async () => {
    const before = sandbox.control.listCalls().length;
    const rows = await walkPages(server, users('&is_active=false&limit=100'));
    const expected = sandbox.control.list().filter((s) => s.standing !== 'active');
    expect(expected.some((s) => s.standing === 'lockout')).toBe(true);
    expect(rows.map((r) => r.id)).toEqual(expected.map((s) => s.id));
    expect(rows.every((r) => r.is_active === false)).toBe(true);
    expect(sandbox.control.listCalls().slice(before)[0]!.filters).toEqual([
      { name: 'standing', values: ['inactive', 'lockout'] },
    ]);
  });

  it('maps the docs’ sample staff, without dates, and refuses sorting', async () => {
    const rows = await walkPages(server, users('&limit=100'));
    expect(rows.find((r) => r.id === '14')).toMatchObject({
      name: 'Matthew Hughes',
      first_name: 'Matthew',
      last_name: 'Hughes',
      is_active: true,
      created_at: null,
      updated_at: null,
    });
    const sorted = await server.request('GET', users('&sort_by=created_at'));
    expect(sorted.status).toBe(400);
  });

  it('pages with _page from 0 and the largest _limit Accelo allows', async () => {
    const before = sandbox.control.listCalls().length;
    const rows = await walkPages(server, users('&limit=100'));
    expect(rows).toHaveLength(sandbox.control.list().length);
    const calls = sandbox.control.listCalls().slice(before);
    expect(calls.map((c) => [c.page, c.limit])).toEqual([
      [0, 100],
      [1, 100],
    ]);
  });

  it('gets one staff member by the id filter; a non-numeric id is not found without a call', async () => {
    const target = sandbox.control.list()[30]!;
    const got = await server.request(
      'GET',
      `/unified/crm/users/${target.id}?integrated_account_id=${accountId}`,
    );
    expect(got.status, got.text).toBe(200);
    expect(got.body.remote_data).toEqual(target);
    const before = sandbox.control.stats().total;
    const odd = await server.request('GET', `/unified/crm/users/abc?integrated_account_id=${accountId}`);
    expect(odd.status).toBe(404);
    expect(sandbox.control.stats().total).toBe(before);
  });

  it('keeps working across two expiries: the rotated refresh token is the one stored', async () => {
    const before = sandbox.control.oauth.stats().tokenCalls.refresh_token ?? 0;
    for (let round = 0; round < 2; round++) {
      sandbox.control.oauth.expireAccessTokens();
      const response = await server.request('GET', users('&limit=5'));
      expect(response.status, response.text).toBe(200);
    }
    expect((sandbox.control.oauth.stats().tokenCalls.refresh_token ?? 0) - before).toBe(2);
    expect(sandbox.control.oauth.stats().familyRevocations).toBe(0);
  });
});
