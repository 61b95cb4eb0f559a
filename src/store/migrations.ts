/**
 * One ordered list of migrations for SQLite and PostgreSQL alike (portable column types only), a file each
 * under `migrations/`. Append new entries; never edit one that has shipped.
 */
import type { Migration, MigrationProvider } from 'kysely';
import { migration as m0001 } from './migrations/0001_tenancy_and_accounts.ts';

const migrations: Record<string, Migration> = {
  '0001_tenancy_and_accounts': m0001,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
