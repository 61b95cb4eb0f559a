/**
 * A vendor-only filter (`search_term`, Truto's Salesflare free-text search) is refused with 400 by an
 * integration that cannot push it down, instead of being guessed at locally; the meta route says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubSpotSandbox, startHubSpotSandbox } from '../src/sandboxes/hubspot/index.ts';
import { startTestServer, type TestServer } from './support/server.ts';

describe('vendor-only filters', () => {
  let sandbox: HubSpotSandbox;
  let server: TestServer;
  let accountId: string;

  beforeAll(async () => {
    sandbox = await startHubSpotSandbox({ owners: 5, seed: 3, rateLimit: null });
    server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
    const created = await server.request('POST', '/integrated-account', {
      integration: 'hubspot',
      tenant_id: 'acme',
      context: { access_token: sandbox.token, api_origin: sandbox.url },
    });
    expect(created.body.status).toBe('active');
    accountId = created.body.id;
  });
  afterAll(async () => {
    await server?.close();
    await sandbox?.close();
  });

  it('refuses search_term where the vendor cannot search, before calling the vendor', async () => {
    sandbox.control.resetStats();
    const response = await server.request(
      'GET',
      `/unified/crm/users?integrated_account_id=${accountId}&search_term=ada`,
    );
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('UNSUPPORTED_FILTER');
    expect(response.body.message).toContain('search_term');
    expect(sandbox.control.stats().requests['/crm/v3/owners'] ?? 0).toBe(0);
  });

  it('leaves it out of the meta route, which lists only filters this integration can take', async () => {
    const meta = await server.request('GET', '/unified/crm/users/hubspot/meta/list');
    expect(meta.body.query_schema).not.toHaveProperty('search_term');
    expect(meta.body.query_schema.email.applied_by).toContain('vendor');
  });
});
