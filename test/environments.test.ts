/**
 * Environments over HTTP: an admin token creates environments (each with a first token shown once) and mints
 * tokens for them; other tokens see only their own environment. Tenancy holds: a new environment's token sees
 * nothing of the default environment.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../src/crypto/tokens.ts';
import { openDatabase } from '../src/store/database.ts';
import { migrationProvider } from '../src/store/migrations.ts';
import type { Database } from '../src/store/schema.ts';
import { openSqlite } from '../src/store/sqlite-driver.ts';
import { createApiToken } from '../src/store/tenancy.ts';
import { startTestServer, TEST_DATABASES, type TestServer } from './support/server.ts';

// Nothing listens on port 9: the account is stored (validation fails fast), which is all these tests need.
const UNREACHABLE = 'http://127.0.0.1:9';

describe.each(TEST_DATABASES)('environments on %s', (database) => {
  let server: TestServer;
  let accountId: string;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    server = await startTestServer({ SWITCHBOARD_ALLOW_UPSTREAM: UNREACHABLE, LOG_LEVEL: 'warn' }, database);
    const account = await server.request('POST', '/integrated-account', {
      integration: 'leadsquared',
      tenant_id: 'acme',
      context: { access_key: 'ak', secret_key: 'sk', api_host: UNREACHABLE },
    });
    expect(account.status).toBe(201);
    accountId = account.body.id;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('creates an environment with a first token, shown once, that sees none of the default environment', async () => {
    const created = await server.request('POST', '/environment', { name: 'Staging' });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Staging',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      api_token: { id: expect.any(String), name: expect.any(String), token: expect.stringMatching(/^sb_/) },
    });
    const { token } = created.body.api_token;

    const accounts = await server.request('GET', '/integrated-account', undefined, as(token));
    expect(accounts.status).toBe(200);
    expect(accounts.body.result).toEqual([]);
    expect(
      (await server.request('GET', `/integrated-account/${accountId}`, undefined, as(token))).status,
    ).toBe(404);
    expect((await server.request('GET', `/integrated-account/${accountId}`)).status).toBe(200);

    const got = await server.request('GET', `/environment/${created.body.id}`);
    expect(got.body).toEqual({ id: created.body.id, name: 'Staging', created_at: created.body.created_at });
    expect(got.text).not.toContain(token);
  });

  it('refuses environment administration to a token that is not admin with 403', async () => {
    const created = await server.request('POST', '/environment', { name: 'Other' });
    const plain = await createApiToken(server.services.db, 'default', 'not admin');
    for (const token of [created.body.api_token.token, plain.token]) {
      const create = await server.request('POST', '/environment', { name: 'Nope' }, as(token));
      expect(create.status).toBe(403);
      expect(create.body).toMatchObject({ statusCode: 403, error: 'Forbidden', code: 'FORBIDDEN' });
      const mint = await server.request(
        'POST',
        `/environment/${created.body.id}/api-token`,
        { name: 'x' },
        as(token),
      );
      expect(mint.status).toBe(403);
      expect(mint.body.code).toBe('FORBIDDEN');
    }
  });

  it('lists every environment to an admin token and only its own to others', async () => {
    const created = await server.request('POST', '/environment', { name: 'Listed' });
    const mine = as(created.body.api_token.token);
    const all = await server.request('GET', '/environment?limit=500');
    expect(all.status).toBe(200);
    const ids = all.body.result.map((e: { id: string }) => e.id);
    expect(ids).toEqual(expect.arrayContaining(['default', created.body.id]));
    expect(all.body.result.find((e: { id: string }) => e.id === 'default')).toMatchObject({
      name: 'Default',
    });

    const first = await server.request('GET', '/environment?limit=1');
    expect(first.body.result).toHaveLength(1);
    const rest = await server.request(
      'GET',
      `/environment?limit=500&next_cursor=${encodeURIComponent(first.body.next_cursor)}`,
    );
    expect([...first.body.result, ...rest.body.result].map((e: { id: string }) => e.id)).toEqual(ids);

    const own = await server.request('GET', '/environment', undefined, mine);
    expect(own.status).toBe(200);
    expect(own.body.result).toEqual([
      { id: created.body.id, name: 'Listed', created_at: created.body.created_at },
    ]);
    expect((await server.request('GET', `/environment/${created.body.id}`, undefined, mine)).status).toBe(
      200,
    );
    const other = await server.request('GET', '/environment/default', undefined, mine);
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('NOT_FOUND');
    expect((await server.request('GET', '/environment/no-such-id')).status).toBe(404);
    expect((await server.request('GET', '/environment?limit=0x10')).status).toBe(400);
  });

  it('mints more tokens for an environment, shown once, that are not admin', async () => {
    const created = await server.request('POST', '/environment', { name: 'Tokens' });
    const minted = await server.request('POST', `/environment/${created.body.id}/api-token`, { name: 'ci' });
    expect(minted.status, minted.text).toBe(201);
    expect(minted.body).toEqual({
      id: expect.any(String),
      environment_id: created.body.id,
      name: 'ci',
      token: expect.stringMatching(/^sb_/),
      created_at: expect.any(String),
    });
    expect(minted.body.token).not.toBe(created.body.api_token.token);
    const own = await server.request('GET', '/environment', undefined, as(minted.body.token));
    expect(own.body.result.map((e: { id: string }) => e.id)).toEqual([created.body.id]);
    const denied = await server.request('POST', '/environment', { name: 'x' }, as(minted.body.token));
    expect(denied.status).toBe(403);
    const unknown = await server.request('POST', '/environment/no-such-id/api-token', { name: 'x' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND');
  });

  it('validates names: 1 to 100 printable characters', async () => {
    for (const body of [
      {},
      { name: '' },
      { name: '   ' },
      { name: 'x'.repeat(101) },
      { name: 'tab\there' },
      { name: 'line\nbreak' },
      { name: 'nul\u0000' },
      { name: 'bidi\u202eoverride' },
      { name: { first: 'x' } },
      { name: null },
    ]) {
      const response = await server.request('POST', '/environment', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.code, JSON.stringify(body)).toBe('INVALID_REQUEST');
      const token = await server.request('POST', '/environment/default/api-token', body);
      expect(token.status, JSON.stringify(body)).toBe(400);
    }
    const unicode = await server.request('POST', '/environment', { name: `Équipe 🚀 ${'x'.repeat(91)}` });
    expect(unicode.status).toBe(201);
  });
});

describe('the admin flag on tokens that existed before it', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-admin-migration-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('is set on the default environment’s first and provisioned tokens, not on others', async () => {
    const old = new Kysely<Database>({
      dialect: new SqliteDialect({ database: openSqlite(path.join(dataDir, 'switchboard.db')) }),
    });
    const migrated = await new Migrator({ db: old, provider: migrationProvider }).migrateTo('0007_sync');
    expect(migrated.error).toBeUndefined();
    const now = new Date().toISOString();
    await old
      .insertInto('environments')
      .values([
        { id: 'default', name: 'Default', created_at: now },
        { id: 'other', name: 'Other', created_at: now },
      ])
      .execute();
    const tokens = [
      ['t1', 'default', 'first admin token'],
      ['t2', 'default', 'SWITCHBOARD_API_TOKEN'],
      ['t3', 'default', 'cli'],
      ['t4', 'other', 'SWITCHBOARD_API_TOKEN'],
    ];
    for (const [id, environment_id, name] of tokens) {
      await old
        .insertInto('api_tokens')
        // biome-ignore lint/suspicious/noExplicitAny: the row as it was before the admin column existed
        .values({ id, environment_id, name, token_hash: hashToken(id!), created_at: now } as any)
        .execute();
    }
    await old.destroy();

    const { db } = await openDatabase({ databaseUrl: undefined, databaseSchema: 'public', dataDir });
    const rows = await db.selectFrom('api_tokens').select(['id', 'admin']).orderBy('id').execute();
    await db.destroy();
    expect(rows.map((r) => [r.id, Number(r.admin)])).toEqual([
      ['t1', 1],
      ['t2', 1],
      ['t3', 0],
      ['t4', 0],
    ]);
  });
});
