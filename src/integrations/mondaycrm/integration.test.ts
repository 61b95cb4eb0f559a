/** monday's own edge cases, against its sandbox over real HTTP: GraphQL paging, errors in 200s, guests, scopes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import { type MondaySandbox, startMondaySandbox } from '../../sandboxes/mondaycrm/index.ts';

let sandbox: MondaySandbox;
let server: TestServer;
let accountId: string;
const list = (query = '', account = accountId) =>
  `/unified/crm/users?integrated_account_id=${account}${query}`;
const lastQuery = () => sandbox.control.requestLog().at(-1)!;

async function link(context: Record<string, unknown>) {
  return server.request('POST', '/integrated-account', {
    integration: 'mondaycrm',
    tenant_id: 'monday',
    context: { ...context, api_origin: sandbox.url },
  });
}

beforeAll(async () => {
  sandbox = await startMondaySandbox({ users: 120, seed: 8, rateLimit: null });
  server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
  const created = await link({ api_token: sandbox.token });
  expect(created.body.status, created.text).toBe('active');
  accountId = created.body.id;
});
afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

describe('mondaycrm crm/users', () => {
  it('validates with `me`, sends the token bare and pins the API version', async () => {
    const validation = sandbox.control.requestLog()[0]!;
    expect(validation.query).toContain('me { id }');
    expect(validation.apiVersion).toBe('2026-07');
  });

  it('maps monday’s users: profile url, second-precision dates, no updated_at, guests and pending users kept', async () => {
    const rows = await walkPages(server, list('&limit=50'));
    const all = sandbox.control.list();
    expect(rows).toHaveLength(all.length);
    const dana = rows.find((r) => r.id === '12345678')!;
    expect(dana).toMatchObject({
      name: 'Dana Levi',
      email: 'dana@acme.com',
      is_active: true,
      created_at: '2023-05-01T09:00:00.000Z',
      updated_at: null,
      urls: [{ type: 'profile', url: 'https://acme.monday.com/users/12345678' }],
    });
    expect(dana.first_name).toBeUndefined();
    const guest = all.find((u) => u.is_guest)!;
    expect(rows.find((r) => r.id === guest.id)?.remote_data).toMatchObject({ is_guest: true });
    const deactivated = all.find((u) => !u.enabled)!;
    expect(rows.find((r) => r.id === deactivated.id)?.is_active).toBe(false);
  });

  it('pages through the query variables and walks active users, then deactivated ones', async () => {
    const before = sandbox.control.requestLog().length;
    await walkPages(server, list('&limit=100'));
    const walk = sandbox.control.requestLog().slice(before);
    expect(walk.map((q) => [q.variables.page, q.variables.limit, q.variables.non_active])).toEqual([
      [1, 100, false],
      [2, 100, false],
      [1, 100, true],
    ]);
  });

  it('sends email as emails, is_active as non_active, and name as the fuzzy search it checks itself', async () => {
    const target = sandbox.control.list().find((u) => !u.enabled)!;
    const found = await server.request(
      'GET',
      list(`&email=${encodeURIComponent(target.email!)}&is_active=false`),
    );
    expect(found.status, found.text).toBe(200);
    expect(found.body.result.map((r: { id: string }) => r.id)).toEqual([target.id]);
    expect(lastQuery().variables).toMatchObject({ emails: [target.email], non_active: true });
    expect(found.headers.get('x-switchboard-filters-vendor')).toBe('email[eq],is_active[eq]');
    const sample = sandbox.control.list().find((u) => u.enabled)!;
    const byName = await walkPages(server, list(`&name=${encodeURIComponent(sample.name!)}`));
    expect(byName.map((r) => r.id)).toContain(sample.id);
    expect(byName.every((r) => r.name.toLowerCase() === sample.name!.toLowerCase())).toBe(true);
    expect(lastQuery().variables).toMatchObject({ name: sample.name });
  });

  it('refuses sorting, which monday cannot apply across active and deactivated users', async () => {
    expect((await server.request('GET', list('&sort_by[created_at]=desc'))).status).toBe(400);
  });

  it('keeps an OAuth account active when a scope is missing (monday’s 403)', async () => {
    const { accessToken } = sandbox.control.oauth.issueTokens({
      scopes: ['me:read'],
      accessExpiresIn: null,
      refresh: false,
    });
    const created = await link({ oauth: { token: { access_token: accessToken } } });
    expect(created.body.status, created.text).toBe('active');
    const scoped = await server.request('GET', list('', created.body.id));
    expect(scoped.status, scoped.text).toBe(403);
    expect((await server.request('GET', `/integrated-account/${created.body.id}`)).body.status).toBe(
      'active',
    );
  });
  // Last: the retired field stays retired.
  it('turns a GraphQL error sent with HTTP 200 into a 400 with monday’s message and body', async () => {
    sandbox.control.retireUserFields(['title']);
    const res = await server.request('GET', list());
    expect(res.status, res.text).toBe(400);
    expect(res.body.message).toContain('Cannot query field "title" on type "User".');
    expect(res.body.raw_response).toMatchObject({
      errors: [{ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }],
    });
  });
});
