/**
 * The unified engine over a second integration (HubSpot CRM owners, its own sandbox over HTTP): the same
 * crm/users contract as LeadSquared, with nothing HubSpot-specific outside `src/integrations/hubspot/`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubSpotSandbox, startHubSpotSandbox } from '../src/sandboxes/hubspot/index.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { walkPages } from './support/unified.ts';

describe('unified crm/users over HubSpot', () => {
  let sandbox: HubSpotSandbox;
  let server: TestServer;
  let accountId: string;

  beforeAll(async () => {
    sandbox = await startHubSpotSandbox({ owners: 450, seed: 7, rateLimit: null });
    sandbox.control.add({ firstName: 'Support', lastName: 'Queue', type: 'QUEUE' });
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

  const people = () =>
    [...sandbox.control.list({ archived: false }), ...sandbox.control.list({ archived: true })].filter(
      (o) => o.type !== 'QUEUE',
    );

  it('walks every owner, active then archived, exactly once, skipping queues', async () => {
    const records = await walkPages(
      server,
      `/unified/crm/users?integrated_account_id=${accountId}&limit=100`,
    );
    const expected = people();
    expect(records.map((r) => r.id)).toEqual(expected.map((o) => o.id));
    const archived = expected.find((o) => o.archived)!;
    expect(records.find((r) => r.id === archived.id)).toMatchObject({
      is_active: false,
      remote_data: { archived: true },
    });
    const sample = expected.find((o) => !o.archived)!;
    expect(records.find((r) => r.id === sample.id)).toMatchObject({
      name: `${sample.firstName} ${sample.lastName}`,
      email: sample.email,
      is_active: true,
      created_at: sample.createdAt,
      updated_at: sample.updatedAt,
    });
  });

  it('pushes email and is_active down, applies dates locally, refuses sorting', async () => {
    const target = people()[10]!;
    const byEmail = await server.request(
      'GET',
      `/unified/crm/users?integrated_account_id=${accountId}&email=${target.email}`,
    );
    expect(byEmail.body.result.map((r: { id: string }) => r.id)).toEqual([target.id]);
    expect(byEmail.headers.get('x-switchboard-filters-vendor')).toBe('email[eq]');

    const inactive = await walkPages(
      server,
      `/unified/crm/users?integrated_account_id=${accountId}&is_active=false`,
    );
    expect(inactive.map((r) => r.id)).toEqual(
      people()
        .filter((o) => o.archived)
        .map((o) => o.id),
    );

    const cutoff = '2023-01-01T00:00:00.000Z';
    const recent = await walkPages(
      server,
      `/unified/crm/users?integrated_account_id=${accountId}&created_at[gte]=${cutoff}`,
    );
    expect(recent.map((r) => r.id)).toEqual(
      people()
        .filter((o) => o.createdAt >= cutoff)
        .map((o) => o.id),
    );

    const sorted = await server.request(
      'GET',
      `/unified/crm/users?integrated_account_id=${accountId}&sort_by=name`,
    );
    expect(sorted.status).toBe(400);
    expect(sorted.body.message).toContain('does not sort');
  });

  it('refuses a workspace scope, which only a vendor can apply, and leaves it out of the meta route', async () => {
    for (const name of ['workspace_id', 'workspace']) {
      const scoped = await server.request(
        'GET',
        `/unified/crm/users?integrated_account_id=${accountId}&${name}=loc-1`,
      );
      expect(scoped.status, name).toBe(400);
      expect(scoped.body.message).toContain('does not support the filter workspace_id');
    }
    const meta = await server.request(
      'GET',
      `/unified/crm/users/meta/list?integrated_account_id=${accountId}`,
    );
    expect(meta.body.query_schema).not.toHaveProperty('workspace_id');
  });

  it('passes remote_query to the vendor untouched', async () => {
    const target = people()[3]!;
    const response = await server.request(
      'GET',
      `/unified/crm/users?integrated_account_id=${accountId}&remote_query[email]=${encodeURIComponent(target.email!)}`,
    );
    expect(response.status).toBe(200);
    expect(response.body.result.map((r: { id: string }) => r.id)).toEqual([target.id]);
  });

  it('gets one owner, archived or not, and 404s an unknown id', async () => {
    const archived = people().find((o) => o.archived)!;
    const got = await server.request(
      'GET',
      `/unified/crm/users/${archived.id}?integrated_account_id=${accountId}`,
    );
    expect(got.body).toMatchObject({ id: archived.id, is_active: false });
    const missing = await server.request(
      'GET',
      `/unified/crm/users/999999999?integrated_account_id=${accountId}`,
    );
    expect(missing.status).toBe(404);
  });

  it('proxies the owners resource with vendor cursors', async () => {
    const first = await server.request('GET', `/proxy/owners?integrated_account_id=${accountId}&limit=200`);
    expect(first.body.result).toHaveLength(200);
    expect(first.body.next_cursor).toBeTruthy();
    const all = await walkPages(server, `/proxy/owners?integrated_account_id=${accountId}&limit=200`);
    expect(all.map((o) => o.id)).toEqual(sandbox.control.list({ archived: false }).map((o) => o.id));
  });
});
