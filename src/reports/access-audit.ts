/**
 * The access-audit report: every user of an account with their status, roles, groups, team and manager, as
 * of the latest sync snapshot (docs/sync.md). Read in keyset pages from `sync_records` and streamed, as
 * CSV or JSON, so a directory of any size is reported in constant memory.
 */
import type { Accounts } from '../accounts/accounts.ts';
import { SwitchboardError } from '../errors.ts';
import type { Db } from '../store/database.ts';

/** The people a report lists: directory users where the integration has them, else CRM users. */
export const AUDIT_RESOURCES = ['user-directory/users', 'crm/users'] as const;
const PAGE = 1000;

export interface AuditUser {
  id: string;
  name: string | null;
  email: string | null;
  title: string | null;
  status: string | null;
  roles: Array<{ id: string; name: string | null }>;
  groups: Array<{ id: string; name: string | null }>;
  team: { id: string; name: string | null } | null;
  manager: { id: string; name: string | null; email: string | null } | null;
  created_at: string | null;
  updated_at: string | null;
  /** When Switchboard last saw this user change (or first saw them). */
  last_changed_at: string;
}

export interface AuditHeader {
  integrated_account_id: string;
  integration: string;
  tenant_id: string;
  /** The synced resource the people come from (`user-directory/users` or `crm/users`). */
  resource: string;
  snapshot: { sync_job_run_id: string; taken_at: string };
  /** A run is under way: users it already read may be newer than `taken_at`. */
  sync_in_progress: boolean;
  generated_at: string;
  count: number;
}

export const CSV_COLUMNS = [
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
] as const;

type Json = Record<string, unknown>;

const text = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' ? v : v == null ? null : String(v);

function primaryEmail(user: Json): string | null {
  const emails = user['emails'];
  if (Array.isArray(emails) && emails.length > 0) {
    const primary = emails.find((e) => e?.is_primary) ?? emails[0];
    return text(primary?.email);
  }
  return text(user['email']);
}

export class AccessAuditReport {
  readonly #db: Db;
  readonly #accounts: Accounts;

  constructor(deps: { db: Db; accounts: Accounts }) {
    this.#db = deps.db;
    this.#accounts = deps.accounts;
  }

  /** The report's header; a 404 when the account has no complete snapshot of its users yet. */
  async header(environmentId: string, accountId: string): Promise<AuditHeader> {
    const account = await this.#accounts.get(environmentId, accountId);
    const states = await this.#db
      .selectFrom('sync_states')
      .selectAll()
      .where('integrated_account_id', '=', account.id)
      .where('resource', 'in', [...AUDIT_RESOURCES])
      .execute();
    const state = AUDIT_RESOURCES.map((r) => states.find((s) => s.resource === r)).find(Boolean);
    if (!state) {
      throw new SwitchboardError(
        'NOT_FOUND',
        `integrated account ${account.id} has no complete sync of its users yet: ` +
          'start one with POST /sync-job-run and ask again once it has completed',
      );
    }
    const [count, active] = await Promise.all([
      this.#db
        .selectFrom('sync_records')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('integrated_account_id', '=', account.id)
        .where('resource', '=', state.resource)
        .executeTakeFirstOrThrow(),
      this.#db
        .selectFrom('sync_job_runs')
        .select('id')
        .where('integrated_account_id', '=', account.id)
        .where('status', 'in', ['pending', 'running'])
        .executeTakeFirst(),
    ]);
    return {
      integrated_account_id: account.id,
      integration: account.integration,
      tenant_id: account.tenantId,
      resource: state.resource,
      snapshot: { sync_job_run_id: state.last_run_id, taken_at: state.last_completed_at },
      sync_in_progress: active !== undefined,
      generated_at: new Date().toISOString(),
      count: Number(count.n),
    };
  }

