/**
 * Integrated accounts: one customer's connection. Secret context fields are sealed with the keyring
 * before they reach the database and opened only when an upstream call needs them.
 */
import type { Keyring, SealedValue } from '../crypto/keyring.ts';
import type { AccountContext } from '../integrations/types.ts';
import type { Db } from './database.ts';
import { pastKeyset } from './keyset.ts';
import type { IntegratedAccountTable } from './schema.ts';

export const ACCOUNT_STATUSES = [
  'connecting',
  'active',
  'needs_reauth',
  'validation_error',
  'post_install_error',
] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export interface IntegratedAccount {
  id: string;
  environmentId: string;
  tenantId: string;
  integration: string;
  status: AccountStatus;
  /** Non-secret context only. */
  context: AccountContext;
  /** Names of the secret fields that are set (values never leave the store unopened). */
  secretFields: string[];
  lastError: string | null;
  /** The account's own rate limit (its vendor plan); null = the integration's policy. */
  rateLimit: AccountRateLimit | null;
  /** Bumped on every credentials write (a write from an older version is refused). */
  credentialsVersion: number;
  /** When OAuth tokens were last obtained or refreshed. */
  credentialsRefreshedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AccountRateLimit {
  calls: number;
  windowSeconds: number;
}

function parseRateLimit(raw: string | null | undefined): AccountRateLimit | null {
  if (!raw) return null;
  const value = JSON.parse(raw) as { calls?: unknown; window_seconds?: unknown };
  return typeof value.calls === 'number' && typeof value.window_seconds === 'number'
    ? { calls: value.calls, windowSeconds: value.window_seconds }
    : null;
}

/** The stored form of an account's rate limit override. */
export function serializeRateLimit(limit: AccountRateLimit | null): string | null {
  return limit ? JSON.stringify({ calls: limit.calls, window_seconds: limit.windowSeconds }) : null;
}

export function rowToAccount(row: IntegratedAccountTable): IntegratedAccount {
  return {
    id: row.id,
    environmentId: row.environment_id,
    tenantId: row.tenant_id,
    integration: row.integration,
    status: row.status as AccountStatus,
    context: JSON.parse(row.context),
    secretFields: Object.keys(JSON.parse(row.secret_context)),
    lastError: row.last_error,
    rateLimit: parseRateLimit(row.rate_limit),
    credentialsVersion: Number(row.credentials_version ?? 0),
    credentialsRefreshedAt: row.credentials_refreshed_at ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Splits a full context into its stored halves. */
export function sealContext(
  keyring: Keyring,
  context: AccountContext,
  secretNames: ReadonlySet<string>,
): { context: string; secret_context: string } {
  const plain: AccountContext = {};
  const sealed: Record<string, SealedValue> = {};
  for (const [key, value] of Object.entries(context)) {
    if (secretNames.has(key)) sealed[key] = keyring.seal(JSON.stringify(value));
    else plain[key] = value;
  }
  return { context: JSON.stringify(plain), secret_context: JSON.stringify(sealed) };
}

/** The full context (secrets included) of a stored row: for upstream calls only. */
export function openContext(
  keyring: Keyring,
  row: Pick<IntegratedAccountTable, 'context' | 'secret_context'>,
): AccountContext {
  const context: AccountContext = JSON.parse(row.context);
  const sealed: Record<string, SealedValue> = JSON.parse(row.secret_context);
  for (const [key, value] of Object.entries(sealed)) context[key] = JSON.parse(keyring.open(value));
  return context;
}

export async function findAccountRow(
  db: Db,
  environmentId: string,
  id: string,
): Promise<IntegratedAccountTable | undefined> {
  return db
    .selectFrom('integrated_accounts')
    .selectAll()
    .where('id', '=', id)
    .where('environment_id', '=', environmentId)
    .executeTakeFirst();
}

export async function insertAccountRow(db: Db, row: IntegratedAccountTable): Promise<void> {
  await db.insertInto('integrated_accounts').values(row).execute();
}

export async function updateAccountRow(
  db: Db,
  id: string,
  changes: Partial<Omit<IntegratedAccountTable, 'id' | 'environment_id' | 'created_at'>>,
): Promise<void> {
  await db
    .updateTable('integrated_accounts')
    .set((eb) => ({
      ...changes,
      // New credentials (a reconnect, a patched key) make any refresh still based on the old ones stale.
      ...(changes.secret_context !== undefined
        ? { credentials_version: eb('credentials_version', '+', 1) }
        : {}),
      updated_at: new Date().toISOString(),
    }))
    .where('id', '=', id)
    .execute();
}

export async function deleteAccountRow(db: Db, environmentId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('integrated_accounts')
    .where('id', '=', id)
    .where('environment_id', '=', environmentId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export interface AccountListQuery {
  environmentId: string;
  tenantId?: string;
  integration?: string;
  limit: number;
  after?: { createdAt: string; id: string };
}

/** Keyset page ordered by (created_at, id); returns one extra row to tell whether a next page exists. */
export async function listAccountRows(db: Db, query: AccountListQuery): Promise<IntegratedAccountTable[]> {
  let q = db.selectFrom('integrated_accounts').selectAll().where('environment_id', '=', query.environmentId);
  if (query.tenantId !== undefined) q = q.where('tenant_id', '=', query.tenantId);
  if (query.integration !== undefined) q = q.where('integration', '=', query.integration);
  if (query.after) {
    q = q.where(pastKeyset(query.after, 'asc'));
  }
  return q
    .orderBy('created_at')
    .orderBy('id')
    .limit(query.limit + 1)
    .execute();
}

/**
 * Writes new credentials only if nobody wrote since `version` was read (so an older refresh can never
 * overwrite newer tokens); true when written.
 */
export async function writeCredentials(
  db: Db,
  id: string,
  version: number,
  sealed: { context: string; secret_context: string },
  refreshedAt: string,
): Promise<boolean> {
  const result = await db
    .updateTable('integrated_accounts')
    .set({
      ...sealed,
      credentials_version: version + 1,
      credentials_refreshed_at: refreshedAt,
      updated_at: refreshedAt,
    })
    .where('id', '=', id)
    .where('credentials_version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
