import { type Kysely, type Migration, sql } from 'kysely';

/**
 * An `admin` flag (0 or 1) on API tokens: an admin token may create environments, mint their tokens and see
 * them all. The tokens that stood for the operator before the flag existed become admin: the one generated at
 * first start and the one SWITCHBOARD_API_TOKEN provisions, both in the default environment.
 */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('api_tokens')
      .addColumn('admin', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await sql`update api_tokens set admin = 1
      where environment_id = 'default' and name in ('first admin token', 'SWITCHBOARD_API_TOKEN')`.execute(
      db,
    );
  },
};
