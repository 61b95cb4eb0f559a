/**
 * No caller can move an account's credentials to another host (review findings 1 and 6): whatever a
 * caller puts in a `/custom` or `/proxy` path — protocol-relative paths, backslashes, encoded slashes,
 * dot segments, double encoding — the final URL of every upstream request keeps the account's origin
 * and stays under the integration's base path, or the request is refused with 400 before any byte
 * leaves. Listeners at the attacker's addresses prove that nothing reached them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubSpotSandbox, startHubSpotSandbox } from '../src/sandboxes/hubspot/index.ts';
import { type LeadSquaredSandbox, startLeadSquaredSandbox } from '../src/sandboxes/leadsquared/index.ts';
import { type Listener, rawRequest, startRecordingListener } from './support/raw-http.ts';
import { startTestServer, type TestServer } from './support/server.ts';

describe('the upstream origin guard', () => {
  let hubspot: HubSpotSandbox;
  let leadsquared: LeadSquaredSandbox;
  let attacker: Listener;
  let attacker6: Listener;
  let redirector: Listener;
  let server: TestServer;
  let hubspotAccount: string;
  let lsqAccount: string;

  beforeAll(async () => {
    hubspot = await startHubSpotSandbox({ owners: 20, rateLimit: null });
    leadsquared = await startLeadSquaredSandbox({ users: 20, seed: 3, rateLimit: false });
    attacker = await startRecordingListener('127.0.0.1');
    attacker6 = await startRecordingListener('::1');
    redirector = await startRecordingListener('127.0.0.1', (response) =>
      response.writeHead(302, { location: `${attacker.url}/stolen` }).end(),
    );
    server = await startTestServer({
      SWITCHBOARD_ALLOW_UPSTREAM: `${hubspot.url},${leadsquared.url}`,
    });
    const hs = await server.request('POST', '/integrated-account', {
      integration: 'hubspot',
      tenant_id: 'acme',
      context: { access_token: hubspot.token, api_origin: hubspot.url },
    });
    expect(hs.body.status).toBe('active');
    hubspotAccount = hs.body.id;
    const lsq = await server.request('POST', '/integrated-account', {
      integration: 'leadsquared',
      tenant_id: 'acme',
      context: {
        access_key: leadsquared.accessKey,
        secret_key: leadsquared.secretKey,
        api_host: leadsquared.url,
      },
    });
    expect(lsq.body.status).toBe('active');
    lsqAccount = lsq.body.id;
  });
  afterAll(async () => {
    await server?.close();
    await hubspot?.close();
    await leadsquared?.close();
    await attacker?.close();
    await attacker6?.close();
    await redirector?.close();
  });

  const auth = () => ({ authorization: `Bearer ${server.token}` });

  it('refuses /custom paths that would leave the account origin (finding 1), sending nothing', async () => {
    const port = attacker.port;
    const port6 = attacker6.port;
    const targets = [
      `/custom//127.0.0.1:${port}/steal`,
      `/custom/%2F127.0.0.1:${port}/steal`,
      `/custom/%2f%2f127.0.0.1:${port}/steal`,
      `/custom/\\127.0.0.1:${port}/steal`,
      `/custom/\\\\127.0.0.1:${port}/steal`,
      `/custom/%5C127.0.0.1:${port}/steal`,
      `/custom/%5c%5c127.0.0.1:${port}/steal`,
      `/custom//[::1]:${port6}/steal`,
      `/custom/%2F%2F[::1]:${port6}/steal`,
      `/custom/http://127.0.0.1:${port}/steal`,
      `/custom/http:%2F%2F127.0.0.1:${port}/steal`,
    ];
    for (const target of targets) {
      for (const method of ['GET', 'POST']) {
        const response = await rawRequest(
          server.url,
          method,
          `${target}?integrated_account_id=${hubspotAccount}`,
          { ...auth(), ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
          method === 'POST' ? '{}' : undefined,
        );
        expect(response.status, `${method} ${target}: ${response.text}`).toBe(400);
        expect(response.body).toMatchObject({ statusCode: 400, code: 'UPSTREAM_PATH_NOT_ALLOWED' });
        expect(response.text).not.toContain(hubspot.token);
      }
    }
    // A path is assigned, never parsed as a URL: "@host" stays a path segment on the vendor's origin.
    for (const target of [`/custom/@127.0.0.1:${port}/steal`, `/custom/%40127.0.0.1:${port}/steal`]) {
      const response = await rawRequest(
        server.url,
        'GET',
        `${target}?integrated_account_id=${hubspotAccount}`,
        auth(),
      );
      expect(response.status, target).toBe(404);
      expect(response.body.raw_response).toMatchObject({ message: 'resource not found' });
    }
    expect(attacker.received).toEqual([]);
    expect(attacker6.received).toEqual([]);
  });

  it('refuses /custom paths that climb out of the base path (finding 6)', async () => {
    const before = leadsquared.control.stats().total_requests;
    for (const target of [
      '/custom/%5c..%5c..%5coutside',
      '/custom/..%5c..%5coutside',
      '/custom/%252e%252e/x',
      '/custom/%2e%2e/x',
      '/custom/%2E%2E%2Fx',
      '/custom/UserManagement.svc/../../outside',
      '/custom/UserManagement.svc/%2e%2e/%2e%2e/outside',
      '/custom/.%2e/x',
      '/custom/UserManagement.svc//Users.Get',
    ]) {
      const response = await rawRequest(
        server.url,
        'GET',
        `${target}?integrated_account_id=${lsqAccount}`,
        auth(),
      );
      expect(response.status, `${target}: ${response.text}`).toBe(400);
      expect(response.body.code, target).toBe('UPSTREAM_PATH_NOT_ALLOWED');
    }
    // A NUL is refused before routing (no database or vendor takes one).
    const nul = await rawRequest(
      server.url,
      'GET',
      `/custom/UserManagement.svc/%00/Users.Get?integrated_account_id=${lsqAccount}`,
      auth(),
    );
    expect(nul.status).toBe(400);
    expect(leadsquared.control.stats().total_requests).toBe(before);
  });

  it('still serves ordinary custom paths under the base path', async () => {
    const ok = await rawRequest(
      server.url,
      'GET',
      `/custom/UserManagement.svc/Users.Get?integrated_account_id=${lsqAccount}`,
      auth(),
    );
    expect(ok.status, ok.text).toBe(200);
    expect(Array.isArray(ok.body.result)).toBe(true);
    const owner = await rawRequest(
      server.url,
      'GET',
      `/custom/crm/v3/owners?limit=2&integrated_account_id=${hubspotAccount}`,
      auth(),
    );
    expect(owner.status, owner.text).toBe(200);
    expect(owner.body.result.results).toHaveLength(2);
  });

  it('keeps proxy ids in their path segment', async () => {
    for (const id of ['..%2F..%2Fsteal', '%2F%2F127.0.0.1', '..']) {
      const response = await rawRequest(
        server.url,
        'GET',
        `/proxy/owners/${id}?integrated_account_id=${hubspotAccount}`,
        auth(),
      );
      expect(response.status, `${id}: ${response.text}`).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    }
    expect(attacker.received).toEqual([]);
  });

  it('does not follow a redirect away from the account origin', async () => {
    // An operator-allowed origin that answers with a redirect to the attacker: the credentials stay put.
    const redirecting = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: redirector.url });
    try {
      const created = await redirecting.request('POST', '/integrated-account', {
        integration: 'hubspot',
        tenant_id: 'acme',
        context: { access_token: 'pat-na1-redirect-test', api_origin: redirector.url },
      });
      expect(created.status).toBe(201);
      const id = created.body.id;
      redirector.received.length = 0;
      const response = await redirecting.request('GET', `/custom/crm/v3/owners?integrated_account_id=${id}`);
      expect(response.status).toBeLessThan(500);
      expect(redirector.received.map((r) => r.url)).toEqual(['/crm/v3/owners']);
    } finally {
      await redirecting.close();
    }
    expect(attacker.received).toEqual([]);
  });
});
