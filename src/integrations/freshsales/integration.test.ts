/** Freshsales' own edge cases against its emulator: the bundle alias, deactivated users, get by list, 429s. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import {
  DOCS_EXAMPLE_USER,
  type FreshsalesSandbox,
  startFreshsalesSandbox,
} from '../../sandboxes/freshsales/index.ts';
import { freshsales } from './integration.ts';

let sandbox: FreshsalesSandbox;
let server: TestServer;
let accountId: string;
const list = (query = '') => `/unified/crm/users?integrated_account_id=${accountId}${query}`;
const context = (bundle: string) => ({
  api_key: sandbox.apiKey,
  bundle_alias: bundle,
  api_origin: sandbox.url,
});

beforeAll(async () => {
  sandbox = await startFreshsalesSandbox({ users: 40, seed: 11 });
  server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
  const created = await server.request('POST', '/integrated-account', {
    integration: 'freshsales',
    tenant_id: 'acme',
    context: context('acme.myfreshworks.com/crm/sales'),
  });
  expect(created.body.status, created.text).toBe('active');
  accountId = created.body.id;
});
afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

describe('freshsales bundle alias', () => {
  it('takes the alias as API Settings shows it and calls only Freshworks hosts', () => {
    for (const alias of [
      'acme.myfreshworks.com/crm/sales',
      'https://acme.myfreshworks.com',
      'acme.freshworks.com',
    ]) {
      const origin = freshsales.upstreamOrigin({ bundle_alias: alias });
      expect(origin).toBe(`https://${alias.replace('https://', '').split('/')[0]}`);
      expect(freshsales.servesOrigin(new URL(origin))).toBe(true);
    }
    expect(freshsales.servesOrigin(new URL('https://acme.myfreshworks.com.evil.example'))).toBe(false);
  });

  it.each([
    'evil.example',
    'acme.myfreshworks.com.evil.example',
    'acme.myfreshworks.com/other',
    'a b.myfreshworks.com',
  ])('refuses the bundle alias %s with 400 before calling anyone', async (alias) => {
    const before = sandbox.control.stats().total;
    const refused = await server.request('POST', '/integrated-account', {
      integration: 'freshsales',
      tenant_id: 'acme',
      context: context(alias),
    });
    expect(refused.status, refused.text).toBe(400);
    expect(refused.text).not.toContain(sandbox.apiKey);
    expect(sandbox.control.stats().total).toBe(before);
  });
});

describe('freshsales crm/users', () => {
  it('maps the display name as name only, and deactivated users as is_active false', async () => {
    const rows = await walkPages(server, list('&limit=100'));
    expect(rows).toHaveLength(40);
    expect(rows.find((r) => r.id === String(DOCS_EXAMPLE_USER.id))).toMatchObject({
      name: 'Jane Sampleton',
      first_name: null,
      last_name: null,
      email: 'janesampleton@gmail.com',
      is_active: true,
    });
    const inactive = sandbox.control.list().filter((u) => !u.is_active);
    expect(inactive.length).toBeGreaterThan(0);
    const filtered = await walkPages(server, list('&is_active=false'));
    expect(filtered.map((r) => r.id).sort()).toEqual(inactive.map((u) => String(u.id)).sort());
  });

  it('gets one user by reading the owners list (Freshsales has no single-user endpoint)', async () => {
    const target = sandbox.control.list()[9]!;
    const before = sandbox.control.requests().length;
    const got = await server.request(
      'GET',
      `/unified/crm/users/${target.id}?integrated_account_id=${accountId}`,
    );
    expect(got.status, got.text).toBe(200);
    expect(got.body.remote_data).toEqual(target);
    expect(sandbox.control.requests().slice(before)).toEqual(['/crm/sales/api/selector/owners']);
  });

  it('applies filters itself: the selector receives none', async () => {
    const before = sandbox.control.requests().length;
    const found = await server.request('GET', list(`&name=${encodeURIComponent('Jane Sampleton')}`));
    expect(found.body.result.map((r: { id: string }) => r.id)).toEqual([String(DOCS_EXAMPLE_USER.id)]);
    expect(found.headers.get('x-switchboard-filters-local')).toContain('name');
    expect(sandbox.control.requests().slice(before)).toEqual(['/crm/sales/api/selector/owners']);
  });

  it('waits out a real 429 by its Retry-After and finishes the walk', async () => {
    sandbox.control.setRateLimit({ windows: [{ name: 'minute', limit: 1, windowMs: 1500 }] });
    try {
      const rows = await walkPages(server, list('&limit=15'));
      expect(rows).toHaveLength(40);
      expect(sandbox.control.stats().rateLimited).toBeGreaterThan(0);
      const account = await server.request('GET', `/integrated-account/${accountId}`);
      expect(account.body.status).toBe('active');
    } finally {
      sandbox.control.setRateLimit({ windows: [] });
    }
  });
});
