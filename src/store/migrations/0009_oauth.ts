import type { Kysely, Migration } from 'kysely';

/**
 * OAuth 2.0: environment integrations (one environment's installation of an integration, with its OAuth
 * app), the single-use `state` of each authorization in flight, and on accounts a credentials version
 * (bumped on every token write, so an older write can never overwrite a newer one) and when the tokens
 * were last refreshed (for the keep-alive job).
 */
export const migration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('environment_integrations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('environment_id', 'text', (c) => c.notNull())
      .addColumn('integration', 'text', (c) => c.notNull())
      .addColumn('is_enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('show_in_catalog', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('oauth_client_id', 'text')
      /** JSON `SealedValue`. */
      .addColumn('oauth_client_secret', 'text')
      /** JSON array, or null for the integration's own. */
      .addColumn('oauth_scopes', 'text')
      .addColumn('oauth_authorize_url', 'text')
      .addColumn('oauth_token_url', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('environment_integrations_env_integration', ['environment_id', 'integration'])
      .execute();

    await db.schema
      .createTable('oauth_states')
      .addColumn('id', 'text', (c) => c.primaryKey())
      /** SHA-256 of the `state` sent to the vendor. */
      .addColumn('state_hash', 'text', (c) => c.notNull().unique())
      .addColumn('link_token_id', 'text', (c) => c.notNull())
      .addColumn('environment_id', 'text', (c) => c.notNull())
      .addColumn('integration', 'text', (c) => c.notNull())
      /** JSON `SealedValue` of `{ code_verifier, context }` (the fields asked before the redirect). */
      .addColumn('sealed', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('consumed_at', 'text')
      /** SHA-256 of the one-time handle the connect page reads the outcome with, once the callback ran. */
      .addColumn('result_hash', 'text')
      /** JSON `SealedValue` of the outcome (a link result or an error envelope). */
      .addColumn('result', 'text')
      .execute();

    await db.schema
      .alterTable('integrated_accounts')
      .addColumn('credentials_version', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('integrated_accounts').addColumn('credentials_refreshed_at', 'text').execute();
  },
};
