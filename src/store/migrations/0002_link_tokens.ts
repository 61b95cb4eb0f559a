import type { Kysely, Migration } from 'kysely';

/** Link tokens for the hosted connect page: stored as SHA-256 hashes, single use, with an expiry. */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('link_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id'))
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('integration', 'text')
      .addColumn('integrated_account_id', 'text')
      .addColumn('redirect_uri', 'text')
      .addColumn('opener_origin', 'text')
      .addColumn('sealed_context', 'text')
      .addColumn('persist_previous_context', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('consumed_at', 'text')
      .addColumn('linked_account_id', 'text')
      .execute();
    await db.schema.createIndex('link_tokens_expires').on('link_tokens').column('expires_at').execute();
  },
};
