/**
 * The refresh race, explicitly: two `switchboard serve` processes on one PostgreSQL schema and one Redis,
 * an account whose access token has expired, and an emulator whose refresh tokens are single use
 * (rotating; a reused one is `invalid_grant` and revokes the family). 200 concurrent unified calls spread
 * over both instances make exactly one token-endpoint call, draw no `invalid_grant`, and all succeed.
 * Then the same with the lock holder SIGKILLed while it waits on the token endpoint: the next holder
 * recovers and nothing is lost.
 * Needs DATABASE_URL and REDIS_URL (as on CI).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKeyring } from '../src/crypto/keyring.ts';
import { type HubSpotSandbox, startHubSpotSandbox } from '../src/sandboxes/hubspot/index.ts';
import { openContext, sealContext } from '../src/store/integrated-accounts.ts';
import { exited, serve } from './support/processes.ts';

const databaseUrl = process.env['DATABASE_URL'];
const redisUrl = process.env['REDIS_URL'];
const skipReason =
  !databaseUrl || !redisUrl
    ? 'DATABASE_URL and REDIS_URL are not both set: two instances need a shared database and Redis (as on CI)'
    : undefined;
if (skipReason) console.warn(`OAuth race test skipped: ${skipReason}`);

type Instance = Awaited<ReturnType<typeof serve>>;

describe.skipIf(skipReason !== undefined)('one token refresh across two instances', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const token = `sb_test_${randomBytes(24).toString('base64url')}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-race-'));
  const key = `k1:${randomBytes(32).toString('base64')}`;
  const keyring = loadKeyring(key, dataDir).keyring;
  let hubspot: HubSpotSandbox;
  let env: Record<string, string>;
  const instances: Instance[] = [];

  async function call(instance: Instance, method: string, route: string, body?: unknown) {
    const response = await fetch(`${instance.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, text, body: text ? JSON.parse(text) : null };
  }

  /**
   * An account whose access token has expired, both at the emulator and in its stored context (rewritten
   * here with the instances' own encryption key, as no API writes a token's expiry).
   */
  async function expiredAccount(instance: Instance, tenant: string): Promise<string> {
    const issued = hubspot.control.oauth.issueTokens({ accessExpiresIn: 3600 });
    const created = await call(instance, 'POST', '/integrated-account', {
      integration: 'hubspot',
      tenant_id: tenant,
      context: {
        api_origin: hubspot.url,
        oauth: { token: { access_token: issued.accessToken, refresh_token: issued.refreshToken } },
      },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.status).toBe('active');
    const id = created.body.id as string;
    const { rows } = await pgQuery(
      `select context, secret_context from ${schema}.integrated_accounts where id = $1`,
      [id],
    );
    const context = openContext(keyring, rows[0]);
    const oauth = context['oauth'] as { token: Record<string, unknown> };
    oauth.token['expires_at'] = new Date(Date.now() - 60_000).toISOString();
    const sealed = sealContext(keyring, context, new Set(['oauth']));
    await pgQuery(`update ${schema}.integrated_accounts set secret_context = $2 where id = $1`, [
      id,
      sealed.secret_context,
    ]);
    hubspot.control.oauth.expireAccessTokens();
    return id;
  }

  async function pgQuery(sql: string, params: unknown[] = []) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return await client.query(sql, params);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    hubspot = await startHubSpotSandbox({ owners: 20, seed: 21, rateLimit: null });
    hubspot.control.oauth.setSettings({ refreshTokens: 'rotating' });
    env = {
      PORT: '0',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl!,
      DATABASE_SCHEMA: schema,
      REDIS_URL: redisUrl!,
      SWITCHBOARD_ENCRYPTION_KEYS: key,
      SWITCHBOARD_API_TOKEN: token,
      SWITCHBOARD_ALLOW_UPSTREAM: hubspot.url,
      LOG_LEVEL: 'warn',
    };
    instances.push(await serve(env));
    instances.push(await serve(env));
    const installed = await call(instances[0]!, 'GET', '/environment-integration?integration_id=hubspot');
    const patched = await call(
      instances[0]!,
      'PATCH',
      `/environment-integration/${installed.body.result[0].id}`,
      {
        oauth_app: {
          client_id: hubspot.oauth.clientId,
          client_secret: hubspot.oauth.clientSecret,
          token_url: hubspot.oauth.tokenUrl,
        },
      },
    );
    expect(patched.status, patched.text).toBe(200);
  }, 60_000);

  afterAll(async () => {
    for (const instance of instances) {
      if (instance.child.exitCode === null && instance.child.signalCode === null) {
        instance.child.kill('SIGTERM');
        await exited(instance.child);
      }
    }
    await hubspot?.close();
    await pgQuery(`drop schema if exists ${schema} cascade`).catch(() => undefined);
    await pgQuery(`drop schema if exists ${schema}_pgboss cascade`).catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('200 concurrent calls over two instances: one token-endpoint call, no invalid_grant, all 200', async () => {
    const id = await expiredAccount(instances[0]!, 'race');
    // Lift the account's pacing (HubSpot's 100 per 10 s) so that the test measures refreshes, not waiting.
    await call(instances[0]!, 'PATCH', `/integrated-account/${id}`, {
      rate_limit: { calls: 10_000, window_seconds: 1 },
    });
    hubspot.control.oauth.resetStats();
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        call(instances[i % 2]!, 'GET', `/unified/crm/users?integrated_account_id=${id}&limit=5`),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(
      statuses.filter((s) => s !== 200),
      JSON.stringify(responses.find((r) => r.status !== 200)),
    ).toEqual([]);
    const stats = hubspot.control.oauth.stats();
    expect(stats.tokenCalls).toEqual({ refresh_token: 1 });
    expect(stats.invalidGrant).toBe(0);
    expect(stats.familyRevocations).toBe(0);
  }, 60_000);

  it('recovers when the lock holder is killed while it waits on the token endpoint', async () => {
    const id = await expiredAccount(instances[0]!, 'killed');
    hubspot.control.oauth.resetStats();
    hubspot.control.resetStats();
    hubspot.control.oauth.setSettings({ tokenLatencyMs: 3_000 });
    const victim = instances[0]!;
    const doomed = call(victim, 'GET', `/unified/crm/users?integrated_account_id=${id}&limit=5`).catch(
      () => null,
    );
    // Wait until the victim's refresh is at the token endpoint (holding the lock), then kill it.
    await expect
      .poll(() => hubspot.control.stats().requests['/oauth/v1/token'] ?? 0, { timeout: 10_000 })
      .toBe(1);
    victim.child.kill('SIGKILL');
    await exited(victim.child);
    await doomed;
    hubspot.control.oauth.setSettings({ tokenLatencyMs: 0 });
    const survivor = instances[1]!;
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        call(survivor, 'GET', `/unified/crm/users?integrated_account_id=${id}&limit=5`),
      ),
    );
    expect(
      responses.map((r) => r.status).filter((s) => s !== 200),
      responses[0]!.text,
    ).toEqual([]);
    const stats = hubspot.control.oauth.stats();
    expect(stats.abandoned, JSON.stringify(stats)).toBe(1);
    expect(stats.tokenCalls).toEqual({ refresh_token: 1 });
    expect(stats.invalidGrant).toBe(0);
    const account = await call(survivor, 'GET', `/integrated-account/${id}`);
    expect(account.body.status).toBe('active');
  }, 60_000);
});
