/**
 * Pipedrive's own edge cases against its emulator over real HTTP: v1's zone-less dates, deleted users,
 * one unpaged list sliced into unified pages, `/users/find` narrowing an email or name equality (and
 * Switchboard dropping its partial matches), and company hosts pinned to pipedrive.com.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import { type PipedriveSandbox, startPipedriveSandbox } from '../../sandboxes/pipedrive/index.ts';

let sandbox: PipedriveSandbox;
let server: TestServer;
let accountId: string;
const list = (query = '') => `/unified/crm/users?integrated_account_id=${accountId}${query}`;

beforeAll(async () => {
  sandbox = await startPipedriveSandbox({ users: 40, seed: 11, rateLimit: null });
  // A partial match for the email and name equalities below: Pipedrive's search finds it, the filter must not.
  sandbox.control.add({ name: 'John Doerr', email: 'bigjohn@pipedrive.com' });
  server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
  const created = await server.request('POST', '/integrated-account', {
    integration: 'pipedrive',
    tenant_id: 'acme',
    context: { api_token: sandbox.token, api_origin: sandbox.url },
  });
  expect(created.body.status, created.text).toBe('active');
  accountId = created.body.id;
});
afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

describe('pipedrive crm/users', () => {
  it('maps the docs’ example user: zone-less UTC dates to ISO 8601, one name, no invented first/last name', async () => {
    const got = await server.request('GET', `/unified/crm/users/1?integrated_account_id=${accountId}`);
    expect(got.status, got.text).toBe(200);
    expect(got.body).toEqual({
      id: '1',
      name: 'John Doe',
      first_name: null,
      last_name: null,
      email: 'john@pipedrive.com',
      is_active: true,
      created_at: '2018-11-13T09:16:26.000Z',
      updated_at: '2019-11-21T08:45:56.000Z',
      remote_data: sandbox.control.get(1),
    });
  });

  it('marks deactivated and deleted users inactive', async () => {
    const [, , deleted, deactivated] = sandbox.control.list();
    sandbox.control.update(deleted!.id, { active_flag: false, is_deleted: true });
    sandbox.control.update(deactivated!.id, { active_flag: false });
    const rows = await walkPages(server, list('&limit=100'));
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(String(deleted!.id))).toMatchObject({ is_active: false });
    expect(byId.get(String(deactivated!.id))).toMatchObject({ is_active: false });
  });

  it('slices the one unpaged list into pages that keep the limit', async () => {
    sandbox.control.resetStats();
    const rows = await walkPages(server, list('&limit=10'));
    expect(rows.map((r) => r.id)).toEqual(sandbox.control.list().map((u) => String(u.id)));
    // Each unified page reads the list once, without paging parameters Pipedrive would ignore.
    expect(sandbox.control.stats().requests['/api/v1/users']).toBe(Math.ceil(rows.length / 10));
  });

  it('sends an email equality to /users/find (search_by_email=1) and keeps only the exact match', async () => {
    const before = sandbox.control.searches().length;
    const res = await server.request('GET', list('&email=JOHN%40pipedrive.com'));
    expect(res.status, res.text).toBe(200);
    expect(res.body.result.map((r: { id: string }) => r.id)).toEqual(['1']);
    expect(sandbox.control.searches().slice(before)).toEqual([
      { term: 'JOHN@pipedrive.com', searchByEmail: true },
    ]);
    expect(res.headers.get('x-switchboard-filters-local')).toBe('email[eq]');
  });

  it('sends a name equality to /users/find (by name) and keeps only the exact match', async () => {
    const before = sandbox.control.searches().length;
    const res = await server.request('GET', list('&name=john%20doe'));
    expect(res.body.result.map((r: { id: string }) => r.id)).toEqual(['1']);
    expect(sandbox.control.searches().slice(before)).toEqual([{ term: 'john doe', searchByEmail: false }]);
  });

  it('refreshes an OAuth token with Basic client auth and keeps the api_domain of the answer', async () => {
    const tokens = sandbox.control.oauth.issueTokens({ scopes: ['base', 'users:read'] });
    const created = await server.request('POST', '/integrated-account', {
      integration: 'pipedrive',
      tenant_id: 'oauth',
      context: {
        oauth: { token: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken } },
        api_origin: sandbox.url,
      },
    });
    expect(created.body.context.api_domain).toBeUndefined();
    const installed = await server.request('GET', '/environment-integration');
    const entry = installed.body.result.find(
      (r: { integration_id: string }) => r.integration_id === 'pipedrive',
    );
    await server.request('PATCH', `/environment-integration/${entry.id}`, {
      oauth_app: {
        client_id: sandbox.oauth.clientId,
        client_secret: sandbox.oauth.clientSecret,
        token_url: sandbox.oauth.tokenUrl,
      },
    });
    sandbox.control.oauth.expireAccessTokens();
    const before = sandbox.control.oauth.stats().invalidClient;
    const res = await server.request('GET', `/unified/crm/users?integrated_account_id=${created.body.id}`);
    expect(res.status, res.text).toBe(200);
    // The emulator refuses client credentials in the body: the refresh went through with Basic.
    expect(sandbox.control.oauth.stats().invalidClient).toBe(before);
    const account = await server.request('GET', `/integrated-account/${created.body.id}`);
    expect(account.body.context.api_domain).toBe(sandbox.url);
  });

  it('refuses a company host outside pipedrive.com', async () => {
    const created = await server.request('POST', '/integrated-account', {
      integration: 'pipedrive',
      tenant_id: 'evil',
      context: {
        oauth: { token: { access_token: 'x' } },
        api_domain: 'https://pipedrive.com.evil.example',
      },
    });
    expect(created.status).toBeGreaterThanOrEqual(400);
    expect(created.status).toBeLessThan(500);
    expect(created.text).toContain('not a Pipedrive API host');
  });
});
