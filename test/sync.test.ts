/**
 * Directory sync against the LeadSquared sandbox over real HTTP, with a local webhook receiver that verifies
 * every delivery's signatures: the baseline is silent; users created, deactivated, given another role,
 * another manager and moved between sales groups through the sandbox's own API produce exactly the matching
 * events; a re-sync of an unchanged directory produces none; one run per account at a time; schedules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LeadSquaredSandbox, startLeadSquaredSandbox } from '../src/sandboxes/leadsquared/index.ts';
import { LsqClient } from '../src/sandboxes/leadsquared/testing.ts';
import { createApiToken, createEnvironment } from '../src/store/tenancy.ts';
import { startTestServer, TEST_DATABASES, type TestServer } from './support/server.ts';
import { deliveredRun, finished, Receiver, summarize, until } from './sync-support.ts';

const UM = '/v2/UserManagement.svc';
const UG = '/v2/UserGroup.svc';
const USERS = 'user-directory/users';
const GROUPS = 'user-directory/groups';

// biome-ignore lint/suspicious/noExplicitAny: test JSON
type Json = Record<string, any>;

describe.each(TEST_DATABASES)('directory sync on %s', (database) => {
  let sandbox: LeadSquaredSandbox;
  let lsq: LsqClient;
  let server: TestServer;
  let accountId: string;
  const receiver = new Receiver();
  const get = (path: string) => server.request('GET', path);

  async function sync(body: Json = {}): Promise<Json> {
    const started = await server.request('POST', '/sync-job-run', {
      integrated_account_id: accountId,
      ...body,
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const run = await finished(get, started.body.id);
    expect(run.status, JSON.stringify(run.error)).toBe('completed');
    return run;
  }

  /** Sales groups and teams as the vendor reports them, by id (to know which group records change). */
  async function vendorGroups(): Promise<Map<string, string>> {
    const groups = await lsq.get<{ UserGroups?: Json[] }>(`${UG}/Retrieve`);
    const teams = await lsq.get<{ Teams?: Json[] }>('/v2/TeamManagement.svc/Retrieve', {
      query: { getHierarchical: 'false' },
    });
    const all = new Map<string, string>();
    for (const g of groups.json.UserGroups ?? []) all.set(g.GroupId, JSON.stringify(g));
    for (const t of teams.json.Teams ?? []) all.set(t.TeamId, JSON.stringify({ ...t, ChildTeams: null }));
    return all;
  }

  beforeAll(async () => {
    await receiver.up();
    sandbox = await startLeadSquaredSandbox({ users: 400, seed: 11, rateLimit: false, asyncDelayMs: 20 });
    lsq = new LsqClient(sandbox);
    server = await startTestServer(
      {
        SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url,
        SWITCHBOARD_ALLOW_WEBHOOK_TARGETS: receiver.origin,
        SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE: '200ms,300ms,400ms',
        SWITCHBOARD_JOBS_POLL_MS: '100',
        SWITCHBOARD_JOBS_MAINTENANCE_SECONDS: '1',
        SWITCHBOARD_SYNC_SWEEP_SECONDS: '1',
        LOG_LEVEL: 'warn',
      },
      database,
    );
    const account = await server.request('POST', '/integrated-account', {
      integration: 'leadsquared',
      tenant_id: 'acme',
      context: { access_key: sandbox.accessKey, secret_key: sandbox.secretKey, api_host: sandbox.url },
    });
    expect(account.body.status).toBe('active');
    accountId = account.body.id;
    const webhook = await server.request('POST', '/webhook', {
      target_url: `${receiver.origin}/sync`,
      event_types: ['*'],
    });
    expect(webhook.status).toBe(201);
    receiver.secret = webhook.body.secret;
  });

  afterAll(async () => {
    await server?.close();
    await sandbox?.close();
    await receiver.down();
  });

  it('builds the baseline silently: sync_job_run:started and :completed, no record events', async () => {
    const run = await sync();
    const users = [...sandbox.control.users()].length;
    expect(run).toMatchObject({
      integrated_account_id: accountId,
      triggered_by: 'api',
      resources: [USERS, GROUPS, 'user-directory/roles'],
      counts: { updated: 0, deleted: 0, events: 0 },
      progress: { [USERS]: { phase: 'done', baseline: true, fetched: users } },
      attempts: 1,
    });
    expect(run.counts.created).toBe(run.counts.fetched);
    expect(run.counts.fetched).toBeGreaterThan(users);
    const events = await deliveredRun(receiver, run);
    expect(events.map((e) => e.event).sort()).toEqual(['sync_job_run:completed', 'sync_job_run:started']);
    const completed = events.find((e) => e.event === 'sync_job_run:completed')!;
    expect(completed.payload).toMatchObject({ id: run.id, status: 'completed', counts: run.counts });
    expect(receiver.verificationErrors).toEqual([]);
  });

  it('turns users created, deactivated, re-roled, re-managed and moved between groups into exactly those events', async () => {
    const everyone = [...sandbox.control.users()];
    const salesUsers = everyone.filter((u) => u.StatusCode === 0 && u.Role === 'Sales_User');
    const groupOf = (u: (typeof everyone)[number]) => u.Groups;
    const deactivated = salesUsers[1]!;
    const promoted = salesUsers[2]!;
    const reassigned = salesUsers[3]!;
    const mover = salesUsers.find((u, i) => i > 3 && groupOf(u).length === 1)!;
    const from = mover.Groups[0]!.Id;
    const to = sandbox.control.data.groups.map((g) => g.id).find((id) => id !== from)!;
    const newManager = everyone.find(
      (u) => u.Role === 'Sales_Manager' && u.StatusCode === 0 && u.UserId !== reassigned.ManagerUserId,
    )!;
    const groupsBefore = await vendorGroups();

    // Every change through LeadSquared's own API.
    const email = `nadia.verma.${Date.now()}@example.com`;
    const created = await lsq.post<Json>(`${UM}/User/Create`, {
      FirstName: 'Nadia',
      LastName: 'Verma',
      EmailAddress: email,
      Role: 'Sales_User',
      Password: 'S3cure!pass',
    });
    expect(created.json.Status, created.text).toBe('Success');
    const newId: string = created.json.Message.Id;
    expect((await lsq.post<Json>(`${UM}/User/Deactivate?userId=${deactivated.UserId}`)).json.Status).toBe(
      'Success',
    );
    const role = await lsq.post<Json>(`${UM}/User/Update?UserId=${promoted.UserId}`, {
      user: { Role: 'Sales_Manager' },
    });
    expect(role.json.Status, role.text).toBe('Success');
    const manager = await lsq.post<Json>(`${UM}/UpdateReportingManagerInBulk`, [
      { UserId: reassigned.UserId, ManagerId: newManager.UserId },
    ]);
    expect(manager.json.Status, manager.text).toBe('Success');
    const removed = await lsq.post<Json>(`${UG}/RemoveUsers`, { GroupId: from, UserIds: [mover.UserId] });
    expect(removed.json.Status, removed.text).toBe('Success');
    const added = await lsq.post<Json>(`${UG}/AddUsers`, {
      GroupId: to,
      GroupUsers: [{ UserId: mover.UserId }],
    });
    expect(added.json.Status, added.text).toBe('Success');
    await sandbox.control.settle();
    expect(sandbox.control.user(mover.UserId)!.Groups.map((g) => g.Id)).toEqual([to]);
    const newUser = sandbox.control.user(newId)!;

    // Which group and team records changed (their member counts), as the vendor reports them.
    const groupsAfter = await vendorGroups();
    const changedGroups = [...groupsAfter.keys()].filter(
      (id) => groupsBefore.get(id) !== groupsAfter.get(id),
    );
    expect(changedGroups).toEqual(expect.arrayContaining([from, to, newUser.TeamId]));

    const run = await sync();
    const events = await deliveredRun(receiver, run);
    expect(receiver.verificationErrors).toEqual([]);
    const expected = [
      `record:created ${USERS} ${newId}`,
      `user:created ${newId}`,
      `group:member_added ${newId} team:${newUser.TeamId}`,
      `record:updated ${USERS} ${deactivated.UserId}`,
      `user:deactivated ${deactivated.UserId}`,
      `record:updated ${USERS} ${promoted.UserId}`,
      `user:role_changed ${promoted.UserId}`,
      `record:updated ${USERS} ${reassigned.UserId}`,
      `user:manager_changed ${reassigned.UserId}`,
      `record:updated ${USERS} ${mover.UserId}`,
      `group:member_removed ${mover.UserId} group:${from}`,
      `group:member_added ${mover.UserId} group:${to}`,
      ...changedGroups.map((id) => `record:updated ${GROUPS} ${id}`),
    ].sort();
    expect(summarize(events), JSON.stringify(run.counts)).toEqual(expected);
    expect(run.counts).toMatchObject({
      created: 1,
      updated: 4 + changedGroups.length,
      deleted: 0,
      events: expected.length,
    });

    // The payloads say what changed.
    const of = (event: string, id: string) =>
      events.find((e) => e.event === event && (e.payload.record_id ?? e.payload.user?.id) === id)!.payload;
    expect(of('user:deactivated', deactivated.UserId)).toMatchObject({
      integrated_account_id: accountId,
      integration: 'leadsquared',
      tenant_id: 'acme',
      sync_job_run_id: run.id,
      previous_status: 'active',
      user: { id: deactivated.UserId, status: 'inactive' },
    });
    expect(of('record:updated', deactivated.UserId).changed_fields).toContain('status');
    expect(of('record:updated', deactivated.UserId).previous.status).toBe('active');
    expect(of('user:role_changed', promoted.UserId)).toMatchObject({
      previous_roles: [{ id: 'Sales_User' }],
      roles: [{ id: 'Sales_Manager' }],
      roles_added: [{ id: 'Sales_Manager' }],
      roles_removed: [{ id: 'Sales_User' }],
    });
    expect(of('user:manager_changed', reassigned.UserId)).toMatchObject({
      manager_id: newManager.UserId,
      previous_manager_id: reassigned.ManagerUserId,
    });
    expect(of('record:updated', mover.UserId).changed_fields).toContain('groups');
    const moved = events.find((e) => e.event === 'group:member_added' && e.payload.user.id === mover.UserId)!;
    expect(moved.payload).toMatchObject({
      group: { id: to, type: 'group', name: sandbox.control.data.groups.find((g) => g.id === to)!.name },
      user: { id: mover.UserId, email: mover.EmailAddress, status: 'active' },
    });
    expect(of('user:created', newId).user).toMatchObject({ emails: [{ email }], status: 'active' });
    expect(of('user:created', newId).user.remote_data).toBeUndefined();
    // Ids are UUID-shaped, and every delivery carries its id in webhook-id.
    for (const e of events) {
      expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(e.headers['webhook-id']).toBe(e.id);
    }
  });

  it('emits nothing for an unchanged directory', async () => {
    const run = await sync();
    expect(run.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, events: 0 });
    expect(run.counts.unchanged).toBe(run.counts.fetched);
    const events = await deliveredRun(receiver, run);
    expect(events.map((e) => e.event).sort()).toEqual(['sync_job_run:completed', 'sync_job_run:started']);
  });

  it('reactivation is an event too, and a user moved to another team changes membership', async () => {
    const user = [...sandbox.control.users()].find((u) => u.StatusCode === 1 && u.Role === 'Sales_User')!;
    const team = sandbox.control.data.teams.teams.find((t) => t.id !== user.TeamId)!;
    expect((await lsq.post<Json>(`${UM}/User/Activate?userId=${user.UserId}`)).json.Status).toBe('Success');
    const moved = await lsq.post<Json>(`${UM}/User/Update?UserId=${user.UserId}`, {
      user: { TeamId: team.id },
    });
    expect(moved.json.Status, moved.text).toBe('Success');
    const run = await sync({ resources: ['users'] });
    expect(run.resources).toEqual([USERS]);
    const events = summarize(await deliveredRun(receiver, run));
    expect(events).toEqual(
      [
        `group:member_added ${user.UserId} team:${team.id}`,
        `group:member_removed ${user.UserId} team:${user.TeamId}`,
        `record:updated ${USERS} ${user.UserId}`,
        `user:reactivated ${user.UserId}`,
      ].sort(),
    );
  });

  it('runs one sync per account at a time (409 with the active run), and lists runs with counts', async () => {
    sandbox.control.setFaults([{ kind: 'latency', ms: 250, pathPrefix: `${UM}/User/AdvancedSearch` }]);
    try {
      const first = await server.request('POST', '/sync-job-run', {
        integrated_account_id: accountId,
        resources: ['users'],
        page_size: 100,
      });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ status: 'pending', page_size: 100 });
      const second = await server.request('POST', '/sync-job-run', { integrated_account_id: accountId });
      expect(second.status).toBe(409);
      expect(second.body.details.sync_job_run.id).toBe(first.body.id);
      await until(
        'the run to be running',
        async () => (await get(`/sync-job-run/${first.body.id}`)).body.status === 'running',
      );
      const run = await finished(get, first.body.id);
      expect(run).toMatchObject({ status: 'completed', progress: { [USERS]: { pages: 5 } } });
    } finally {
      sandbox.control.clearFaults();
    }

    const all = await get(`/sync-job-run?integrated_account_id=${accountId}`);
    expect(all.body.result.length).toBeGreaterThanOrEqual(5);
    expect(all.body.result.every((r: Json) => r.status === 'completed')).toBe(true);
    const page1 = await get(`/sync-job-run?integrated_account_id=${accountId}&limit=2`);
    expect(page1.body.result.map((r: Json) => r.id)).toEqual(
      all.body.result.slice(0, 2).map((r: Json) => r.id),
    );
    const page2 = await get(
      `/sync-job-run?limit=2&next_cursor=${encodeURIComponent(page1.body.next_cursor)}`,
    );
    expect(page2.body.result.map((r: Json) => r.id)).toEqual(
      all.body.result.slice(2, 4).map((r: Json) => r.id),
    );
    expect((await get('/sync-job-run?status=failed')).body.result).toEqual([]);

    // Another environment sees none of it.
    const env = await createEnvironment(server.services.db, 'sync-other');
    const { token } = await createApiToken(server.services.db, env.id, 'other');
    const asOther = { authorization: `Bearer ${token}` };
    expect(
      (await server.request('GET', `/sync-job-run/${all.body.result[0].id}`, undefined, asOther)).status,
    ).toBe(404);
    expect((await server.request('GET', '/sync-job-run', undefined, asOther)).body.result).toEqual([]);
    const foreign = await server.request(
      'POST',
      '/sync-job-run',
      { integrated_account_id: accountId },
      asOther,
    );
    expect(foreign.status).toBe(404);
    const report = await server.request(
      'GET',
      `/reports/access-audit?integrated_account_id=${accountId}`,
      undefined,
      asOther,
    );
    expect(report.status).toBe(404);
    expect(
      (await server.request('GET', `/integrated-account/${accountId}/sync`, undefined, asOther)).status,
    ).toBe(404);
    expect((await get('/sync-job-run/nope')).status).toBe(404);
    const bad = await server.request('POST', '/sync-job-run', {
      integrated_account_id: accountId,
      resources: ['leads'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('user-directory/users');
  });

  it('syncs on a per-account schedule', async () => {
    const other = await server.request('POST', '/integrated-account', {
      integration: 'leadsquared',
      tenant_id: 'scheduled',
      context: { access_key: sandbox.accessKey, secret_key: sandbox.secretKey, api_host: sandbox.url },
    });
    const id = other.body.id;
    expect((await get(`/integrated-account/${id}/sync`)).body).toMatchObject({
      interval_seconds: null,
      default_interval_seconds: 0,
      effective_interval_seconds: 0,
      next_run_at: null,
      last_run: null,
    });
    const tooOften = await server.request('PATCH', `/integrated-account/${id}/sync`, {
      interval_seconds: 10,
    });
    expect(tooOften.status).toBe(400);
    const set = await server.request('PATCH', `/integrated-account/${id}/sync`, {
      interval_seconds: 3600,
      resources: ['users'],
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toMatchObject({
      interval_seconds: 3600,
      effective_interval_seconds: 3600,
      resources: [USERS],
    });
    const scheduled = await until(
      'a scheduled run',
      async () => (await get(`/sync-job-run?integrated_account_id=${id}`)).body.result[0],
      10_000,
    );
    expect(scheduled).toMatchObject({ triggered_by: 'schedule', resources: [USERS] });
    await finished(get, scheduled.id);
    const schedule = (await get(`/integrated-account/${id}/sync`)).body;
    expect(schedule.last_run.id).toBe(scheduled.id);
    expect(Date.parse(schedule.next_run_at) - Date.parse(scheduled.created_at)).toBe(3600_000);
    expect(schedule.snapshots).toEqual([
      expect.objectContaining({
        resource: USERS,
        sync_job_run_id: scheduled.id,
        records: expect.any(Number),
      }),
    ]);
    // Not due again within the interval.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await get(`/sync-job-run?integrated_account_id=${id}`)).body.result).toHaveLength(1);
    const off = await server.request('PATCH', `/integrated-account/${id}/sync`, { interval_seconds: 0 });
    expect(off.body).toMatchObject({ interval_seconds: 0, effective_interval_seconds: 0, next_run_at: null });
  });

  it('decides deletions only after a complete pass: a failed run deletes nothing, the next one does', async () => {
    const search = `${UM}/User/AdvancedSearch`;
    const gone = [...sandbox.control.users()].find((u) => u.StatusCode === 0 && u.Groups.length > 0)!;
    expect((await lsq.post<Json>(`${UM}/User/Deactivate?userId=${gone.UserId}`)).json.Status).toBe('Success');
    const obsolete = await lsq.post<Json>(`${UM}/User/MarkObsolete?userid=${gone.UserId}`);
    expect(obsolete.json.Status, obsolete.text).toBe('Success');

    // The vendor fails from the third page on: the run fails, and nothing is deleted.
    sandbox.control.setFaults([{ kind: 'latency', ms: 150, pathPrefix: search }]);
    let failed: Json;
    try {
      const started = await server.request('POST', '/sync-job-run', {
        integrated_account_id: accountId,
        resources: ['users'],
        page_size: 100,
      });
      await until(
        'two pages',
        async () => (await get(`/sync-job-run/${started.body.id}`)).body.progress[USERS].pages >= 2,
      );
      sandbox.control.setFaults([{ kind: 'error', status: 400, pathPrefix: search }]);
      failed = await finished(get, started.body.id);
    } finally {
      sandbox.control.clearFaults();
    }
    expect(failed).toMatchObject({ status: 'failed', counts: { deleted: 0 }, error: { status: 400 } });
    expect(failed.progress[USERS].phase).toBe('fetching');
    const failedEvents = await deliveredRun(receiver, failed);
    expect(failedEvents.map((e) => e.event).sort()).toEqual(['sync_job_run:failed', 'sync_job_run:started']);
    expect(failedEvents.find((e) => e.event === 'sync_job_run:failed')!.payload.error.status).toBe(400);
    const report = await get(`/reports/access-audit?integrated_account_id=${accountId}`);
    expect(report.body.users.some((u: Json) => u.id === gone.UserId)).toBe(true);

    const run = await sync({ resources: ['users'] });
    expect(run.counts).toMatchObject({ deleted: 1, created: 0, updated: 0 });
    const events = await deliveredRun(receiver, run);
    expect(summarize(events)).toEqual(
      [
        `record:deleted ${USERS} ${gone.UserId}`,
        `group:member_removed ${gone.UserId} team:${gone.TeamId}`,
        ...gone.Groups.map((g) => `group:member_removed ${gone.UserId} group:${g.Id}`),
      ].sort(),
    );
    const deleted = events.find((e) => e.event === 'record:deleted')!.payload;
    expect(deleted.record).toMatchObject({ id: gone.UserId, emails: [{ email: gone.EmailAddress }] });
    const after = await get(`/reports/access-audit?integrated_account_id=${accountId}`);
    expect(after.body.users.some((u: Json) => u.id === gone.UserId)).toBe(false);
    expect(after.body.snapshot.sync_job_run_id).toBe(run.id);
  });

  it('emits the whole directory on a first sync when emit_initial is asked for', async () => {
    const other = await server.request('POST', '/integrated-account', {
      integration: 'leadsquared',
      tenant_id: 'initial',
      context: { access_key: sandbox.accessKey, secret_key: sandbox.secretKey, api_host: sandbox.url },
    });
    const started = await server.request('POST', '/sync-job-run', {
      integrated_account_id: other.body.id,
      resources: ['roles'],
      emit_initial: true,
    });
    const run = await finished(get, started.body.id);
    expect(run).toMatchObject({
      status: 'completed',
      emit_initial: true,
      progress: { 'user-directory/roles': { baseline: true } },
    });
    const events = await deliveredRun(receiver, run);
    const created = events.filter((e) => e.event === 'record:created');
    expect(created.map((e) => e.payload.record.id).sort()).toEqual(
      ['Administrator', 'Marketing_User', 'Sales_Manager', 'Sales_User'].sort(),
    );
    expect(run.counts.events).toBe(created.length);
  });
});
