/**
 * Pipeliner's own edge cases against its emulator: microsecond dates, support accounts, the cursor sent on
 * the last page, region and space checked before anything is sent, and filters and sorts reaching the
 * vendor as `filter[…]`/`filter-op[…]`/`order-by` (read back from the emulator's request log).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import {
  DOCS_EXAMPLE_ID,
  type PipelinerSandbox,
  startPipelinerSandbox,
} from '../../sandboxes/pipeliner/index.ts';

let sandbox: PipelinerSandbox;
let server: TestServer;
let accountId: string;

const context = () => ({
  username: sandbox.username,
  password: sandbox.password,
  region: 'us-east',
  space_id: sandbox.space,
  api_origin: sandbox.url,
});
const users = (query = '') => `/unified/crm/users?integrated_account_id=${accountId}${query}`;
/** The query of the vendor calls made since `from` (an index into the request log). */
const vendorQueries = (from: number) =>
  sandbox.control
    .requests()
    .slice(from)
    .filter((target) => target.includes('/entities/Clients?'))
    .map((target) => new URL(target, 'http://x').searchParams);

beforeAll(async () => {
  sandbox = await startPipelinerSandbox({ users: 230, seed: 9 });
  server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
  const created = await server.request('POST', '/integrated-account', {
    integration: 'pipeliner',
    tenant_id: 'acme',
    context: context(),
  });
  expect(created.body.status, created.text).toBe('active');
  accountId = created.body.id;
});
afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

describe('pipeliner crm/users', () => {
  it('maps microsecond dates to ISO 8601 UTC and keeps the docs example intact', async () => {
    const got = await server.request(
      'GET',
      `/unified/crm/users/${DOCS_EXAMPLE_ID}?integrated_account_id=${accountId}`,
    );
    expect(got.body).toMatchObject({
      id: DOCS_EXAMPLE_ID,
      name: 'John Doe',
      email: 'john.doe@example.com',
      is_active: true,
      created_at: '2019-02-01T07:41:49.529Z',
      remote_data: { created: '2019-02-01 07:41:49.529970+00:00' },
    });
  });

  it('leaves Pipeliner support accounts out of the list and of get', async () => {
    const support = sandbox.control.list().filter((c) => c.type === 1);
    expect(support).toHaveLength(2);
    const all = await walkPages(server, users('&limit=100'));
    for (const s of support) {
      expect(all.map((r) => r.id)).not.toContain(s.id);
      const got = await server.request(
        'GET',
        `/unified/crm/users/${s.id}?integrated_account_id=${accountId}`,
      );
      expect(got.status).toBe(404);
    }
  });

  it('walks 100 a page and stops on has_next_page=false although the last page carries a cursor', async () => {
    const from = sandbox.control.requests().length;
    const all = await walkPages(server, users('&limit=100'));
    expect(all).toHaveLength(230);
    const calls = vendorQueries(from);
    expect(calls).toHaveLength(3);
    expect(calls.map((q) => q.get('first'))).toEqual(['100', '100', '100']);
    expect(calls[0]!.get('include-deleted')).toBe('true');
    expect(calls[1]!.get('after')).toBeTruthy();
  });

  it('pushes an incremental updated_at[gt] down as filter[modified] gte the next millisecond', async () => {
    const all = await walkPages(server, users('&limit=100'));
    // A user whose `modified` has microseconds past the millisecond its unified updated_at shows.
    const sample = all.find((r) => !r.remote_data.modified.includes('000+'))!;
    const from = sandbox.control.requests().length;
    const newer = await walkPages(
      server,
      users(`&limit=100&updated_at[gt]=${encodeURIComponent(sample.updated_at)}`),
    );
    const [query] = vendorQueries(from);
    expect(query!.get('filter[modified]')).toBe(
      new Date(Date.parse(sample.updated_at) + 1).toISOString().replace('T', ' ').replace('Z', '000+00:00'),
    );
    expect(query!.get('filter-op[modified]')).toBe('gte');
    expect(newer.map((r) => r.id).sort()).toEqual(
      all
        .filter((r) => r.updated_at > sample.updated_at)
        .map((r) => r.id)
        .sort(),
    );
    const upTo = await server.request(
      'GET',
      users(`&limit=100&updated_at[lte]=${encodeURIComponent(sample.updated_at)}`),
    );
    expect(upTo.headers.get('x-switchboard-filters-local')).toBe('');
    expect(upTo.body.result.map((r: { id: string }) => r.id)).toContain(sample.id);
  });

  it('pushes is_active=false, a case-insensitive email and a sort down to the vendor', async () => {
    const from = sandbox.control.requests().length;
    const inactive = await walkPages(server, users('&limit=100&is_active=false&sort_by=-name'));
    expect(inactive.length).toBeGreaterThan(0);
    expect(inactive.every((r) => r.is_active === false)).toBe(true);
    const [query] = vendorQueries(from);
    expect(Object.fromEntries(query!)).toMatchObject({
      'include-deleted': 'true',
      'filter[is_deleted]': 'true',
      'order-by': '-name',
    });

    const byEmail = await server.request('GET', users('&email=JOHN.DOE@EXAMPLE.COM'));
    expect(byEmail.headers.get('x-switchboard-filters-vendor')).toBe('email[eq]');
    expect(byEmail.body.result.map((r: { id: string }) => r.id)).toEqual([DOCS_EXAMPLE_ID]);
  });

  it('checks region and space before sending anything, and never draws a 429', async () => {
    for (const bad of [{ region: 'mars' }, { space_id: '../../x' }]) {
      const refused = await server.request('POST', '/integrated-account', {
        integration: 'pipeliner',
        tenant_id: 'acme',
        context: { ...context(), ...bad },
      });
      expect(refused.status, refused.text).toBe(400);
    }
    const stats = sandbox.control.stats();
    expect(stats.rateLimited).toBe(0);
    expect(Object.values(stats.keys).every((k) => (k.maxInWindow['space'] ?? 0) <= 10)).toBe(true);
  });
});
