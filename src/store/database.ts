/**
 * Opens the database: embedded SQLite (`node:sqlite`) in the data directory by default, PostgreSQL when
 * `DATABASE_URL` is set. Migrations run on open, so a fresh machine needs no setup step.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { ensureDataDir, restrictToOwner } from './data-dir.ts';
import { migrationProvider } from './migrations.ts';
import type { Database } from './schema.ts';
import { openSqlite } from './sqlite-driver.ts';

export type Db = Kysely<Database>;

export interface DatabaseOptions {
  databaseUrl: string | undefined;
  databaseSchema: string;
  dataDir: string;
}

export interface OpenedDatabase {
  db: Db;
  kind: 'sqlite' | 'postgres';
  /** Where the data lives, for the start-up log (no credentials). */
  location: string;
}

export async function openDatabase(options: DatabaseOptions): Promise<OpenedDatabase> {
  let opened: OpenedDatabase;
  if (options.databaseUrl) {
    const schema = options.databaseSchema;
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      options: schema === 'public' ? undefined : `-c search_path=${schema}`,
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    if (schema !== 'public') await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    const url = new URL(options.databaseUrl);
    opened = { db, kind: 'postgres', location: `postgres://${url.host}${url.pathname} (schema ${schema})` };
  } else {
    ensureDataDir(options.dataDir);
    const file = path.join(options.dataDir, 'switchboard.db');
    // Created 0600 before SQLite opens it (SQLite would create it 0644), so there is no window; SQLite gives
    // the -wal and -shm files the database's mode. The chmods tighten files left looser by older versions.
    fs.closeSync(fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600));
    const sqlite = openSqlite(file);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) restrictToOwner(f);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    opened = { db, kind: 'sqlite', location: file };
  }
  await migrate(opened.db, opened.kind === 'postgres' ? options.databaseSchema : undefined);
  return opened;
}

async function migrate(db: Db, schema: string | undefined): Promise<void> {
  // On PostgreSQL the migration tables live in our own schema; otherwise Kysely may find another
  // schema's tables on the search path and skip creating ours.
  const migrator = new Migrator({ db, provider: migrationProvider, migrationTableSchema: schema });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : error}`);
  }
}
