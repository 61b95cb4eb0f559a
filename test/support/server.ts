/**
 * Starts a real Switchboard server for a test, over real HTTP, on the database the run is configured for:
 * PostgreSQL when DATABASE_URL is set (a fresh schema per server, dropped afterwards), else SQLite in a
 * temporary data directory.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { type Config, loadConfig } from '../../src/config.ts';
import { type RunningServer, startServer } from '../../src/server.ts';

export interface TestServer extends RunningServer {
  token: string;
  /** Everything the server logged, as text. */
  logs(): string;
  dataDir: string;
  schema: string | undefined;
  request(
    method: string,
    pathAndQuery: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<TestResponse>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the server answered
  body: any;
  text: string;
}

/** The databases this run can test on: SQLite always, PostgreSQL when DATABASE_URL is set (as on CI). */
export const TEST_DATABASES: Array<'sqlite' | 'postgres'> = process.env['DATABASE_URL']
  ? ['sqlite', 'postgres']
  : ['sqlite'];

/** The preferred database of this run: PostgreSQL when configured, else SQLite. */
export const DEFAULT_TEST_DATABASE = TEST_DATABASES.at(-1)!;

export async function startTestServer(
  env: Record<string, string | undefined> = {},
  database: 'sqlite' | 'postgres' = DEFAULT_TEST_DATABASE,
): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-test-'));
  const databaseUrl = database === 'postgres' ? process.env['DATABASE_URL'] : undefined;
  if (database === 'postgres' && !databaseUrl) throw new Error('set DATABASE_URL to test on PostgreSQL');
  const schema = databaseUrl ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const token = `sb_test_${randomBytes(24).toString('base64url')}`;
  const config: Config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    DATABASE_SCHEMA: schema,
    SWITCHBOARD_ENCRYPTION_KEYS: `t1:${randomBytes(32).toString('base64')}`,
    SWITCHBOARD_API_TOKEN: token,
    LOG_LEVEL: 'info',
    // Tests make many connect calls from one address; the per-IP limit has its own test.
    SWITCHBOARD_CONNECT_RATE_LIMIT: '100000',
    ...env,
  });
  let captured = '';
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      captured += chunk.toString();
      done();
    },
  });
  const server = await startServer(config, { logStream });
  return {
    ...server,
    token,
    dataDir,
    schema,
    logs: () => captured,
    async request(method, pathAndQuery, body, headers = {}) {
      const response = await fetch(`${server.url}${pathAndQuery}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
    async close() {
      await server.close();
      if (databaseUrl && schema) {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.query(`drop schema if exists ${schema}_pgboss cascade`);
        await client.end();
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
