/**
 * Keap's own edge cases against its emulator over real HTTP: second-precision UTC dates, NOT_A_USER
 * records, INVITED users and partners, the filter grammar and `order_by` reaching Keap as its own
 * parameters, the docs' example user, and a dead refresh token answered `invalid_request`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import { type KeapSandbox, startKeapSandbox } from '../../sandboxes/keap/index.ts';

let keap: KeapSandbox;
let server: TestServer;
let keyAccount: string;

const list = (account: string, query = '') => `/unified/crm/users?integrated_account_id=${account}${query}`;

async function link(context: Record<string, unknown>): Promise<string> {
  const created = await server.request('POST', '/integrated-account', {
    integration: 'keap',
    tenant_id: 'acme',
    context: { ...context, api_origin: keap.url },
  });
  expect(created.status, created.text).toBe(201);
  expect(created.body.status, created.body.last_error).toBe('active');
  return created.body.id;
}

beforeAll(async () => {
  keap = await startKeapSandbox({ users: 150, seed: 11, rateLimit: null });
  server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: keap.url });
  keyAccount = await link({ api_key: keap.apiKey });
});
afterAll(async () => {
  await server?.close();
  await keap?.close();
});

describe('Keap crm/users', () => {
  it('maps the docs’ example user, with second-precision dates as ISO 8601 UTC', async () => {
    const got = await server.request('GET', `/unified/crm/users/123?integrated_account_id=${keyAccount}`);
    expect(got.status, got.text).toBe(200);
    expect(got.body).toMatchObject({
      id: '123',
      name: 'John Smith',
      first_name: 'John',
      last_name: 'Smith',
      email: 'john.smith@example.com',
      is_active: true,
      created_at: '2024-05-21T14:30:00.000Z',
      updated_at: '2024-05-21T15:00:00.000Z',
    });
  });

  it('lists inactive users and partners, counts INVITED as inactive and leaves NOT_A_USER records out', async () => {
    const rows = await walkPages(server, list(keyAccount, '&limit=100'));
    const users = keap.control.list();
    expect(rows.map((r) => r.id)).toEqual(users.filter((u) => u.status !== 'NOT_A_USER').map((u) => u.id));
    expect(users.some((u) => u.status === 'NOT_A_USER')).toBe(true);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const status of ['INACTIVE', 'INVITED'] as const) {
      const user = users.find((u) => u.status === status)!;
      expect(byId.get(user.id)?.is_active, status).toBe(false);
    }
    expect(byId.has(users.find((u) => u.partner)!.id)).toBe(true);
    expect(keap.control.listQueries().at(-1)).toMatchObject({
      filter: 'include_inactive==true;include_partners==true',
      page_size: '100',
    });
  });

  it('sends an email filter and a sort as Keap’s filter and order_by, and says Keap applied them', async () => {
    const target = keap.control.list().find((u) => u.status === 'INACTIVE')!;
    const email = target.email_addresses[0]!.email;
    const found = await server.request('GET', list(keyAccount, `&email=${encodeURIComponent(email)}`));
    expect(found.body.result.map((r: { id: string }) => r.id)).toEqual([target.id]);
    expect(found.headers.get('x-switchboard-filters-vendor')).toBe('email[eq]');
    expect(keap.control.listQueries().at(-1)?.filter).toBe(
      `email==${email};include_inactive==true;include_partners==true`,
    );

    const sorted = await server.request('GET', list(keyAccount, '&sort_by=-created_at&limit=5'));
    expect(sorted.status).toBe(200);
    expect(keap.control.listQueries().at(-1)?.order_by).toBe('create_time desc');
    const newest = keap.control
      .list()
      .filter((u) => u.status !== 'NOT_A_USER')
      .sort((a, b) => (a.create_time < b.create_time ? 1 : -1));
    expect(sorted.body.result[0].id).toBe(newest[0]!.id);

    const name = await server.request('GET', list(keyAccount, '&sort_by=name'));
    expect(name.status).toBe(400);
  });

  it('narrows is_active=true to Keap’s default listing and checks INVITED users itself', async () => {
    const active = await walkPages(server, list(keyAccount, '&is_active=true&limit=100'));
    expect(keap.control.listQueries().at(-1)?.filter).toBe('include_partners==true');
    expect(active.every((r) => r.is_active === true)).toBe(true);
    expect(active.map((r) => r.id)).toEqual(
      keap.control
        .list()
        .filter((u) => u.status === 'ACTIVE')
        .map((u) => u.id),
    );
  });

  it('moves an OAuth account whose refresh token Keap calls invalid to needs_reauth', async () => {
    const tokens = keap.control.oauth.issueTokens({ scopes: ['full'] });
    const account = await link({
      oauth: { token: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken } },
    });
    const installed = await server.request('GET', '/environment-integration');
    const id = installed.body.result.find((r: { integration_id: string }) => r.integration_id === 'keap').id;
    await server.request('PATCH', `/environment-integration/${id}`, {
      oauth_app: {
        client_id: keap.oauth.clientId,
        client_secret: keap.oauth.clientSecret,
        authorize_url: keap.oauth.authorizeUrl,
        token_url: keap.oauth.tokenUrl,
      },
    });
    keap.control.oauth.revokeAll();
    const response = await server.request('GET', list(account));
    expect(response.status).toBe(401);
    expect((await server.request('GET', `/integrated-account/${account}`)).body.status).toBe('needs_reauth');
    expect(keap.control.oauth.stats().invalidGrant).toBeGreaterThanOrEqual(1);
  });
});
