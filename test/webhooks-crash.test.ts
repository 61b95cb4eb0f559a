/**
 * The outbox survives a crash: a real `switchboard serve` process is killed (SIGKILL) while deliveries are in
 * flight (the receiver holds them unanswered) and others are still queued; a new process on the same data
 * delivers every event, under the ids they had. Then SIGTERM stops the server and its workers cleanly.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../src/events/signing.ts';
import { jobsSchemaFor } from '../src/jobs/runner.ts';
import { exited, serve } from './support/processes.ts';
import { TEST_DATABASES } from './support/server.ts';

const UNREACHABLE = 'http://127.0.0.1:9';

interface Hit {
  id: string;
  answered: 'held' | 200;
  body: string;
  headers: http.IncomingHttpHeaders;
}

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

async function until<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 20_000): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(TEST_DATABASES)('webhook outbox across a crash on %s', (database) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-crash-'));
  const schema = database === 'postgres' ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const token = `sb_test_${randomBytes(24).toString('base64url')}`;
  const children: ChildProcess[] = [];
  const held: http.ServerResponse[] = [];
  const hits: Hit[] = [];
  let mode: 'hold' | 'ok' = 'hold';
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const hit: Hit = {
        id: JSON.parse(body).id,
        answered: mode === 'ok' ? 200 : 'held',
        body,
        headers: req.headers,
      };
      hits.push(hit);
      if (mode === 'ok') res.end('ok');
      else held.push(res);
    });
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    for (const res of held) res.destroy();
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
    if (schema) {
      const client = new pg.Client({ connectionString: process.env['DATABASE_URL'] });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.query(`drop schema if exists ${jobsSchemaFor(schema)} cascade`);
      await client.end();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers every event after the server is killed mid-delivery and restarted', async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const receiverOrigin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const env: Record<string, string> = {
      PORT: '0',
      DATA_DIR: dataDir,
      SWITCHBOARD_API_TOKEN: token,
      SWITCHBOARD_ENCRYPTION_KEYS: `t1:${randomBytes(32).toString('base64')}`,
      SWITCHBOARD_ALLOW_UPSTREAM: UNREACHABLE,
      SWITCHBOARD_ALLOW_WEBHOOK_TARGETS: receiverOrigin,
      // An attempt may take 1 s; a lost one is claimed again after its 4 s lease.
      SWITCHBOARD_WEBHOOK_TIMEOUT_MS: '1000',
      SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE: '300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms',
      SWITCHBOARD_JOBS_POLL_MS: '100',
      SWITCHBOARD_JOBS_MAINTENANCE_SECONDS: '1',
      LOG_LEVEL: 'warn',
      ...(schema ? { DATABASE_URL: process.env['DATABASE_URL']!, DATABASE_SCHEMA: schema } : {}),
    };
    const call = async (url: string, method: string, route: string, body?: unknown) => {
      const response = await fetch(`${url}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      // biome-ignore lint/suspicious/noExplicitAny: test JSON
      return { status: response.status, body: (await response.json()) as any };
    };

    const first = await serve(env);
    children.push(first.child);
    const webhook = await call(first.url, 'POST', '/webhook', {
      target_url: `${receiverOrigin}/crash`,
      event_types: ['*'],
    });
    expect(webhook.status).toBe(201);
    // 6 accounts × (created + validation_error) + 1 test event = 13 events; 10 go out at once, 3 wait.
    for (let i = 0; i < 6; i++) {
      const account = await call(first.url, 'POST', '/integrated-account', {
        integration: 'leadsquared',
        tenant_id: `crash-${i}`,
        context: { access_key: 'ak', secret_key: 'sk', api_host: UNREACHABLE },
      });
      expect(account.status).toBe(201);
    }
    expect((await call(first.url, 'POST', '/webhook/test', { id: webhook.body.id })).status).toBe(200);
    await until('deliveries in flight', () => hits.length >= 5, 5_000);
    first.child.kill('SIGKILL');
    await exited(first.child);
    const inFlight = new Set(hits.map((h) => h.id));
    expect(hits.every((h) => h.answered === 'held')).toBe(true);

    mode = 'ok';
    const second = await serve(env);
    children.push(second.child);
    const log = await until(
      'every delivery delivered after the restart',
      async () => {
        const page = await call(second.url, 'GET', `/webhook/${webhook.body.id}/deliveries?limit=100`);
        const result = page.body.result as Array<{ status: string; event_id: string; attempts: number }>;
        return result.length === 13 && result.every((d) => d.status === 'delivered') && result;
      },
      25_000,
    );
    const eventIds = new Set(log.map((d) => d.event_id));
    expect(eventIds.size).toBe(13);
    const delivered = new Set(hits.filter((h) => h.answered === 200).map((h) => h.id));
    expect(delivered).toEqual(eventIds);
    for (const id of inFlight) expect(eventIds.has(id)).toBe(true);
    for (const hit of hits.filter((h) => h.answered === 200)) {
      expect(hit.headers['webhook-id']).toBe(hit.id);
      verifyWebhook(webhook.body.secret, hit.body, hit.headers);
    }

    // SIGTERM: the HTTP server and the job workers stop, and the process exits cleanly.
    const started = Date.now();
    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 50_000);
});
