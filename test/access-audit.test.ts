/**
 * The access-audit report (GET /reports/access-audit) in JSON and CSV, checked user by user against the
 * LeadSquared sandbox's own data after a sync.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvField } from '../src/reports/access-audit.ts';
import { type LeadSquaredSandbox, startLeadSquaredSandbox } from '../src/sandboxes/leadsquared/index.ts';
import { startTestServer, TEST_DATABASES, type TestServer } from './support/server.ts';
import { finished } from './sync-support.ts';

// biome-ignore lint/suspicious/noExplicitAny: test JSON
type Json = Record<string, any>;

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

describe('csv fields', () => {
  it('quotes what needs quoting and defuses spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField(null)).toBe('');
    expect(csvField('a, "b"')).toBe('"a, ""b"""');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('+91 22')).toBe("'+91 22");
  });
});

describe.each(TEST_DATABASES)('access-audit report on %s', (database) => {
  let sandbox: LeadSquaredSandbox;
  let server: TestServer;
  let accountId: string;
  let run: Json;

  beforeAll(async () => {
    sandbox = await startLeadSquaredSandbox({ users: 300, seed: 21, rateLimit: false });
    server = await startTestServer(
      { SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url, SWITCHBOARD_JOBS_POLL_MS: '100', LOG_LEVEL: 'warn' },
      database,
    );
    const account = await server.request('POST', '/integrated-account', {
      integration: 'leadsquared',
      tenant_id: 'globex west',
      context: { access_key: sandbox.accessKey, secret_key: sandbox.secretKey, api_host: sandbox.url },
    });
    accountId = account.body.id;
  });
  afterAll(async () => {
    await server?.close();
    await sandbox?.close();
  });

  it('is a 404 until a sync has completed', async () => {
    const none = await server.request('GET', `/reports/access-audit?integrated_account_id=${accountId}`);
    expect(none.status).toBe(404);
    expect(none.body.message).toContain('POST /sync-job-run');
    const started = await server.request('POST', '/sync-job-run', { integrated_account_id: accountId });
    run = await finished((p) => server.request('GET', p), started.body.id);
    expect(run.status).toBe('completed');
    const unknown = await server.request('GET', '/reports/access-audit?integrated_account_id=nope');
    expect(unknown.status).toBe(404);
    const badFormat = await server.request(
      'GET',
      `/reports/access-audit?integrated_account_id=${accountId}&format=xlsx`,
    );
    expect(badFormat.status).toBe(400);
  });

  it('lists every user with status, roles, groups, team and manager, as JSON', async () => {
    const response = await server.request('GET', `/reports/access-audit?integrated_account_id=${accountId}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('x-switchboard-snapshot-taken-at')).toBe(run.finished_at);
    const report = response.body;
    const users = [...sandbox.control.users()];
    expect(report).toMatchObject({
      integrated_account_id: accountId,
      integration: 'leadsquared',
      tenant_id: 'globex west',
      snapshot: { sync_job_run_id: run.id, taken_at: run.finished_at },
      sync_in_progress: false,
      count: users.length,
    });
    expect(report.users).toHaveLength(users.length);
    const byId = new Map<string, Json>(report.users.map((u: Json) => [u.id, u]));
    const sandboxById = new Map(users.map((u) => [u.UserId, u]));
    for (const user of users) {
      const row = byId.get(user.UserId)!;
      expect(row, user.UserId).toBeDefined();
      const manager = user.ManagerUserId ? sandboxById.get(user.ManagerUserId) : undefined;
      expect(row).toEqual({
        id: user.UserId,
        name: [user.FirstName, user.LastName].filter(Boolean).join(' '),
        email: user.EmailAddress,
        title: user.attributes['Designation'] || null,
        status: user.StatusCode === 0 ? 'active' : 'inactive',
        roles: [{ id: user.Role, name: expect.any(String) }],
        groups: user.Groups.map((g) => ({ id: g.Id, name: g.Name })),
        team: { id: user.TeamId, name: user.TeamName },
        manager: user.ManagerUserId
          ? {
              id: user.ManagerUserId,
              name: [manager!.FirstName, manager!.LastName].filter(Boolean).join(' '),
              email: manager!.EmailAddress,
            }
          : null,
        created_at: expect.any(String),
        updated_at: expect.any(String),
        last_changed_at: expect.any(String),
      });
    }
    expect(report.users.filter((u: Json) => u.status === 'inactive').length).toBeGreaterThan(0);
    expect(report.users.filter((u: Json) => u.groups.length > 1).length).toBeGreaterThan(0);
  });

  it('and as CSV, one row per user', async () => {
    const response = await server.request(
      'GET',
      `/reports/access-audit?integrated_account_id=${accountId}&format=csv`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="access-audit-globex_west-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const [columns, ...rows] = parseCsv(response.text);
    expect(columns).toEqual([
      'user_id',
      'name',
      'email',
      'title',
      'status',
      'roles',
      'role_ids',
      'groups',
      'group_ids',
      'team',
      'team_id',
      'manager_id',
      'manager_name',
      'manager_email',
      'created_at',
      'updated_at',
      'last_changed_at',
      'snapshot_taken_at',
    ]);
    const users = [...sandbox.control.users()];
    expect(rows).toHaveLength(users.length);
    const byId = new Map(rows.map((r) => [r[0], Object.fromEntries(columns!.map((c, i) => [c, r[i]]))]));
    for (const user of users) {
      const row = byId.get(user.UserId)!;
      expect(row).toMatchObject({
        email: user.EmailAddress,
        status: user.StatusCode === 0 ? 'active' : 'inactive',
        role_ids: user.Role,
        groups: user.Groups.map((g) => g.Name).join('; '),
        group_ids: user.Groups.map((g) => g.Id).join('; '),
        team: user.TeamName,
        team_id: user.TeamId,
        manager_id: user.ManagerUserId ?? '',
        snapshot_taken_at: run.finished_at,
      });
    }
  });
});
