/**
 * The unified and proxy APIs over LeadSquared, against the LeadSquared sandbox over real HTTP. Expected
 * values come from the sandbox's own data (its control handle), not from Switchboard's output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LeadSquaredSandbox,
  startLeadSquaredSandbox,
  type UserSnapshot,
} from '../src/sandboxes/leadsquared/index.ts';
import { createApiToken, createEnvironment } from '../src/store/tenancy.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { walkPages } from './support/unified.ts';

const USERS = 5000;

describe('unified and proxy APIs over LeadSquared', () => {
  let sandbox: LeadSquaredSandbox;
  let server: TestServer;
  let accountId: string;
  let listed: UserSnapshot[];
  const users = (query = '') => `/unified/user-directory/users?integrated_account_id=${accountId}${query}`;

  beforeAll(async () => {
    sandbox = await startLeadSquaredSandbox({ users: USERS, seed: 11, rateLimit: false });
    server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
    const created = await server.request('POST', '/integrated-account', {
      integration: 'leadsquared',
      tenant_id: 'acme',
      context: { access_key: sandbox.accessKey, secret_key: sandbox.secretKey, api_host: sandbox.url },
    });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('active');
    accountId = created.body.id;
    // The sandbox's limit is off here; so is Switchboard's pacing (tested in resilience.test.ts).
    await server.request('PATCH', `/integrated-account/${accountId}`, {
      rate_limit: { calls: 100_000, window_seconds: 1 },
    });
    listed = [...sandbox.control.users()].filter((u) => !u.IsObsolete);
  });
  afterAll(async () => {
    await server?.close();
    await sandbox?.close();
  });

  it('walks all users with limit=100, each exactly once, mapped from the vendor record', async () => {
    const records = await walkPages(server, users('&limit=100'));
    expect(records).toHaveLength(listed.length);
    expect(new Set(records.map((r) => r.id)).size).toBe(listed.length);
    expect(new Set(records.map((r) => r.id))).toEqual(new Set(listed.map((u) => u.UserId)));

    const vendor = listed.find((u) => u.StatusCode === 1 && u.Groups.length > 0) ?? listed[0]!;
    const record = records.find((r) => r.id === vendor.UserId)!;
    expect(record).toMatchObject({
      first_name: vendor.FirstName,
      last_name: vendor.LastName,
      name: [vendor.FirstName, vendor.LastName].filter(Boolean).join(' '),
      emails: [{ email: vendor.EmailAddress, type: 'work', is_primary: true }],
      status: vendor.StatusCode === 0 ? 'active' : 'inactive',
      roles: [{ id: vendor.Role }],
      manager_id: vendor.ManagerUserId,
      created_at: `${vendor.CreatedOn.replace(' ', 'T')}.000Z`,
      updated_at: `${vendor.ModifiedOn.replace(' ', 'T')}.000Z`,
    });
    expect(record.groups).toEqual(
      expect.arrayContaining([
        ...vendor.Groups.map((g) => ({ id: g.Id, name: g.Name, type: 'group' })),
        { id: vendor.TeamId, name: vendor.TeamName, type: 'team' },
      ]),
    );
    expect(record.remote_data.UserId).toBe(vendor.UserId);
  });

  it('pushes name, email and status filters to Advanced Search', async () => {
    const target = listed[42]!;
    const byEmail = await server.request('GET', users(`&email=${encodeURIComponent(target.EmailAddress)}`));
    expect(byEmail.body.result.map((r: { id: string }) => r.id)).toEqual([target.UserId]);
    expect(byEmail.headers.get('x-switchboard-filters-vendor')).toBe('email[eq]');
    expect(byEmail.headers.get('x-switchboard-filters-local')).toBe('');

    const inactive = await walkPages(server, users('&status=inactive&limit=1000'));
    expect(new Set(inactive.map((r) => r.id))).toEqual(
      new Set(listed.filter((u) => u.StatusCode === 1).map((u) => u.UserId)),
    );

    const name = target.FirstName!;
    const byName = await walkPages(server, users(`&first_name=${encodeURIComponent(name)}&limit=1000`));
    expect(new Set(byName.map((r) => r.id))).toEqual(
      new Set(listed.filter((u) => u.FirstName?.toLowerCase() === name.toLowerCase()).map((u) => u.UserId)),
    );
  });

  it('applies date filters and sales-group membership itself, and says so', async () => {
    const cutoff = '2024-01-01T00:00:00Z';
    const first = await server.request('GET', users(`&created_at[gte]=${cutoff}&status=active&limit=500`));
    expect(first.headers.get('x-switchboard-filters-vendor')).toBe('status[eq]');
    expect(first.headers.get('x-switchboard-filters-local')).toBe('created_at[gte]');
    const recent = await walkPages(server, users(`&created_at[gte]=${cutoff}&status=active&limit=500`));
    const expected = listed.filter(
      (u) => u.StatusCode === 0 && `${u.CreatedOn.replace(' ', 'T')}Z` >= cutoff,
    );
    expect(new Set(recent.map((r) => r.id))).toEqual(new Set(expected.map((u) => u.UserId)));

    const group = listed.flatMap((u) => u.Groups)[0]!;
    const members = await walkPages(server, users(`&group_id=${group.Id}&limit=1000`));
    expect(new Set(members.map((r) => r.id))).toEqual(
      new Set(listed.filter((u) => u.Groups.some((g) => g.Id === group.Id)).map((u) => u.UserId)),
    );

    const team = listed[7]!.TeamId;
    const teamPage = await server.request('GET', users(`&group_id=${team}&limit=1000`));
    expect(teamPage.headers.get('x-switchboard-filters-vendor')).toBe('group_id[eq]');
    const teamMembers = await walkPages(server, users(`&group_id=${team}&limit=1000`));
    expect(new Set(teamMembers.map((r) => r.id))).toEqual(
      new Set(listed.filter((u) => u.TeamId === team).map((u) => u.UserId)),
    );
  });

  it('sorts through the vendor with a stable tiebreak', async () => {
    const sorted = await walkPages(server, users('&sort_by=-created_at&limit=1000'));
    const expected = [...listed].sort((a, b) =>
      a.CreatedOn === b.CreatedOn ? (a.UserId < b.UserId ? -1 : 1) : a.CreatedOn < b.CreatedOn ? 1 : -1,
    );
    expect(sorted.map((r) => r.id)).toEqual(expected.map((u) => u.UserId));
  });

  it('refuses unknown filters, bad operators and bad values with a clear 400', async () => {
    for (const [query, text] of [
      ['&favourite_colour=red', 'no filter "favourite_colour"'],
      ['&created_at[like]=2024', 'accepts the operators'],
      ['&status=gone', 'must be one of active, inactive'],
      ['&created_at[gt]=yesterday', 'ISO 8601'],
      ['&limit=1001', 'limit must be'],
      ['&sort_by=favourite_colour', 'sort_by accepts'],
      ['&truto_response_format=xml', 'truto_response_format'],
      ['&first_name=', 'needs a value'],
    ]) {
      const response = await server.request('GET', users(query));
      expect(response.status, query).toBe(400);
      expect(response.body.message, query).toContain(text);
    }
  });

  it('honours truto_key_by, truto_exclude_fields, truto_ignore_remote_data and normalized', async () => {
    const keyed = await server.request('GET', users('&limit=5&truto_key_by=id'));
    expect(Object.keys(keyed.body.result)).toHaveLength(5);
    const [id, record] = Object.entries(keyed.body.result)[0] as [string, { id: string }];
    expect(record.id).toBe(id);

    const slim = await server.request(
      'GET',
      users('&limit=5&truto_exclude_fields=phones,remote_data&truto_exclude_fields[]=groups'),
    );
    expect(slim.status).toBe(200); // a comma list and the array form may be mixed
    expect(Object.keys(slim.body.result[0])).not.toEqual(expect.arrayContaining(['phones']));
    expect(slim.body.result[0].remote_data).toBeUndefined();
    expect(slim.body.result[0].groups).toBeUndefined();
    const excluded = await server.request(
      'GET',
      users('&limit=5&truto_exclude_fields[]=phones&truto_exclude_fields[]=groups'),
    );
    expect(Object.keys(excluded.body.result[0])).not.toContain('phones');
    expect(Object.keys(excluded.body.result[0])).not.toContain('groups');
    const comma = await server.request('GET', users('&limit=5&truto_exclude_fields=phones,groups'));
    expect(Object.keys(comma.body.result[0])).not.toContain('groups');

    const noRemote = await server.request('GET', users('&limit=5&truto_ignore_remote_data=true'));
    expect(noRemote.body.result[0].remote_data).toBeUndefined();
    expect(noRemote.body.result[0].id).toBeTruthy();

    const normalized = await server.request('GET', users('&limit=5&truto_response_format=normalized'));
    for (const r of normalized.body.result) {
      expect(r.remote_data).toBeUndefined();
      expect(Object.values(r).every((v) => v !== null && !(Array.isArray(v) && v.length === 0))).toBe(true);
    }
  });

  it('returns the vendor body with truto_response_format=raw', async () => {
    const raw = await server.request('GET', users('&limit=3&truto_response_format=raw'));
    expect(raw.body.result.Users).toHaveLength(3);
    expect(typeof raw.body.result.RecordCount).toBe('number');
    expect(raw.body.result.Users[0].UserId).toBeTruthy();
    expect(typeof raw.body.result.Users[0].StatusCode).toBe('string');
  });

  it('streams the same records as walking the pages, as NDJSON', async () => {
    const response = await fetch(`${server.url}${users('&truto_response_format=stream&status=active')}`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    const streamed = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const walked = await walkPages(server, users('&status=active&limit=1000'));
    expect(streamed).toEqual(walked);
  });

  it('gets one user (inactive ones too) and 404s an unknown id', async () => {
    const inactive = listed.find((u) => u.StatusCode === 1)!;
    const got = await server.request(
      'GET',
      `/unified/user-directory/users/${inactive.UserId}?integrated_account_id=${accountId}`,
    );
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: inactive.UserId, status: 'inactive' });
    const missing = await server.request(
      'GET',
      `/unified/user-directory/users/00000000-0000-0000-0000-000000000000?integrated_account_id=${accountId}`,
    );
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
  });

  it('lists groups (sales groups and teams) and the four roles', async () => {
    const tenant = sandbox.control.tenantOf(sandbox.accessKey)!;
    const groups = await walkPages(
      server,
      `/unified/user-directory/groups?integrated_account_id=${accountId}&limit=10`,
    );
    const salesGroups = groups.filter((g) => g.group_type === 'group');
    const teams = groups.filter((g) => g.group_type === 'team');
    expect(salesGroups.map((g) => g.id).sort()).toEqual(
      tenant.groups
        .filter((g) => !g.deleted)
        .map((g) => g.id)
        .sort(),
    );
    expect(teams.map((t) => t.id).sort()).toEqual(tenant.teams.teams.map((t) => t.id).sort());
    expect(teams.filter((t) => t.parent_id === null)).toHaveLength(1);

    const roles = await server.request(
      'GET',
      `/unified/user-directory/roles?integrated_account_id=${accountId}`,
    );
    expect(roles.body.result.map((r: { id: string }) => r.id).sort()).toEqual([
      'Administrator',
      'Marketing_User',
      'Sales_Manager',
      'Sales_User',
    ]);
    const role = await server.request(
      'GET',
      `/unified/user-directory/roles/Sales_User?integrated_account_id=${accountId}`,
    );
    expect(role.body).toMatchObject({ id: 'Sales_User', name: 'Sales User' });
  });

  it('maps crm/users with is_active and email filters', async () => {
    const active = await walkPages(
      server,
      `/unified/crm/users?integrated_account_id=${accountId}&is_active=true&limit=1000`,
    );
    expect(active).toHaveLength(listed.filter((u) => u.StatusCode === 0).length);
    const one = active[0]!;
    expect(Object.keys(one).sort()).toEqual(
      [
        'created_at',
        'email',
        'first_name',
        'id',
        'is_active',
        'last_name',
        'name',
        'remote_data',
        'updated_at',
      ].sort(),
    );
  });

  it('describes each method: where filters apply, sorts, page sizes, write bodies', async () => {
    const list = await server.request(
      'GET',
      `/unified/user-directory/users/meta/list?integrated_account_id=${accountId}`,
    );
    expect(list.body.query_schema.status.applied_by).toContain('vendor');
    expect(list.body.query_schema.created_at.applied_by).toBe('switchboard');
    expect(list.body.query_schema.limit.maximum).toBe(1000);
    const create = await server.request('GET', '/unified/user-directory/users/leadsquared/meta/create');
    expect(create.body.request_body_schema.required).toEqual(['first_name', 'role', 'email']);
    const addUser = await server.request('GET', '/unified/user-directory/groups/leadsquared/meta/add-user');
    expect(Object.keys(addUser.body.request_body_schema.properties)).toContain('permissions');
    const hubspot = await server.request('GET', '/unified/crm/users/hubspot/meta/list');
    expect(hubspot.body.query_schema.sort_by.values).toEqual([]);
  });

  it('rejects a tampered cursor and a cursor reused with other filters', async () => {
    const first = await server.request('GET', users('&limit=10'));
    const cursor: string = first.body.next_cursor;
    const tampered = `${cursor.slice(0, 5)}${cursor[5] === 'A' ? 'B' : 'A'}${cursor.slice(6)}`;
    const bad = await server.request('GET', users(`&limit=10&next_cursor=${encodeURIComponent(tampered)}`));
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('INVALID_CURSOR');
    const moved = await server.request(
      'GET',
      users(`&limit=10&status=active&next_cursor=${encodeURIComponent(cursor)}`),
    );
    expect(moved.status).toBe(400);
  });

  it('hides the account from another environment', async () => {
    const other = await createEnvironment(server.services.db, 'other');
    const { token } = await createApiToken(server.services.db, other.id, 'other');
    const response = await server.request('GET', users(), undefined, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(404);
    const proxied = await server.request(
      'GET',
      `/proxy/users?integrated_account_id=${accountId}`,
      undefined,
      {
        authorization: `Bearer ${token}`,
      },
    );
    expect(proxied.status).toBe(404);
  });

  it('proxies LeadSquared resources one page per call', async () => {
    const roster = await server.request('GET', `/proxy/users?integrated_account_id=${accountId}`);
    expect(roster.body.result.length).toBe(listed.length);
    expect(roster.body.next_cursor).toBeNull();
    expect(typeof roster.body.result[0].StatusCode).toBe('number');

    const search = await walkPages(
      server,
      `/proxy/user-search?integrated_account_id=${accountId}&limit=1000`,
    );
    expect(search).toHaveLength(listed.length);

    const group = listed.flatMap((u) => u.Groups)[0]!;
    const members = await server.request(
      'GET',
      `/proxy/sales-group-users?integrated_account_id=${accountId}&GroupId=${group.Id}`,
    );
    expect(members.body.result.length).toBeGreaterThan(0);
    const noGroup = await server.request(
      'GET',
      `/proxy/sales-group-users?integrated_account_id=${accountId}`,
    );
    expect(noGroup.status).toBe(400);

    const inactive = listed.find((u) => u.StatusCode === 1)!;
    const byId = await server.request(
      'GET',
      `/proxy/users/${inactive.UserId}?integrated_account_id=${accountId}`,
    );
    expect(byId.status).toBe(404); // LeadSquared answers [] for an inactive user

    const custom = await server.request(
      'GET',
      `/custom/TeamManagement.svc/Retrieve?integrated_account_id=${accountId}&getHierarchical=true`,
    );
    expect(custom.status).toBe(200);
    expect(custom.body.result.Teams).toHaveLength(1);
    const escaped = await server.request('GET', `/custom/../v1/x?integrated_account_id=${accountId}`);
    expect(escaped.status).toBeGreaterThanOrEqual(400);
    expect(escaped.status).toBeLessThan(500);
  });

  it('moves the account to needs_reauth on a vendor 401 and back to active on the next success', async () => {
    sandbox.control.setFaults([{ kind: 'error', status: 401, pathPrefix: '/v2/UserManagement.svc' }]);
    const refused = await server.request('GET', users('&limit=1'));
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ truto_is_remote_error: true });
    expect((await server.request('GET', `/integrated-account/${accountId}`)).body.status).toBe(
      'needs_reauth',
    );
    sandbox.control.clearFaults();
    const ok = await server.request('GET', users('&limit=1'));
    expect(ok.status).toBe(200);
    expect((await server.request('GET', `/integrated-account/${accountId}`)).body.status).toBe('active');
  });
});
