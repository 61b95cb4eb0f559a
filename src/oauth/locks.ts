/**
 * The refresh lock: one token refresh per account at a time, across every instance. On PostgreSQL it is a
 * transaction-scoped advisory lock (`pg_advisory_xact_lock`), so it is released when the transaction ends
 * — committed, rolled back, or cut off because its process died (a killed holder never blocks the next
 * one). The work runs inside that transaction, so the new tokens are committed before the lock is let go.
 * On SQLite (one instance) it is an in-process mutex.
 */
import { sql } from 'kysely';
import type { Db } from '../store/database.ts';

export interface RefreshLocks {
  /** Runs `work` holding the lock for `key`; `db` is where to read and write while holding it. */
  withLock<T>(key: string, work: (db: Db) => Promise<T>): Promise<T>;
}

/** How long a refresher waits for another instance's refresh of the same account before giving up. */
const LOCK_TIMEOUT_MS = 30_000;

export class PostgresRefreshLocks implements RefreshLocks {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  withLock<T>(key: string, work: (db: Db) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute(async (trx) => {
      await sql.raw(`set local lock_timeout = ${LOCK_TIMEOUT_MS}`).execute(trx);
      await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
      return work(trx);
    });
  }
}

export class MemoryRefreshLocks implements RefreshLocks {
  readonly #db: Db;
  readonly #tails = new Map<string, Promise<unknown>>();
  constructor(db: Db) {
    this.#db = db;
  }

  async withLock<T>(key: string, work: (db: Db) => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => work(this.#db));
    this.#tails.set(key, run);
    try {
      return await run;
    } finally {
      if (this.#tails.get(key) === run) this.#tails.delete(key);
    }
  }
}
