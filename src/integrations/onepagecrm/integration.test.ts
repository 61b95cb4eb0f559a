/** OnePageCRM's own edge cases against its emulator: the plain-text 403 throttle, private fields, no pushdown. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import {
  DOCS_EXAMPLE_USER,
  type OnePageCrmSandbox,
  startOnePageCrmSandbox,
} from '../../sandboxes/onepagecrm/index.ts';

let sandbox: OnePageCrmSandbox;
let server: TestServer;
let accountId: string;
const list = (query = '') => `/unified/crm/users?integrated_account_id=${accountId}${query}`;

beforeAll(async () => {
  sandbox = await startOnePageCrmSandbox({ users: 30, seed: 3 });
  server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
  const created = await server.request('POST', '/integrated-account', {
    integration: 'onepagecrm',
    tenant_id: 'acme',
    context: { user_id: sandbox.userId, api_key: sandbox.apiKey, api_origin: sandbox.url },
  });
  expect(created.body.status, created.text).toBe('active');
  accountId = created.body.id;
});
afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

describe('onepagecrm crm/users', () => {
  it('maps names and email, keeps the API user’s private fields in remote_data, invents no status or dates', async () => {
    const rows = await walkPages(server, list('&limit=100'));
    expect(rows).toHaveLength(30);
    const jane = rows.find((r) => r.id === DOCS_EXAMPLE_USER.id)!;
    expect(jane).toMatchObject({
      name: 'Jane Doe',
      first_name: 'Jane',
      last_name: 'Doe',
      email: 'jane.doe@example.com',
      remote_data: { bcc_email: DOCS_EXAMPLE_USER.bcc_email },
    });
    for (const row of rows) {
      expect(row.is_active ?? null).toBeNull();
      expect(row.created_at ?? null).toBeNull();
      expect(row.updated_at ?? null).toBeNull();
    }
  });

  it('applies filters itself: OnePageCRM receives no filter parameters', async () => {
    const target = sandbox.control.list()[7]!;
    sandbox.control.resetStats();
    const before = sandbox.control.requests().length;
    const found = await server.request('GET', list(`&email=${encodeURIComponent(target.email)}`));
    expect(found.status, found.text).toBe(200);
    expect(found.body.result.map((r: { id: string }) => r.id)).toEqual([target.id]);
    expect(found.headers.get('x-switchboard-filters-local')).toContain('email');
    expect(found.headers.get('x-switchboard-filters-vendor') ?? '').toBe('');
    expect(sandbox.control.requests().slice(before)).toEqual(['/api/v3/users']);
  });

  it('reads the throttle’s plain-text 403 as a rate limit: it waits, finishes the walk, the account stays active', async () => {
    sandbox.control.setRateLimit({ windows: [{ name: 'burst', limit: 1, windowMs: 1500 }] });
    try {
      const rows = await walkPages(server, list('&limit=10'));
      expect(rows).toHaveLength(30);
      expect(sandbox.control.stats().rateLimited).toBeGreaterThan(0);
      const account = await server.request('GET', `/integrated-account/${accountId}`);
      expect(account.body.status).toBe('active');
    } finally {
      sandbox.control.setRateLimit({ windows: [] });
    }
  });

  it('treats a JSON 403 as a missing permission, passed on without retrying', async () => {
    sandbox.control.addFault({ kind: 'error', status: 403, pathPrefix: '/api/v3/users' });
    try {
      const before = sandbox.control.stats().faultsInjected.error ?? 0;
      const refused = await server.request('GET', list());
      expect(refused.status, refused.text).toBe(403);
      expect(sandbox.control.stats().faultsInjected.error).toBe(before + 1);
      const account = await server.request('GET', `/integrated-account/${accountId}`);
      expect(account.body.status).toBe('active');
    } finally {
      sandbox.control.clearFaults();
    }
  });
});
