/**
 * The URLs Switchboard hands out (link_url, vendor callback URLs) use SWITCHBOARD_PUBLIC_URL or, on a loopback
 * listener without one, the listen address: never the Host or X-Forwarded-* headers of the request.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LeadSquaredSandbox, startLeadSquaredSandbox } from '../src/sandboxes/leadsquared/index.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const EVIL = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };

describe('public URL without SWITCHBOARD_PUBLIC_URL', () => {
  let sandbox: LeadSquaredSandbox;
  let server: TestServer;

  beforeAll(async () => {
    sandbox = await startLeadSquaredSandbox({ users: 30, seed: 3, rateLimit: false, asyncDelayMs: 10 });
    // TRUST_PROXY on: even forwarded headers from a trusted proxy do not steer the URLs handed out.
    server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url, TRUST_PROXY: 'true' });
  });
  afterAll(async () => {
    await server?.close();
    await sandbox?.close();
  });

  async function post(path: string, body: unknown) {
    const response = await request(`${server.url}${path}`, {
      method: 'POST',
      headers: { ...EVIL, authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
  }

  it('serves on 127.0.0.1 and builds link_url from the listen address, not the Host header', async () => {
    const port = new URL(server.url).port;
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
    const created = await post('/link-token', { tenant_id: 'acme', integration: 'leadsquared' });
    expect(created.status).toBe(201);
    expect(created.body['link_url']).toBe(
      `http://127.0.0.1:${port}/connect#link_token=${encodeURIComponent(String(created.body['link_token']))}`,
    );
  });

  it('gives the vendor a callback URL on the listen address, not the Host header', async () => {
    const account = await post('/integrated-account', {
      integration: 'leadsquared',
      tenant_id: 'acme',
      context: { access_key: sandbox.accessKey, secret_key: sandbox.secretKey, api_host: sandbox.url },
    });
    expect(account.body['status']).toBe('active');
    const q = `integrated_account_id=${account.body['id']}`;
    const group = await post(`/unified/user-directory/groups?${q}`, { name: 'Callbacks', description: 'x' });
    expect(group.status).toBe(201);
    const user = [...sandbox.control.users()].find((u) => u.StatusCode === 0 && u.Role === 'Sales_User')!;
    const added = await post(`/unified/user-directory/groups/add-user?${q}`, {
      group_id: group.body['id'],
      user_id: user.UserId,
    });
    expect(added.status).toBe(200);
    const { vendor_request_id } = added.body['result'] as { vendor_request_id: string };
    const callbackUrl = sandbox.control.request(vendor_request_id)?.CallbackURL;
    expect(callbackUrl).toMatch(new RegExp(`^${server.url}/callbacks/async/cb_`));
    await sandbox.control.settle();
  });
});
