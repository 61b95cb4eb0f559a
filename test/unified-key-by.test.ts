/**
 * `truto_key_by` over HTTP against the LeadSquared sandbox: a unique field keys every record, a key such as
 * "__proto__" comes back as an ordinary key, and a field with duplicate values is a 422 that says so instead of
 * silently dropping records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LeadSquaredSandbox, startLeadSquaredSandbox } from '../src/sandboxes/leadsquared/index.ts';
import { startTestServer, type TestServer } from './support/server.ts';

describe('truto_key_by over LeadSquared', () => {
  let sandbox: LeadSquaredSandbox;
  let server: TestServer;
  let accountId: string;
  const users = (query = '') => `/unified/user-directory/users?integrated_account_id=${accountId}${query}`;

  beforeAll(async () => {
    sandbox = await startLeadSquaredSandbox({ users: 120, seed: 12, rateLimit: false });
    server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
    const created = await server.request('POST', '/integrated-account', {
      integration: 'leadsquared',
      tenant_id: 'acme',
      context: { access_key: sandbox.accessKey, secret_key: sandbox.secretKey, api_host: sandbox.url },
    });
    expect(created.body.status).toBe('active');
    accountId = created.body.id;
    await server.request('PATCH', `/integrated-account/${accountId}`, {
      rate_limit: { calls: 100_000, window_seconds: 1 },
    });
  });
  afterAll(async () => {
    await server?.close();
    await sandbox?.close();
  });

  it('keys every record of the page by a unique field', async () => {
    const keyed = await server.request('GET', users('&limit=42&truto_key_by=id'));
    expect(keyed.status).toBe(200);
    expect(Object.keys(keyed.body.result)).toHaveLength(42);
    expect(keyed.body.result_count).toBe(42);
    for (const [id, record] of Object.entries(keyed.body.result))
      expect((record as { id: string }).id).toBe(id);
  });

  it('refuses a field with duplicate values with 422 KEY_BY_NOT_UNIQUE, dropping nothing silently', async () => {
    const page = await server.request('GET', users('&limit=42'));
    const statuses: string[] = page.body.result.map((r: { status: string }) => r.status);
    const counts = new Map<string, number>();
    for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
    const colliding = [...counts.values()].filter((n) => n > 1).reduce((a, b) => a + b, 0);

    const keyed = await server.request('GET', users('&limit=42&truto_key_by=status'));
    expect(keyed.status).toBe(422);
    expect(keyed.body).toMatchObject({
      statusCode: 422,
      error: 'Unprocessable Entity',
      code: 'KEY_BY_NOT_UNIQUE',
    });
    expect(keyed.body.message).toContain('truto_key_by');
    expect(keyed.body.message).toContain('"status"');
    expect(keyed.body.message).toContain(`${colliding} of 42 records`);
    expect(keyed.body.message).toContain('"active"');
    expect(keyed.body.message).toContain('such as id');
  });

  it('answers a record keyed "__proto__" as an ordinary key', async () => {
    const email = `proto.${Date.now()}@example.com`;
    const created = await server.request(
      'POST',
      `/unified/user-directory/users?integrated_account_id=${accountId}`,
      { first_name: '__proto__', last_name: 'Keyed', email, role: 'Sales_User' },
    );
    expect(created.status, created.text).toBe(201);
    const keyed = await server.request(
      'GET',
      users(`&email=${encodeURIComponent(email)}&truto_key_by=first_name`),
    );
    expect(keyed.status).toBe(200);
    expect(keyed.text).toContain('"__proto__":{');
    expect(Object.keys(keyed.body.result)).toEqual(['__proto__']);
    // JSON.parse makes "__proto__" an own property; read it as one.
    expect(Object.getOwnPropertyDescriptor(keyed.body.result, '__proto__')?.value.id).toBe(created.body.id);
  });
});
