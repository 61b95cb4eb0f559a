/**
 * Linking by OAuth 2.0 through the connect endpoints, against the HubSpot emulator's authorization server
 * (its consent page answered over HTTP as a browser would): authorization code with PKCE and a single-use
 * state bound to the link token, the token exchange, validation, the account; a denied consent; a revoked
 * refresh token → needs_reauth, the webhook, 401 ACCOUNT_NEEDS_REAUTH, then a reconnect through a link
 * token restores `active` with the same id. The browser version is in connect-oauth-browser.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubSpotSandbox, startHubSpotSandbox } from '../src/sandboxes/hubspot/index.ts';
import { authorize } from '../src/sandboxes/kit/testing.ts';
import { type Listener, startRecordingListener } from './support/raw-http.ts';
import { startTestServer, type TestServer } from './support/server.ts';

describe('linking HubSpot by OAuth', () => {
  let hubspot: HubSpotSandbox;
  let server: TestServer;
  let receiver: Listener;

  beforeAll(async () => {
    hubspot = await startHubSpotSandbox({ owners: 30, seed: 5, rateLimit: null });
    receiver = await startRecordingListener();
    server = await startTestServer({
      SWITCHBOARD_ALLOW_UPSTREAM: hubspot.url,
      SWITCHBOARD_ALLOW_WEBHOOK_TARGETS: receiver.url,
      SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE: '100ms',
    });
    const installed = await server.request('GET', '/environment-integration?integration_id=hubspot');
    const id = installed.body.result[0].id;
    const patched = await server.request('PATCH', `/environment-integration/${id}`, {
      oauth_app: {
        client_id: hubspot.oauth.clientId,
        client_secret: hubspot.oauth.clientSecret,
        authorize_url: hubspot.oauth.authorizeUrl,
        token_url: hubspot.oauth.tokenUrl,
      },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.oauth_app).toMatchObject({
      client_id: hubspot.oauth.clientId,
      client_secret_set: true,
    });
    expect(patched.text).not.toContain(hubspot.oauth.clientSecret);
    const hook = await server.request('POST', '/webhook', {
      target_url: `${receiver.url}/hooks`,
      event_types: ['integrated_account:authentication_error'],
    });
    expect(hook.status, hook.text).toBe(201);
  });
  afterAll(async () => {
    await server?.close();
    await hubspot?.close();
    await receiver?.close();
  });

  async function linkToken(body: Record<string, unknown>) {
    const created = await server.request('POST', '/link-token', body);
    expect(created.status, created.text).toBe(201);
    return created.body.link_token as string;
  }

  // biome-ignore lint/suspicious/noExplicitAny: whatever JSON the server answered
  type Json = any;

  async function post(path: string, token: string, body: unknown): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  /** Start → consent → callback → the page's handle → the outcome. */
  async function connect(token: string, decision: 'allow' | 'deny' = 'allow') {
    const started = await post('/connect/oauth/start', token, { integration: 'hubspot' });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const authorizeUrl = new URL(started.body.authorize_url);
    const back = await authorize(authorizeUrl.href, decision);
    const callback = await fetch(back, { redirect: 'manual' });
    expect(callback.status).toBe(303);
    const location = callback.headers.get('location')!;
    const handle = new URLSearchParams(location.split('#')[1]).get('oauth_result')!;
    const result = await fetch(`${server.url}/connect/oauth/result`, {
      headers: { authorization: `Bearer ${handle}` },
    });
    const body: Json = await result.json();
    return { authorizeUrl, back, callback: location, status: result.status, body };
  }

  it('asks HubSpot with PKCE and a state, exchanges the code, validates, and links an active account', async () => {
    const token = await linkToken({
      tenant_id: 'oauth',
      integration: 'hubspot',
      context: { api_origin: hubspot.url },
    });
    const linked = await connect(token);
    expect(linked.authorizeUrl.origin).toBe(hubspot.url);
    expect(Object.fromEntries(linked.authorizeUrl.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: hubspot.oauth.clientId,
      redirect_uri: `${server.url}/connect/oauth/callback`,
      scope: 'crm.objects.owners.read',
      code_challenge_method: 'S256',
    });
    expect(linked.callback).toMatch(/^\/connect#oauth_result=/);
    expect(linked.status, JSON.stringify(linked.body)).toBe(201);
    expect(linked.body).toMatchObject({
      integration: 'hubspot',
      reconnected: false,
      integration_label: 'HubSpot',
    });
    const account = await server.request('GET', `/integrated-account/${linked.body.integrated_account_id}`);
    expect(account.body).toMatchObject({
      status: 'active',
      context: { authentication_method: 'oauth2', hub_id: String(hubspot.hubId) },
    });
    expect(account.body.secret_context_fields).toContain('oauth');
    expect(account.text).not.toMatch(/access_token"\s*:\s*"/);
    const users = await server.request(
      'GET',
      `/unified/crm/users?integrated_account_id=${linked.body.integrated_account_id}&limit=5`,
    );
    expect(users.status, users.text).toBe(200);
    expect(users.body.result).toHaveLength(5);
    // The state was single use: replaying the vendor's redirect changes nothing.
    const replay = await fetch(linked.back, { redirect: 'manual' });
    expect(replay.status).toBe(400);
    expect(server.logs()).not.toContain(linked.back.searchParams.get('code')!);
  });

  it('reports a denied consent and keeps the link token usable', async () => {
    const token = await linkToken({
      tenant_id: 'denied',
      integration: 'hubspot',
      context: { api_origin: hubspot.url },
    });
    const denied = await connect(token, 'deny');
    expect(denied.status).toBe(422);
    expect(denied.body.details).toMatchObject({ error_type: 'validation_error', reason: 'access_denied' });
    expect((await server.request('GET', '/integrated-account?tenant_id=denied')).body.result).toEqual([]);
    const again = await connect(token);
    expect(again.status, JSON.stringify(again.body)).toBe(201);
  });

  it('a revoked refresh token → needs_reauth, the webhook, 401s; a reconnect restores it with the same id', async () => {
    const token = await linkToken({
      tenant_id: 'revoked',
      integration: 'hubspot',
      context: { api_origin: hubspot.url },
    });
    const linked = await connect(token);
    const id = linked.body.integrated_account_id as string;
    hubspot.control.oauth.revokeAll();
    const failed = await server.request('GET', `/unified/crm/users?integrated_account_id=${id}`);
    expect(failed.status, failed.text).toBe(401);
    expect(failed.body.code).toBe('ACCOUNT_NEEDS_REAUTH');
    const account = await server.request('GET', `/integrated-account/${id}`);
    expect(account.body.status).toBe('needs_reauth');
    const refreshesBefore = hubspot.control.oauth.stats().tokenCalls.refresh_token ?? 0;
    const again = await server.request('GET', `/unified/crm/users?integrated_account_id=${id}`);
    expect(again.body.code).toBe('ACCOUNT_NEEDS_REAUTH');
    expect(hubspot.control.oauth.stats().tokenCalls.refresh_token ?? 0).toBe(refreshesBefore);
    await expect
      .poll(() => receiver.received.map((r) => JSON.parse(r.body).event), { timeout: 10_000 })
      .toContain('integrated_account:authentication_error');
    const delivered = JSON.parse(
      receiver.received.find((r) => r.body.includes('authentication_error'))!.body,
    );
    expect(delivered.payload.id).toBe(id);

    const reconnect = await linkToken({ integrated_account_id: id, context: { api_origin: hubspot.url } });
    const relinked = await connect(reconnect);
    expect(relinked.status, JSON.stringify(relinked.body)).toBe(200);
    expect(relinked.body).toMatchObject({ integrated_account_id: id, reconnected: true });
    expect((await server.request('GET', `/integrated-account/${id}`)).body.status).toBe('active');
    expect(
      (await server.request('GET', `/unified/crm/users?integrated_account_id=${id}&limit=2`)).status,
    ).toBe(200);
  });

  it('says when the environment has no OAuth app for the integration', async () => {
    const fresh = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: hubspot.url });
    try {
      const created = await fresh.request('POST', '/link-token', { tenant_id: 't', integration: 'hubspot' });
      const response = await fetch(`${fresh.url}/connect/oauth/start`, {
        method: 'POST',
        headers: { authorization: `Bearer ${created.body.link_token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(response.status).toBe(422);
      expect(((await response.json()) as Json).details).toMatchObject({ reason: 'not_configured' });
    } finally {
      await fresh.close();
    }
  });
});
