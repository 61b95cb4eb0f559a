/**
 * HighLevel's own edge cases against its emulator over real HTTP: the Version header on every call, the
 * location scope (`workspace_id`, the connected location by default), a list that does not page, deleted
 * users left out of it, 401s that are a missing scope or an agency token rather than a bad credential, and
 * an unknown user answered 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { walkPages } from '../../../test/support/unified.ts';
import {
  COMPANY_ID,
  type HighLevelSandbox,
  MAIN_LOCATION,
  OTHER_LOCATION,
  startHighLevelSandbox,
} from '../../sandboxes/highlevel/index.ts';

let ghl: HighLevelSandbox;
let server: TestServer;
let account: string;

const list = (id: string, query = '') => `/unified/crm/users?integrated_account_id=${id}${query}`;

async function link(context: Record<string, unknown>) {
  return server.request('POST', '/integrated-account', {
    integration: 'highlevel',
    tenant_id: 'acme',
    context: { ...context, api_origin: ghl.url },
  });
}

function oauthContext(tokenAccount: string, scopes: string[], location?: string) {
  const tokens = ghl.control.oauth.issueTokens({ account: tokenAccount, scopes });
  return {
    oauth: { token: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken } },
    ...(location ? { location_id: location } : {}),
  };
}

beforeAll(async () => {
  ghl = await startHighLevelSandbox({ users: 90, seed: 21, rateLimit: null });
  server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: ghl.url });
  const created = await link({ access_token: ghl.token, location_id: MAIN_LOCATION });
  expect(created.body.status, created.body.last_error).toBe('active');
  account = created.body.id;
});
afterAll(async () => {
  await server?.close();
  await ghl?.close();
});

describe('HighLevel crm/users', () => {
  it('lists the connected location’s users, one vendor call per page, deleted users left out', async () => {
    const before = ghl.control.listCalls().length;
    const rows = await walkPages(server, list(account, '&limit=10'));
    const expected = ghl.control.list(MAIN_LOCATION);
    expect(rows.map((r) => r.id)).toEqual(expected.map((u) => u.id));
    expect(ghl.control.listCalls().length - before).toBe(Math.ceil(expected.length / 10));
    expect(ghl.control.listCalls().at(-1)).toBe(MAIN_LOCATION);
    expect(rows[0]).toMatchObject({
      id: '0IHuJvc2ofPAAA8GzTRi',
      name: 'John Deo',
      email: 'john@deo.com',
      is_active: true,
      created_at: null,
    });
    const deleted = ghl.control.all().find((u) => u.deleted && u.roles.locationIds.includes(MAIN_LOCATION))!;
    expect(rows.map((r) => r.id)).not.toContain(deleted.id);
    const got = await server.request(
      'GET',
      `/unified/crm/users/${deleted.id}?integrated_account_id=${account}`,
    );
    expect(got.body).toMatchObject({ id: deleted.id, is_active: false });
  });

  it('takes workspace_id (or workspace) as the location, says HighLevel applied it, refuses a malformed one', async () => {
    for (const name of ['workspace_id', 'workspace']) {
      const scoped = await server.request('GET', list(account, `&${name}=${MAIN_LOCATION}&limit=5`));
      expect(scoped.status, scoped.text).toBe(200);
      expect(scoped.headers.get('x-switchboard-filters-vendor')).toBe('workspace_id[eq]');
    }
    const other = await server.request('GET', list(account, `&workspace_id=${OTHER_LOCATION}`));
    expect(other.status).toBe(403);
    expect(other.body.message).toContain('does not have access to this location');
    expect((await server.request('GET', list(account, '&workspace_id=../x'))).status).toBe(400);
    const meta = await server.request('GET', `/unified/crm/users/meta/list?integrated_account_id=${account}`);
    expect(meta.body.query_schema.workspace_id.applied_by).toContain('locationId');
    expect((await server.request('GET', `/integrated-account/${account}`)).body.status).toBe('active');
  });

  it('answers an unknown user 404 (HighLevel says 400 "User not found")', async () => {
    const missing = await server.request(
      'GET',
      `/unified/crm/users/AAAAAAAAAAAAAAAAAAAA?integrated_account_id=${account}`,
    );
    expect(missing.status).toBe(404);
  });

  it('treats a missing scope as a permission problem, not dead credentials', async () => {
    const created = await link(oauthContext(MAIN_LOCATION, ['contacts.readonly'], MAIN_LOCATION));
    expect(created.body.status).toBe('validation_error');
    expect(created.body.last_error).toContain('not authorized for this scope');
    const refused = await server.request('GET', list(created.body.id));
    expect(refused.status).toBe(403);
    expect(refused.body.truto_error_insight).toHaveProperty('missing_permission');
  });

  it('needs a location for an agency install, and says so', async () => {
    const created = await link(oauthContext(COMPANY_ID, ['users.readonly']));
    const id = created.body.id;
    const noLocation = await server.request('GET', list(id));
    expect(noLocation.status).toBe(400);
    expect(noLocation.body.message).toContain('pass workspace_id');
    const agency = await server.request('GET', list(id, `&workspace_id=${MAIN_LOCATION}`));
    expect(agency.status).toBe(403);
    expect(agency.body.message).toContain('authClass');
  });

  it('refuses a Private Integration Token for another location when linking', async () => {
    const created = await link({ access_token: ghl.token, location_id: OTHER_LOCATION });
    expect(created.body.status).toBe('validation_error');
    const bad = await link({ access_token: ghl.token, location_id: 'not/a/location' });
    expect(bad.status).toBe(400);
  });
});
