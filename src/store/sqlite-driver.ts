/**
 * Adapts Node's built-in `node:sqlite` to the small interface Kysely's SqliteDialect expects
 * (the better-sqlite3 shape), so the embedded mode needs no native addon.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

type Param = null | number | bigint | string | Uint8Array;

function toParams(parameters: ReadonlyArray<unknown>): Param[] {
  return parameters.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : (p as Param)));
}

function wrap(statement: StatementSync, sql: string): SqliteStatement {
  const reader = /^\s*(select|with|pragma|values)\b/i.test(sql) || /\breturning\b/i.test(sql);
  return {
    reader,
    all: (parameters) => statement.all(...toParams(parameters)),
    run: (parameters) => {
      const { changes, lastInsertRowid } = statement.run(...toParams(parameters));
      return { changes, lastInsertRowid };
    },
    iterate: (parameters) => statement.iterate(...toParams(parameters)) as IterableIterator<unknown>,
  };
}

export function openSqlite(file: string): SqliteDatabase {
  const db = new DatabaseSync(file);
  // WAL lets readers proceed during a write; busy_timeout rides out brief lock contention.
  db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;');
  // Kysely prepares every query it runs; the same few SQL texts recur, so keep their statements.
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => db.close(),
    prepare: (sql) => {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= 500) statements.delete(statements.keys().next().value!);
        statement = wrap(db.prepare(sql), sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
