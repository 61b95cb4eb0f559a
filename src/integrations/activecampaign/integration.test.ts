/**
 * ActiveCampaign's own edge cases against its sandbox over real HTTP: the API URL, the email lookup
 * standing in for a filter, users without names, the account-wide 5 calls per second.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import {
  type ActiveCampaignSandbox,
  startActiveCampaignSandbox,
} from '../../sandboxes/activecampaign/index.ts';

let sandbox: ActiveCampaignSandbox;
let server: TestServer;
let accountId: string;

const users = (query = '') => `/unified/crm/users?integrated_account_id=${accountId}${query}`;
const lookups = () => sandbox.control.stats().requests['/api/3/users/email/{email}'] ?? 0;

beforeAll(async () => {
  sandbox = await startActiveCampaignSandbox({ users: 60, seed: 8, account: 'acme' });
  server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
  const created = await server.request('POST', '/integrated-account', {
    integration: 'activecampaign',
    tenant_id: 'acme',
    context: { api_key: sandbox.token, api_url: `${sandbox.apiUrl}/`, api_origin: sandbox.url },
  });
  expect(created.status, created.text).toBe(201);
  expect(created.body.status, created.body.last_error).toBe('active');
  accountId = created.body.id;
});
afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

describe('activecampaign crm/users', () => {
  it('takes only an https://<account>.api-us1.com API URL', async () => {
    for (const apiUrl of [
      'https://evil.example.com',
      'https://acme.api-us1.com.evil.com',
      'http://acme.api-us1.com',
    ]) {
      const created = await server.request('POST', '/integrated-account', {
        integration: 'activecampaign',
        tenant_id: 'bad',
        context: { api_key: 'k', api_url: apiUrl },
      });
      expect(created.status, apiUrl).toBe(400);
    }
  });

  it('answers an email filter with the email lookup (any case), and an unknown email with no users', async () => {
    const target = sandbox.control.list()[12]!;
    const before = lookups();
    const found = await server.request(
      'GET',
      users(`&email=${encodeURIComponent(target.email.toUpperCase())}`),
    );
    expect(found.status, found.text).toBe(200);
    expect(found.body.result.map((r: { id: string }) => r.id)).toEqual([target.id]);
    expect(found.headers.get('x-switchboard-filters-vendor')).toBe('email[eq]');
    expect(lookups() - before).toBe(2);
    const none = await server.request('GET', users('&email=nobody%40example.com'));
    expect(none.status, none.text).toBe(200);
    expect(none.body.result).toEqual([]);
    expect(lookups() - before).toBe(3);
  });

  it('names a user without first and last name by the username, and leaves is_active unknown', async () => {
    const service = sandbox.control.add({ username: 'reporting', email: 'reporting@acme.example.com' });
    const got = await server.request(
      'GET',
      `/unified/crm/users/${service.id}?integrated_account_id=${accountId}`,
    );
    expect(got.status, got.text).toBe(200);
    expect(got.body).toMatchObject({ name: 'reporting', first_name: null, last_name: null, is_active: null });
    sandbox.control.remove(service.id);
  });

  it('walks small pages within 5 calls per second: ActiveCampaign never answers 429', async () => {
    sandbox.control.resetStats();
    const rows = await walkPages(server, users('&limit=4'));
    expect(rows).toHaveLength(sandbox.control.list().length);
    const stats = sandbox.control.stats();
    expect(stats.total).toBeGreaterThan(10);
    expect(stats.rateLimited).toBe(0);
    for (const key of Object.values(stats.keys)) expect(key.maxInWindow['per-second']).toBeLessThanOrEqual(5);
  });
});
