/**
 * One ordered list of migrations for SQLite and PostgreSQL alike (portable column types only), a file each
 * under `migrations/`. Append new entries; never edit one that has shipped.
 */
import type { Migration, MigrationProvider } from 'kysely';
import { migration as m0001 } from './migrations/0001_tenancy_and_accounts.ts';
import { migration as m0002 } from './migrations/0002_link_tokens.ts';
import { migration as m0003 } from './migrations/0003_webhooks_outbox.ts';
import { migration as m0004 } from './migrations/0004_account_rate_limit.ts';
import { migration as m0005 } from './migrations/0005_idempotency_keys.ts';
import { migration as m0006 } from './migrations/0006_async_requests.ts';
import { migration as m0007 } from './migrations/0007_sync.ts';
import { migration as m0008 } from './migrations/0008_admin_tokens.ts';
import { migration as m0009 } from './migrations/0009_oauth.ts';

const migrations: Record<string, Migration> = {
  '0001_tenancy_and_accounts': m0001,
  '0002_link_tokens': m0002,
  '0003_webhooks_outbox': m0003,
  '0004_account_rate_limit': m0004,
  '0005_idempotency_keys': m0005,
  '0006_async_requests': m0006,
  '0007_sync': m0007,
  '0008_admin_tokens': m0008,
  '0009_oauth': m0009,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
