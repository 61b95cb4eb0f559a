/**
 * Scale-out: two Switchboard processes (`switchboard serve`, as deployed) share one PostgreSQL schema and
 * one Redis, and serve the same LeadSquared account. 300 concurrent unified list requests spread over both
 * all succeed, and the vendor never sees more calls in any window than the account's limit.
 * Needs DATABASE_URL and REDIS_URL (as on CI); the single-instance case is in resilience.test.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadSquaredSandbox } from '../src/sandboxes/leadsquared/index.ts';
import { startLeadSquaredSandbox } from '../src/sandboxes/leadsquared/index.ts';
import { countBy, type Json, keyStats, linkLeadSquared } from './resilience-support.ts';

const databaseUrl = process.env['DATABASE_URL'];
const redisUrl = process.env['REDIS_URL'];
const skipReason = !redisUrl
  ? 'REDIS_URL is not set: two instances cannot share a rate budget without Redis (set REDIS_URL and DATABASE_URL, as on CI)'
  : !databaseUrl
    ? 'DATABASE_URL is not set: two instances need a shared PostgreSQL database (set it, as on CI)'
    : undefined;
if (skipReason) console.warn(`scale-out test skipped: ${skipReason}`);

interface Instance {
  url: string;
  child: ChildProcess;
  output: () => string;
}

const repoRoot = path.resolve(import.meta.dirname, '..');

/** Starts `switchboard serve` as a child process and waits for its "listening on" line. */
function startInstance(env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, ['src/cli.ts', 'serve'], {
    cwd: repoRoot,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, child, output: () => output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`instance exited with ${code}:\n${output}`));
    });
  });
}

async function stopInstance(instance: Instance | undefined): Promise<void> {
  if (!instance || instance.child.exitCode !== null) return;
  const exited = new Promise((resolve) => instance.child.once('exit', resolve));
  instance.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  if (instance.child.exitCode === null) instance.child.kill('SIGKILL');
}

describe.skipIf(skipReason !== undefined)('two instances on PostgreSQL + Redis', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const token = `sb_test_${randomBytes(24).toString('base64url')}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-scale-'));
  let sandbox: LeadSquaredSandbox;
  const instances: Instance[] = [];

  const client = (instance: Instance) => ({
    async request(method: string, pathAndQuery: string, body?: unknown) {
      const response = await fetch(`${instance.url}${pathAndQuery}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: response.status, headers: response.headers, body: parsed as Json, text };
    },
  });

  beforeAll(async () => {
    sandbox = await startLeadSquaredSandbox({ users: 300, seed: 31 });
    const env = {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl!,
      DATABASE_SCHEMA: schema,
      REDIS_URL: redisUrl!,
      SWITCHBOARD_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      SWITCHBOARD_API_TOKEN: token,
      SWITCHBOARD_ALLOW_UPSTREAM: sandbox.url,
      LOG_LEVEL: 'warn',
    };
    // One after the other: the first creates the schema and runs the migrations.
    instances.push(await startInstance(env));
    instances.push(await startInstance(env));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(instances.map(stopInstance));
    await sandbox?.close();
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    await db.query(`drop schema if exists ${schema} cascade`);
    await db.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('share one budget per account: 300 concurrent requests, all succeed, never over the limit', {
    timeout: 60_000,
  }, async () => {
    const [a, b] = instances.map(client) as [ReturnType<typeof client>, ReturnType<typeof client>];
    const id = await linkLeadSquared(a, sandbox, { calls: 25, windowSeconds: 1 });
    // The second instance reads the same account (and its rate limit) from the shared database.
    expect((await b.request('GET', `/integrated-account/${id}`)).body.rate_limit).toEqual({
      calls: 25,
      window_seconds: 1,
    });
    const started = performance.now();
    const responses = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        (i % 2 === 0 ? a : b).request(
          'GET',
          `/unified/user-directory/users?integrated_account_id=${id}&limit=10`,
        ),
      ),
    );
    const wallMs = performance.now() - started;
    const statuses = countBy(responses, (r) => r.status);
    expect(statuses, responses.find((r) => r.status !== 200)?.text).toEqual({ 200: 300 });
    const stats = keyStats(sandbox);
    const minimumMs = (Math.ceil(stats.calls / 25) - 1) * 1000;
    console.info(
      `2 instances + Redis: ${stats.calls} vendor calls, max ${stats.max_calls_in_any_window} in any 1 s window, ` +
        `${stats.rate_limited_responses} rate-limited, ${Math.round(wallMs)} ms (minimum ${minimumMs} ms)`,
    );
    expect(stats.max_calls_in_any_window).toBeLessThanOrEqual(25);
    expect(stats.rate_limited_responses).toBe(0);
    expect(wallMs).toBeLessThan(minimumMs * 1.25 + 2000);
    expect(responses[1]!.headers.get('ratelimit-limit')).toBe('25;w=1');
    // Both instances called the vendor (the budget really was shared, not split by luck).
    for (const instance of instances) {
      const metrics = await fetch(`${instance.url}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(
        /switchboard_upstream_attempts_total\{integration="leadsquared",outcome="ok"\} [1-9]/,
      );
      expect(metrics).not.toMatch(/switchboard_upstream_vendor_rate_limited_total\{[^}]*\} [1-9]/);
    }
  });
});
