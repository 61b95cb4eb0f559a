/**
 * Unified and proxy writes against the LeadSquared sandbox: users created, changed, deactivated and
 * reactivated; sales-group membership through LeadSquared's asynchronous API; Idempotency-Key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LeadSquaredSandbox, startLeadSquaredSandbox } from '../src/sandboxes/leadsquared/index.ts';
import { startTestServer, type TestServer } from './support/server.ts';

describe('writes over LeadSquared', () => {
  let sandbox: LeadSquaredSandbox;
  let server: TestServer;
  let accountId: string;
  const path = (p: string) => `${p}${p.includes('?') ? '&' : '?'}integrated_account_id=${accountId}`;
  let counter = 0;
  const newEmail = () => `new.rep${++counter}.${Date.now()}@example.com`;

  beforeAll(async () => {
    sandbox = await startLeadSquaredSandbox({ users: 300, seed: 5, rateLimit: false, asyncDelayMs: 20 });
    server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url });
    const created = await server.request('POST', '/integrated-account', {
      integration: 'leadsquared',
      tenant_id: 'acme',
      context: { access_key: sandbox.accessKey, secret_key: sandbox.secretKey, api_host: sandbox.url },
    });
    accountId = created.body.id;
    // The sandbox's limit is off here; so is Switchboard's pacing (tested in resilience.test.ts).
    await server.request('PATCH', `/integrated-account/${accountId}`, {
      rate_limit: { calls: 100_000, window_seconds: 1 },
    });
  });
  afterAll(async () => {
    await server?.close();
    await sandbox?.close();
  });

  const someTeam = () => [...sandbox.control.users()][3]!.TeamId;

  it('creates a user that the unified list then returns with the same fields', async () => {
    const email = newEmail();
    const team = someTeam();
    const manager = [...sandbox.control.users()].find((u) => u.StatusCode === 0)!.UserId;
    const created = await server.request('POST', path('/unified/user-directory/users'), {
      first_name: 'Asha',
      last_name: 'Rao',
      email,
      role: 'Sales_User',
      title: 'Inside Sales Rep',
      phones: [{ number: '+91-9000000001', type: 'mobile' }],
      timezone: 'Asia/Kolkata',
      team_id: team,
      manager_id: manager,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      first_name: 'Asha',
      last_name: 'Rao',
      emails: [{ email }],
      status: 'active',
      roles: [{ id: 'Sales_User' }],
      title: 'Inside Sales Rep',
      manager_id: manager,
      timezone: 'Asia/Kolkata',
    });
    expect(sandbox.control.user(email)).toMatchObject({
      FirstName: 'Asha',
      TeamId: team,
      ManagerUserId: manager,
    });
    const listed = await server.request(
      'GET',
      path(`/unified/user-directory/users?email=${encodeURIComponent(email)}`),
    );
    const { remote_data: _a, ...fromList } = listed.body.result[0];
    const { remote_data: _b, ...fromCreate } = created.body;
    expect(fromList).toEqual(fromCreate);
  });

  it('names the missing fields, refuses a bad role and a duplicate email', async () => {
    const missing = await server.request('POST', path('/unified/user-directory/users'), { last_name: 'X' });
    expect(missing.status).toBe(400);
    expect(missing.body.truto_error_insight.missing_required_body_fields.value).toEqual([
      'first_name',
      'role',
      'email',
    ]);

    const badRole = await server.request('POST', path('/unified/user-directory/users'), {
      first_name: 'A',
      email: newEmail(),
      role: 'Boss',
    });
    expect(badRole.status).toBe(400);
    expect(badRole.body.message).toContain('Sales_User');

    const taken = [...sandbox.control.users()][10]!.EmailAddress;
    const duplicate = await server.request('POST', path('/unified/user-directory/users'), {
      first_name: 'A',
      email: taken,
      role: 'Sales_User',
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({
      truto_is_remote_error: true,
      raw_response: { ExceptionType: 'MXDuplicateEntryException' },
    });

    const unknownField = await server.request('POST', path('/unified/user-directory/users'), {
      first_name: 'A',
      email: newEmail(),
      role: 'Sales_User',
      shoe_size: 9,
    });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.message).toContain('shoe_size');
  });

  it('updates a user, changes the manager, and refuses an email change', async () => {
    const user = [...sandbox.control.users()].find((u) => u.StatusCode === 0 && u.Role === 'Sales_User')!;
    const manager = [...sandbox.control.users()].find(
      (u) => u.Role === 'Sales_Manager' && u.StatusCode === 0,
    )!;
    const patched = await server.request('PATCH', path(`/unified/user-directory/users/${user.UserId}`), {
      last_name: 'Renamed',
      role: 'Sales_Manager',
      manager_id: manager.UserId,
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({
      last_name: 'Renamed',
      roles: [{ id: 'Sales_Manager' }],
      manager_id: manager.UserId,
    });
    const email = await server.request('PATCH', path(`/unified/user-directory/users/${user.UserId}`), {
      email: 'x@example.com',
    });
    expect(email.status).toBe(400);
    expect(email.body.message).toContain('cannot change');
  });

  it('deactivates on DELETE and activates with the custom method', async () => {
    const user = [...sandbox.control.users()].find((u) => u.StatusCode === 0 && u.Role === 'Sales_User')!;
    const deleted = await server.request('DELETE', path(`/unified/user-directory/users/${user.UserId}`));
    expect(deleted.body).toEqual({ id: user.UserId });
    const read = await server.request('GET', path(`/unified/user-directory/users/${user.UserId}`));
    expect(read.body.status).toBe('inactive');
    const activated = await server.request('POST', path('/unified/user-directory/users/activate'), {
      id: user.UserId,
    });
    expect(activated.status).toBe(200);
    expect(activated.body.result).toMatchObject({ id: user.UserId, status: 'active' });
    const deactivated = await server.request('POST', path('/unified/user-directory/users/deactivate'), {
      id: user.UserId,
    });
    expect(deactivated.body.result.status).toBe('inactive');
  });

  it('creates a sales group, adds a user asynchronously, and the membership shows up', async () => {
    const group = await server.request('POST', path('/unified/user-directory/groups'), {
      name: 'Night Shift',
      description: 'APAC',
    });
    expect(group.status).toBe(201);
    expect(group.body).toMatchObject({ name: 'Night Shift', group_type: 'group' });
    const user = [...sandbox.control.users()].find((u) => u.StatusCode === 0 && u.Role === 'Sales_User')!;
    const added = await server.request('POST', path('/unified/user-directory/groups/add-user'), {
      group_id: group.body.id,
      user_id: user.UserId,
      permissions: { view_all_leads: true },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body.result).toMatchObject({ status: 'pending', group_id: group.body.id });
    const requestId = added.body.result.async_request_id;
    await sandbox.control.settle();
    let outcome = await server.request('GET', `/async-request/${requestId}`);
    for (let i = 0; i < 50 && outcome.body.status === 'pending'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      outcome = await server.request('GET', `/async-request/${requestId}`);
    }
    expect(outcome.body.status).toBe('completed');
    const members = await server.request(
      'GET',
      path(`/unified/user-directory/users?group_id=${group.body.id}`),
    );
    expect(members.body.result.map((u: { id: string }) => u.id)).toEqual([user.UserId]);

    const removed = await server.request('POST', path('/unified/user-directory/groups/remove-user'), {
      group_id: group.body.id,
      user_ids: [user.UserId],
    });
    expect(removed.body.result.status).toBe('pending');
    await sandbox.control.settle();
    let gone = await server.request('GET', `/async-request/${removed.body.result.async_request_id}`);
    for (let i = 0; i < 50 && gone.body.status === 'pending'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      gone = await server.request('GET', `/async-request/${removed.body.result.async_request_id}`);
    }
    expect(gone.body.status).toBe('completed');

    const deleted = await server.request('DELETE', path(`/unified/user-directory/groups/${group.body.id}`));
    expect(deleted.body).toEqual({ id: group.body.id });
  });

  it('replays an Idempotency-Key without calling the vendor again, and refuses it for another body', async () => {
    const email = newEmail();
    const body = { first_name: 'Idem', email, role: 'Sales_User' };
    const key = { 'idempotency-key': `create-${email}` };
    const first = await server.request('POST', path('/unified/user-directory/users'), body, key);
    expect(first.status).toBe(201);
    const before = sandbox.control.stats().total_requests;
    const again = await server.request('POST', path('/unified/user-directory/users'), body, key);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(sandbox.control.stats().total_requests).toBe(before);
    const other = await server.request(
      'POST',
      path('/unified/user-directory/users'),
      { ...body, first_name: 'Other' },
      key,
    );
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('leaves exactly one user when the connection is reset after the vendor created it and the client retries', async () => {
    const email = newEmail();
    const body = { first_name: 'Reset', email, role: 'Sales_User' };
    const key = { 'idempotency-key': `reset-${email}` };
    // The vendor creates the user, then the connection drops halfway through its answer.
    sandbox.control.setFaults([{ kind: 'truncate', pathPrefix: '/v2/UserManagement.svc/User/Create' }]);
    const first = await server.request('POST', path('/unified/user-directory/users'), body, key);
    sandbox.control.clearFaults();
    const retried = await server.request('POST', path('/unified/user-directory/users'), body, key);
    expect(first.status === 201 || retried.status === 201, `${first.status} then ${retried.status}`).toBe(
      true,
    );
    const final = retried.status === 201 ? retried : first;
    expect(final.body).toMatchObject({ first_name: 'Reset', emails: [{ email }] });
    const matches = [...sandbox.control.users()].filter((u) => u.EmailAddress === email);
    expect(matches).toHaveLength(1);
  });

  it('writes through the proxy and custom APIs with the vendor’s own bodies', async () => {
    const email = newEmail();
    const created = await server.request(
      'POST',
      path('/proxy/users'),
      { FirstName: 'Proxy', EmailAddress: email, Role: 'Sales_User' },
      { 'idempotency-key': `proxy-${email}` },
    );
    expect(created.status).toBe(201);
    const id = created.body.Message.Id;
    expect(sandbox.control.user(email)?.UserId).toBe(id);

    const replay = await server.request(
      'POST',
      path('/proxy/users'),
      { FirstName: 'Proxy', EmailAddress: email, Role: 'Sales_User' },
      { 'idempotency-key': `proxy-${email}` },
    );
    expect(replay.body).toEqual(created.body);

    const updated = await server.request('PATCH', path(`/proxy/users/${id}`), {
      user: { LastName: 'Via Proxy' },
    });
    expect(updated.status).toBe(200);
    expect(sandbox.control.user(id)?.LastName).toBe('Via Proxy');

    const deactivated = await server.request('POST', path('/proxy/users/deactivate'), { UserId: id });
    expect(deactivated.body).toEqual({ Status: 'Success' });
    expect(sandbox.control.user(id)?.StatusCode).toBe(1);
    const obsolete = await server.request('POST', path('/proxy/users/mark-obsolete'), { UserId: id });
    expect(obsolete.status).toBe(200);

    const group = await server.request('POST', path('/proxy/sales-groups'), { Name: 'Proxy Group' });
    expect(group.status).toBe(201);
    const removed = await server.request('DELETE', path(`/proxy/sales-groups/${group.body.Message.Id}`));
    expect(removed.body).toEqual({ Status: 'Success' });

    const unknown = await server.request('POST', path('/proxy/users/teleport'), {});
    expect(unknown.status).toBe(405);

    const custom = await server.request(
      'POST',
      path('/custom/UserGroup.svc/Create'),
      { Name: 'Custom Group' },
      { 'idempotency-key': `c-${email}` },
    );
    expect(custom.status).toBe(200);
    expect(custom.body.result.Status).toBe('Success');
  });

  it('updates crm users (names, is_active)', async () => {
    const user = [...sandbox.control.users()].find((u) => u.StatusCode === 0 && u.Role === 'Sales_User')!;
    const patched = await server.request('PATCH', path(`/unified/crm/users/${user.UserId}`), {
      first_name: 'Crm',
      is_active: false,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ first_name: 'Crm', is_active: false });
  });
});
