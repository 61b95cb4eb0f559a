/**
 * OAuth tokens kept fresh on one instance, against the HubSpot emulator: a token about to expire is
 * refreshed before the call (the vendor never sees the old one refused); rotating refresh tokens are
 * persisted (a second refresh works); `POST /integrated-account/refresh-credentials` forces one; the
 * keep-alive job refreshes accounts idle for a day and leaves fresh ones alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubSpotSandbox, startHubSpotSandbox } from '../src/sandboxes/hubspot/index.ts';
import { openContext, sealContext } from '../src/store/integrated-accounts.ts';
import { startTestServer, type TestServer } from './support/server.ts';

describe('OAuth refresh on one instance', () => {
  let hubspot: HubSpotSandbox;
  let server: TestServer;

  beforeAll(async () => {
    hubspot = await startHubSpotSandbox({ owners: 10, seed: 3, rateLimit: null });
    hubspot.control.oauth.setSettings({ refreshTokens: 'rotating' });
    server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: hubspot.url });
    const installed = await server.request('GET', '/environment-integration?integration_id=hubspot');
    await server.request('PATCH', `/environment-integration/${installed.body.result[0].id}`, {
      oauth_app: {
        client_id: hubspot.oauth.clientId,
        client_secret: hubspot.oauth.clientSecret,
        token_url: hubspot.oauth.tokenUrl,
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await hubspot?.close();
  });

  const refreshes = () => hubspot.control.oauth.stats().tokenCalls.refresh_token ?? 0;

  /** Rewrites the stored token's expiry (no API writes it) with the server's own keyring. */
  async function expireStoredTokenIn(id: string, seconds: number): Promise<void> {
    const { db, keyring } = server.services;
    const row = await db
      .selectFrom('integrated_accounts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const context = openContext(keyring, row);
    (context['oauth'] as { token: Record<string, unknown> }).token['expires_at'] = new Date(
      Date.now() + seconds * 1000,
    ).toISOString();
    const sealed = sealContext(keyring, context, new Set(['oauth']));
    await db
      .updateTable('integrated_accounts')
      .set({ secret_context: sealed.secret_context })
      .where('id', '=', id)
      .execute();
  }

  /** An account with imported tokens expiring `expiresInSeconds` from now (by the emulator and the context). */
  async function account(expiresInSeconds: number, tenant: string) {
    const issued = hubspot.control.oauth.issueTokens({ accessExpiresIn: expiresInSeconds });
    const created = await server.request('POST', '/integrated-account', {
      integration: 'hubspot',
      tenant_id: tenant,
      context: {
        api_origin: hubspot.url,
        oauth: {
          token: {
            access_token: issued.accessToken,
            refresh_token: issued.refreshToken,
            expires_at: new Date(Date.now() + expiresInSeconds * 1000).toISOString(),
          },
        },
      },
    });
    expect(created.status, created.text).toBe(201);
    return { id: created.body.id as string, issued };
  }

  it('refreshes imported tokens that have expired before linking them', async () => {
    const before = refreshes();
    const { id } = await account(-60, 'expired-import');
    expect(refreshes() - before).toBe(1);
    expect((await server.request('GET', `/integrated-account/${id}`)).body.status).toBe('active');
  });

  it('refreshes a token that expires within the buffer before calling, so the vendor never refuses it', async () => {
    const { id, issued } = await account(3600, 'soon');
    await expireStoredTokenIn(id, 300);
    const before = refreshes();
    const unauthorizedBefore = hubspot.control.stats().unauthorized;
    const response = await server.request('GET', `/unified/crm/users?integrated_account_id=${id}&limit=2`);
    expect(response.status, response.text).toBe(200);
    expect(refreshes() - before).toBe(1);
    expect(hubspot.control.stats().unauthorized).toBe(unauthorizedBefore);
    // Rotating refresh tokens: the first one is spent, the new one was stored.
    expect(hubspot.control.oauth.refreshTokenState(issued.refreshToken!)).toBe('rotated');
    const forced = await server.request('POST', '/integrated-account/refresh-credentials', { id });
    expect(forced.status, forced.text).toBe(200);
    expect(forced.body).toEqual({ success: true });
    expect(refreshes() - before).toBe(2);
    expect(forced.text + server.logs()).not.toContain(issued.refreshToken!);
  });

  it('makes a call that arrives during a refresh wait for it instead of sending the stale token', async () => {
    const { id } = await account(3600, 'mid-refresh');
    hubspot.control.oauth.setSettings({ tokenLatencyMs: 400 });
    try {
      hubspot.control.oauth.expireAccessTokens();
      const unauthorizedBefore = hubspot.control.stats().unauthorized;
      const before = refreshes();
      const list = () => server.request('GET', `/unified/crm/users?integrated_account_id=${id}&limit=2`);
      const first = list();
      // The first call has been refused and its refresh is waiting on the slow token endpoint.
      await expect.poll(() => hubspot.control.stats().unauthorized).toBe(unauthorizedBefore + 1);
      const second = await list();
      expect(second.status, second.text).toBe(200);
      expect((await first).status).toBe(200);
      expect(hubspot.control.stats().unauthorized - unauthorizedBefore).toBe(1);
      expect(refreshes() - before).toBe(1);
    } finally {
      hubspot.control.oauth.setSettings({ tokenLatencyMs: 0 });
    }
  });

  it('leaves a fresh token alone', async () => {
    const { id } = await account(3600, 'fresh');
    const before = refreshes();
    expect(
      (await server.request('GET', `/unified/crm/users?integrated_account_id=${id}&limit=2`)).status,
    ).toBe(200);
    expect(refreshes()).toBe(before);
  });

  it('refuses refresh-credentials for an API-key account and an unknown one', async () => {
    const keyed = await server.request('POST', '/integrated-account', {
      integration: 'hubspot',
      tenant_id: 'keys',
      context: { access_token: hubspot.token, api_origin: hubspot.url },
    });
    const response = await server.request('POST', '/integrated-account/refresh-credentials', {
      id: keyed.body.id,
    });
    expect(response.status).toBe(400);
    expect(
      (await server.request('POST', '/integrated-account/refresh-credentials', { id: 'nope' })).status,
    ).toBe(404);
    expect((await server.request('POST', '/integrated-account/refresh-credentials', {})).status).toBe(400);
  });

  it('keeps idle accounts alive: refreshes those untouched for a day, not the others', async () => {
    const idle = await account(3600, 'idle');
    const busy = await account(3600, 'busy');
    await server.services.db
      .updateTable('integrated_accounts')
      .set({ credentials_refreshed_at: new Date(Date.now() - 26 * 3600 * 1000).toISOString() })
      .where('id', '=', idle.id)
      .execute();
    const before = refreshes();
    expect(await server.keepAlive.run()).toBeGreaterThanOrEqual(1);
    expect(refreshes() - before).toBeGreaterThanOrEqual(1);
    const rows = await server.services.db
      .selectFrom('integrated_accounts')
      .select(['id', 'credentials_refreshed_at'])
      .where('id', 'in', [idle.id, busy.id])
      .execute();
    const at = Object.fromEntries(rows.map((r) => [r.id, Date.parse(r.credentials_refreshed_at!)]));
    expect(Date.now() - at[idle.id]!).toBeLessThan(60_000);
    expect(await server.keepAlive.run()).toBe(0);
    expect(
      (await server.request('GET', `/unified/crm/users?integrated_account_id=${idle.id}&limit=1`)).status,
    ).toBe(200);
  });
});
