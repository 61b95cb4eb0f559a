/**
 * Teamleader's own edge cases, through Switchboard against the Teamleader sandbox over real HTTP: what
 * reaches `users.list` for each filter and sort, users without timestamps, the short-page end of a walk,
 * ids that cannot be Teamleader's, single-use refresh tokens and the vendor's X-RateLimit-* budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import { startTeamleaderSandbox, type TeamleaderSandbox } from '../../sandboxes/teamleader/index.ts';

interface Linked {
  sandbox: TeamleaderSandbox;
  server: TestServer;
  accountId: string;
}

async function link(options: Parameters<typeof startTeamleaderSandbox>[0]): Promise<Linked> {
  const sandbox = await startTeamleaderSandbox(options);
  const server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
  const tokens = sandbox.control.issueTokens();
  const created = await server.request('POST', '/integrated-account', {
    integration: 'teamleader',
    tenant_id: 'acme',
    context: {
      oauth: { token: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken } },
      api_origin: sandbox.url,
    },
  });
  expect(created.body.status, created.text).toBe('active');
  const installed = await server.request('GET', '/environment-integration');
  const row = installed.body.result.find(
    (r: { integration_id: string }) => r.integration_id === 'teamleader',
  );
  const patched = await server.request('PATCH', `/environment-integration/${row.id}`, {
    oauth_app: {
      client_id: sandbox.oauth.clientId,
      client_secret: sandbox.oauth.clientSecret,
      authorize_url: sandbox.oauth.authorizeUrl,
      token_url: sandbox.oauth.tokenUrl,
    },
  });
  expect(patched.status, patched.text).toBe(200);
  return { sandbox, server, accountId: created.body.id };
}

describe('teamleader: pushdown and mapping', () => {
  let t: Linked;
  const users = (query = '') => `/unified/crm/users?integrated_account_id=${t.accountId}${query}`;
  beforeAll(async () => {
    t = await link({ users: 64, seed: 3, rateLimit: null });
  });
  afterAll(async () => {
    await t?.server.close();
    await t?.sandbox.close();
  });

  it('asks for active and deactivated users (Teamleader lists active ones only by default), 100 a page', async () => {
    t.sandbox.control.clearListRequests();
    const all = await walkPages(t.server, users('&limit=100'));
    expect(all).toHaveLength(t.sandbox.control.list().length);
    expect(t.sandbox.control.listRequests()).toEqual([
      { filter: { status: ['active', 'deactivated'] }, page: { number: 1, size: 100 } },
    ]);
    const deactivated = all.find((u) => u.is_active === false)!;
    expect(deactivated.remote_data.status).toBe('deactivated');
  });

  it('ends a walk on a short page (Teamleader gives no total)', async () => {
    t.sandbox.control.clearListRequests();
    const all = await walkPages(t.server, users('&limit=16'));
    expect(all).toHaveLength(64);
    // 64 users, 16 a page: four full pages, then an empty one says it is over.
    expect(
      t.sandbox.control.listRequests().map((b) => (b as { page: { number: number } }).page.number),
    ).toEqual([1, 2, 3, 4, 5]);
  });

  it('pushes is_active down as filter.status and says so', async () => {
    t.sandbox.control.clearListRequests();
    const response = await t.server.request('GET', users('&is_active=false'));
    expect(response.status, response.text).toBe(200);
    expect(response.headers.get('x-switchboard-filters-vendor')).toBe('is_active[eq]');
    expect(t.sandbox.control.listRequests()[0]).toMatchObject({ filter: { status: ['deactivated'] } });
    const expected = t.sandbox.control.list({ status: 'deactivated' }).map((u) => u.id);
    expect(response.body.result.map((r: { id: string }) => r.id).sort()).toEqual(expected.sort());
  });

  it('narrows email and name with filter.term, keeping only exact matches', async () => {
    const target = t.sandbox.control.list()[9]!;
    t.sandbox.control.clearListRequests();
    const byEmail = await t.server.request(
      'GET',
      users(`&email=${encodeURIComponent(target.email.toUpperCase())}`),
    );
    expect(byEmail.body.result.map((r: { id: string }) => r.id)).toEqual([target.id]);
    expect(byEmail.headers.get('x-switchboard-filters-local')).toContain('email');
    expect(t.sandbox.control.listRequests()[0]).toMatchObject({
      filter: { term: target.email.toUpperCase() },
    });

    t.sandbox.control.clearListRequests();
    const name = `${target.first_name} ${target.last_name}`;
    const byName = await t.server.request('GET', users(`&name=${encodeURIComponent(name)}`));
    expect(byName.body.result.map((r: { name: string }) => r.name)).toContain(name);
    expect(
      byName.body.result.every((r: { name: string }) => r.name.toLowerCase() === name.toLowerCase()),
    ).toBe(true);
    expect(t.sandbox.control.listRequests()[0]).toMatchObject({ filter: { term: target.first_name } });
  });

  it('sorts by name as first then last name at Teamleader, and refuses date sorts', async () => {
    t.sandbox.control.clearListRequests();
    const sorted = await t.server.request('GET', users('&sort_by[name]=desc&limit=5'));
    expect(sorted.status, sorted.text).toBe(200);
    expect(t.sandbox.control.listRequests()[0]).toMatchObject({
      sort: [
        { field: 'first_name', order: 'desc' },
        { field: 'last_name', order: 'desc' },
      ],
    });
    expect((await t.server.request('GET', users('&sort_by[created_at]=asc'))).status).toBe(400);
  });

  it('leaves dates null (Teamleader users have none), so a date filter keeps nobody', async () => {
    const page = await t.server.request('GET', users('&limit=3'));
    for (const row of page.body.result) expect(row).toMatchObject({ created_at: null, updated_at: null });
    const recent = await t.server.request('GET', users('&updated_at[gte]=2020-01-01T00:00:00Z'));
    expect(recent.status).toBe(200);
    expect(recent.body.result).toEqual([]);
  });

  it('gets deactivated users by id, and answers ids that are not UUIDs with 404 without asking', async () => {
    const gone = t.sandbox.control.list({ status: 'deactivated' })[0]!;
    const got = await t.server.request(
      'GET',
      `/unified/crm/users/${gone.id}?integrated_account_id=${t.accountId}`,
    );
    expect(got.status, got.text).toBe(200);
    expect(got.body).toMatchObject({ id: gone.id, is_active: false, remote_data: gone });
    t.sandbox.control.clearListRequests();
    const bogus = await t.server.request(
      'GET',
      `/unified/crm/users/12345?integrated_account_id=${t.accountId}`,
    );
    expect(bogus.status).toBe(404);
    expect(t.sandbox.control.listRequests()).toEqual([]);
  });
});

describe('teamleader: proxy', () => {
  it('sends a proxy caller’s parameters as the users.list body, and reads one user with users.info', async () => {
    const t = await link({ users: 30, seed: 12, rateLimit: null });
    try {
      const account = `integrated_account_id=${t.accountId}`;
      const listed = await t.server.request(
        'GET',
        `/proxy/users?${account}&limit=50&filter[status][]=deactivated`,
      );
      expect(listed.status, listed.text).toBe(200);
      const deactivated = t.sandbox.control.list({ status: 'deactivated' });
      expect(listed.body.result.map((u: { id: string }) => u.id).sort()).toEqual(
        deactivated.map((u) => u.id).sort(),
      );
      expect(t.sandbox.control.listRequests().at(-1)).toEqual({
        filter: { status: ['deactivated'] },
        page: { number: 1, size: 50 },
      });
      const one = await t.server.request('GET', `/proxy/users/${deactivated[0]!.id}?${account}`);
      expect(one.status, one.text).toBe(200);
      expect(one.body).toMatchObject({
        id: deactivated[0]!.id,
        time_zone: expect.any(String),
      });
    } finally {
      await t.server.close();
      await t.sandbox.close();
    }
  });
});

describe('teamleader: tokens and limits', () => {
  it('refreshes with each single-use refresh token in turn, and needs reauth once the grant is revoked', async () => {
    const t = await link({ users: 5, seed: 4, rateLimit: null });
    try {
      const path = `/unified/crm/users?integrated_account_id=${t.accountId}`;
      for (let round = 1; round <= 2; round++) {
        t.sandbox.control.oauth.expireAccessTokens();
        const response = await t.server.request('GET', path);
        expect(response.status, response.text).toBe(200);
        expect(t.sandbox.control.oauth.stats().tokenCalls.refresh_token).toBe(round);
      }
      expect(t.sandbox.control.oauth.stats().invalidGrant).toBe(0);
      t.sandbox.control.oauth.revokeAll();
      t.sandbox.control.oauth.expireAccessTokens();
      const refused = await t.server.request('GET', path);
      expect(refused.status).toBe(401);
      const account = await t.server.request('GET', `/integrated-account/${t.accountId}`);
      expect(account.body.status).toBe('needs_reauth');
    } finally {
      await t.server.close();
      await t.sandbox.close();
    }
  });

  it('waits for X-RateLimit-Reset when X-RateLimit-Remaining reaches 0, drawing no 429', async () => {
    const t = await link({ users: 40, seed: 6, rateLimit: { calls: 3, windowMs: 2_000 } });
    try {
      const all = await walkPages(
        t.server,
        `/unified/crm/users?integrated_account_id=${t.accountId}&limit=10`,
      );
      expect(all).toHaveLength(40);
      const stats = t.sandbox.control.stats();
      expect(stats.rateLimited).toBe(0);
      expect(stats.requests['/users.list']).toBe(5);
    } finally {
      await t.server.close();
      await t.sandbox.close();
    }
  });
});
