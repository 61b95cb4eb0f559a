/** Environments and their API tokens (stored only as SHA-256 hashes). */
import { randomUUID } from 'node:crypto';
import { hashToken, newToken } from '../crypto/tokens.ts';
import type { Db } from './database.ts';

export const DEFAULT_ENVIRONMENT_ID = 'default';

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

export async function createEnvironment(db: Db, name: string): Promise<{ id: string; name: string }> {
  const environment = { id: randomUUID(), name, created_at: new Date().toISOString() };
  await db.insertInto('environments').values(environment).execute();
  return { id: environment.id, name };
}

export async function environmentExists(db: Db, id: string): Promise<boolean> {
  return Boolean(await db.selectFrom('environments').select('id').where('id', '=', id).executeTakeFirst());
}

export async function countTokens(db: Db, environmentId: string): Promise<number> {
  const row = await db
    .selectFrom('api_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('environment_id', '=', environmentId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Creates a token and returns it in clear, the only time it is ever visible. */
export async function createApiToken(
  db: Db,
  environmentId: string,
  name: string,
  token: string = newToken('sb'),
): Promise<{ id: string; token: string }> {
  const id = randomUUID();
  await db
    .insertInto('api_tokens')
    .values({
      id,
      environment_id: environmentId,
      name,
      token_hash: hashToken(token),
      created_at: new Date().toISOString(),
    })
    .onConflict((oc) => oc.column('token_hash').doNothing())
    .execute();
  return { id, token };
}

export async function findEnvironmentByToken(db: Db, token: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .select('environment_id')
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst();
  return row?.environment_id;
}
