/** Environments and their API tokens (stored only as SHA-256 hashes). */
import { randomUUID } from 'node:crypto';
import { hashToken, newToken } from '../crypto/tokens.ts';
import type { Db } from './database.ts';
import { type Keyset, pastKeyset } from './keyset.ts';
import type { EnvironmentTable } from './schema.ts';

export const DEFAULT_ENVIRONMENT_ID = 'default';

export type Environment = EnvironmentTable;

/** What an API token stands for. */
export interface TokenGrant {
  environmentId: string;
  /** May create environments and their tokens, and see every environment. */
  admin: boolean;
}

export async function ensureDefaultEnvironment(db: Db): Promise<{ created: boolean }> {
  const existing = await db
    .selectFrom('environments')
    .select('id')
    .where('id', '=', DEFAULT_ENVIRONMENT_ID)
    .executeTakeFirst();
  if (existing) return { created: false };
  // Two instances may start together on one PostgreSQL: let the second insert be a no-op.
  const result = await db
    .insertInto('environments')
    .values({ id: DEFAULT_ENVIRONMENT_ID, name: 'Default', created_at: new Date().toISOString() })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return { created: Number(result.numInsertedOrUpdatedRows ?? 0) > 0 };
}

/**
 * Why a name (of an environment or a token) is not acceptable, or undefined: 1 to 100 characters, none of
 * them control, format (bidi overrides, zero-width) or unassigned characters, and not only spaces.
 */
export function nameProblem(field: string, name: unknown): string | undefined {
  const problem = `${field} must be 1 to 100 printable characters`;
  if (typeof name !== 'string') return problem;
  const length = [...name].length;
  if (length < 1 || length > 100 || /\p{C}/u.test(name) || name.trim() === '') return problem;
  return undefined;
}

export async function createEnvironment(db: Db, name: string): Promise<Environment> {
  const environment = { id: randomUUID(), name, created_at: new Date().toISOString() };
  await db.insertInto('environments').values(environment).execute();
  return environment;
}

export async function getEnvironment(db: Db, id: string): Promise<Environment | undefined> {
  return db.selectFrom('environments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function environmentExists(db: Db, id: string): Promise<boolean> {
  return (await getEnvironment(db, id)) !== undefined;
}

/** A page of environments in creation order (`only`: just that one, for a token that is not admin). */
export async function listEnvironments(
  db: Db,
  query: { limit: number; after?: Keyset; only?: string },
): Promise<{ items: Environment[]; hasMore: boolean }> {
  let q = db.selectFrom('environments').selectAll();
  if (query.only !== undefined) q = q.where('id', '=', query.only);
  if (query.after) q = q.where(pastKeyset(query.after, 'asc'));
  const rows = await q
    .orderBy('created_at')
    .orderBy('id')
    .limit(query.limit + 1)
    .execute();
  return { items: rows.slice(0, query.limit), hasMore: rows.length > query.limit };
}

export async function countTokens(db: Db, environmentId: string): Promise<number> {
  const row = await db
    .selectFrom('api_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('environment_id', '=', environmentId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Creates a token and returns it in clear, the only time it is ever visible. Not admin unless asked. */
export async function createApiToken(
  db: Db,
  environmentId: string,
  name: string,
  options: { token?: string; admin?: boolean } = {},
): Promise<{ id: string; name: string; token: string; createdAt: string }> {
  const id = randomUUID();
  const token = options.token ?? newToken('sb');
  const createdAt = new Date().toISOString();
  await db
    .insertInto('api_tokens')
    .values({
      id,
      environment_id: environmentId,
      name,
      token_hash: hashToken(token),
      admin: options.admin ? 1 : 0,
      created_at: createdAt,
    })
    .onConflict((oc) => oc.column('token_hash').doNothing())
    .execute();
  return { id, name, token, createdAt };
}

/**
 * The SWITCHBOARD_API_TOKEN: an admin token of the default environment, provisioned at every start (every
 * instance may do it); if the same token was minted before without the flag, it gets it.
 */
export async function provisionAdminToken(db: Db, token: string): Promise<void> {
  await db
    .insertInto('api_tokens')
    .values({
      id: randomUUID(),
      environment_id: DEFAULT_ENVIRONMENT_ID,
      name: 'SWITCHBOARD_API_TOKEN',
      token_hash: hashToken(token),
      admin: 1,
      created_at: new Date().toISOString(),
    })
    .onConflict((oc) =>
      oc
        .column('token_hash')
        .doUpdateSet({ admin: 1 })
        .where('api_tokens.environment_id', '=', DEFAULT_ENVIRONMENT_ID),
    )
    .execute();
}

export async function findToken(db: Db, token: string): Promise<TokenGrant | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .select(['environment_id', 'admin'])
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst();
  return row ? { environmentId: row.environment_id, admin: Number(row.admin) === 1 } : undefined;
}