  /** Every user, in id order, a page of the snapshot at a time (managers resolved per page). */
  async *users(accountId: string, resource: string): AsyncGenerator<AuditUser> {
    let after = '';
    for (;;) {
      const rows = await this.#db
        .selectFrom('sync_records')
        .select(['record_id', 'record', 'updated_at'])
        .where('integrated_account_id', '=', accountId)
        .where('resource', '=', resource)
        .where('record_id', '>', after)
        .orderBy('record_id')
        .limit(PAGE)
        .execute();
      if (rows.length === 0) return;
      const users = rows.map((r) => ({ row: r, user: JSON.parse(r.record) as Json }));
      const managerIds = [
        ...new Set(users.map((u) => text(u.user['manager_id'])).filter((id): id is string => id !== null)),
      ];
      const managers = new Map<string, Json>(users.map((u) => [String(u.user['id']), u.user]));
      const missing = managerIds.filter((id) => !managers.has(id));
      for (let i = 0; i < missing.length; i += PAGE) {
        const found = await this.#db
          .selectFrom('sync_records')
          .select(['record_id', 'record'])
          .where('integrated_account_id', '=', accountId)
          .where('resource', '=', resource)
          .where('record_id', 'in', missing.slice(i, i + PAGE))
          .execute();
        for (const m of found) managers.set(m.record_id, JSON.parse(m.record));
      }
      for (const { row, user } of users) yield toAuditUser(user, row.updated_at, managers);
      after = rows.at(-1)!.record_id;
      if (rows.length < PAGE) return;
    }
  }
}

function toAuditUser(user: Json, changedAt: string, managers: Map<string, Json>): AuditUser {
  const groups = Array.isArray(user['groups']) ? (user['groups'] as Json[]) : [];
  const team = groups.find((g) => g['type'] === 'team');
  const managerId = text(user['manager_id']);
  const manager = managerId ? managers.get(managerId) : undefined;
  return {
    id: String(user['id']),
    name: text(user['name']),
    email: primaryEmail(user),
    title: text(user['title']),
    // Directory users have a status; CRM users an is_active flag.
    status:
      text(user['status']) ??
      (typeof user['is_active'] === 'boolean' ? (user['is_active'] ? 'active' : 'inactive') : null),
    roles: (Array.isArray(user['roles']) ? (user['roles'] as Json[]) : []).map((r) => ({
      id: String(r['id']),
      name: text(r['name']),
    })),
    groups: groups
      .filter((g) => g['type'] !== 'team')
      .map((g) => ({ id: String(g['id']), name: text(g['name']) })),
    team: team ? { id: String(team['id']), name: text(team['name']) } : null,
    manager: managerId
      ? {
          id: managerId,
          name: manager ? text(manager['name']) : null,
          email: manager ? primaryEmail(manager) : null,
        }
      : null,
    created_at: text(user['created_at']),
    updated_at: text(user['updated_at']),
    last_changed_at: changedAt,
  };
}

/**
 * One CSV field (RFC 4180). Cells that a spreadsheet would run as a formula (leading `=`, `+`, `-`, `@`, tab
 * or carriage return) get a leading `'`, as OWASP advises for exports opened in spreadsheets.
 */
export function csvField(value: string | null): string {
  if (value === null) return '';
  let v = value;
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvRow(user: AuditUser, takenAt: string): string {
  const join = (items: Array<string | null>) => items.filter((x) => x !== null).join('; ');
  const cells: Array<string | null> = [
    user.id,
    user.name,
    user.email,
    user.title,
    user.status,
    join(user.roles.map((r) => r.name ?? r.id)),
    join(user.roles.map((r) => r.id)),
    join(user.groups.map((g) => g.name ?? g.id)),
    join(user.groups.map((g) => g.id)),
    user.team?.name ?? null,
    user.team?.id ?? null,
    user.manager?.id ?? null,
    user.manager?.name ?? null,
    user.manager?.email ?? null,
    user.created_at,
    user.updated_at,
    user.last_changed_at,
    takenAt,
  ];
  return `${cells.map(csvField).join(',')}\r\n`;
}

export async function* csvLines(
  header: AuditHeader,
  users: AsyncIterable<AuditUser>,
): AsyncGenerator<string> {
  yield `${CSV_COLUMNS.join(',')}\r\n`;
  let batch = '';
  let n = 0;
  for await (const user of users) {
    batch += csvRow(user, header.snapshot.taken_at);
    if (++n % 200 === 0) {
      yield batch;
      batch = '';
    }
  }
  if (batch) yield batch;
}

export async function* jsonChunks(
  header: AuditHeader,
  users: AsyncIterable<AuditUser>,
): AsyncGenerator<string> {
  yield `${JSON.stringify(header).slice(0, -1)},"users":[`;
  let batch = '';
  let n = 0;
  for await (const user of users) {
    batch += (n === 0 ? '' : ',') + JSON.stringify(user);
    if (++n % 200 === 0) {
      yield batch;
      batch = '';
    }
  }
  yield `${batch}]}`;
}
