/**
 * Wix's own edge cases, through Switchboard against the Wix sandbox over real HTTP: client-credentials
 * tokens minted again before they expire (JSON request, the account's instance id), team accounts left
 * out, joining dates as created_at, the invited email as a fallback, no pushdown, and a 403 for an API key
 * that cannot reach the site (a permission problem, not dead credentials).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import { startWixSandbox, type WixContributor, type WixSandbox } from '../../sandboxes/wix/index.ts';

async function linkApp(sandbox: WixSandbox, server: TestServer, token: Record<string, string>) {
  const created = await server.request('POST', '/integrated-account', {
    integration: 'wix',
    tenant_id: 'acme',
    context: { oauth: { token }, instance_id: sandbox.instanceId, api_origin: sandbox.url },
  });
  expect(created.body.status, created.text).toBe('active');
  const installed = await server.request('GET', '/environment-integration');
  const row = installed.body.result.find((r: { integration_id: string }) => r.integration_id === 'wix');
  const patched = await server.request('PATCH', `/environment-integration/${row.id}`, {
    oauth_app: {
      client_id: sandbox.app.appId,
      client_secret: sandbox.app.appSecret,
      token_url: sandbox.app.tokenUrl,
    },
  });
  expect(patched.status, patched.text).toBe(200);
  return created.body.id as string;
}

describe('wix: app tokens', () => {
  it('mints a new token with the app’s client credentials before the four-hour one expires', async () => {
    const sandbox = await startWixSandbox({ contributors: 6, seed: 2, rateLimit: null });
    const server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
    try {
      // A token that expires within Switchboard's 15-minute buffer: the next call gets a new one first.
      const issued = sandbox.control.issueToken({ accessExpiresIn: 300 });
      const accountId = await linkApp(sandbox, server, {
        access_token: issued.accessToken,
        expires_at: new Date(issued.accessExpiresAt!).toISOString(),
      });
      const before = sandbox.control.stats().unauthorized;
      const response = await server.request('GET', `/unified/crm/users?integrated_account_id=${accountId}`);
      expect(response.status, response.text).toBe(200);
      expect(sandbox.control.oauth.stats().tokenCalls.client_credentials).toBe(1);
      expect(sandbox.control.stats().unauthorized).toBe(before);
      const again = await server.request('GET', `/unified/crm/users?integrated_account_id=${accountId}`);
      expect(again.status).toBe(200);
      expect(sandbox.control.oauth.stats().tokenCalls.client_credentials).toBe(1);
    } finally {
      await server.close();
      await sandbox.close();
    }
  });
});

describe('wix: contributors as CRM users', () => {
  let sandbox: WixSandbox;
  let server: TestServer;
  let accountId: string;
  const users = (query = '') => `/unified/crm/users?integrated_account_id=${accountId}${query}`;
  beforeAll(async () => {
    sandbox = await startWixSandbox({ contributors: 30, seed: 8, rateLimit: null });
    server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
    const created = await server.request('POST', '/integrated-account', {
      integration: 'wix',
      tenant_id: 'acme',
      context: { api_key: sandbox.apiKey, site_id: sandbox.siteId, api_origin: sandbox.url },
    });
    expect(created.body.status, created.text).toBe('active');
    accountId = created.body.id;
  });
  afterAll(async () => {
    await server?.close();
    await sandbox?.close();
  });

  it('maps contributors, leaving team accounts out, with joinedAt as created_at', async () => {
    const all = await walkPages(server, users('&limit=100'));
    const teams = sandbox.control.list().filter((c) => c.isTeam);
    expect(teams.length).toBeGreaterThan(0);
    expect(all).toHaveLength(sandbox.control.list().length - teams.length);
    for (const team of teams) {
      expect(all.map((r) => r.id)).not.toContain(team.id);
      const got = await server.request(
        'GET',
        `/unified/crm/users/${team.id}?integrated_account_id=${accountId}`,
      );
      expect(got.status).toBe(404);
    }
    const owner = sandbox.control.list()[0]!;
    expect(all.find((r) => r.id === owner.id)).toEqual({
      id: owner.id,
      name: owner.metaData.fullName,
      email: owner.metaData.email,
      is_active: true,
      created_at: owner.joinedAt,
      updated_at: null,
      remote_data: owner,
    });
  });

  it('falls back to the invited email when Wix gives no account email', async () => {
    const invited: WixContributor = {
      id: '5b0f1d6e-2c3a-4e8b-9f1a-7d6c5b4a3e21',
      metaData: { id: '5b0f1d6e-2c3a-4e8b-9f1a-7d6c5b4a3e21', fullName: 'Ines Ferreira', assignments: [] },
      isTeam: false,
      invitedEmail: 'ines@example.com',
      isClient: true,
      joinedAt: '2024-02-03T04:05:06.789Z',
    };
    sandbox.control.add(invited);
    const got = await server.request(
      'GET',
      `/unified/crm/users/${invited.id}?integrated_account_id=${accountId}`,
    );
    expect(got.status, got.text).toBe(200);
    expect(got.body).toMatchObject({ email: 'ines@example.com', created_at: '2024-02-03T04:05:06.789Z' });
    sandbox.control.remove(invited.id);
  });

  it('applies every filter itself (Wix filters by role and location only) and refuses sorting', async () => {
    const target = sandbox.control.list()[4]!;
    const byEmail = await server.request(
      'GET',
      users(`&email=${encodeURIComponent(target.metaData.email!)}`),
    );
    expect(byEmail.body.result.map((r: { id: string }) => r.id)).toEqual([target.id]);
    expect(byEmail.headers.get('x-switchboard-filters-vendor') ?? '').toBe('');
    expect(byEmail.headers.get('x-switchboard-filters-local')).toContain('email');
    expect((await server.request('GET', users('&sort_by[name]=asc'))).status).toBe(400);
  });

  it('answers an API key that cannot reach the site with 403, keeping the account active', async () => {
    const other = await server.request('POST', '/integrated-account', {
      integration: 'wix',
      tenant_id: 'other-site',
      context: {
        api_key: sandbox.apiKey,
        site_id: '00000000-0000-4000-8000-000000000000',
        api_origin: sandbox.url,
      },
    });
    expect(other.status, other.text).toBe(201);
    const refused = await server.request('GET', `/unified/crm/users?integrated_account_id=${other.body.id}`);
    expect(refused.status).toBe(403);
    expect(refused.body.raw_response).toMatchObject({
      details: { applicationError: { code: 'PERMISSION_DENIED' } },
    });
    const account = await server.request('GET', `/integrated-account/${other.body.id}`);
    expect(account.body.status).not.toBe('needs_reauth');
  });
});
