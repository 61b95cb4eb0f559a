/**
 * Outbound webhooks through the real HTTP interface, with a real receiver on 127.0.0.1 (allowed through
 * SWITCHBOARD_ALLOW_WEBHOOK_TARGETS) and short retry delays: subscriptions, the target guard, signatures,
 * filtering, account lifecycle events, a receiver that is down for a while, the delivery log, redelivery.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../src/events/signing.ts';
import { guardedLookup, isPublicAddress } from '../src/events/target-guard.ts';
import { jobsSchemaFor } from '../src/jobs/runner.ts';
import { createApiToken, createEnvironment } from '../src/store/tenancy.ts';
import { startTestServer, TEST_DATABASES, type TestServer } from './support/server.ts';

// Nothing listens on port 9: account validation fails fast, which is all these tests need from it.
const UNREACHABLE = 'http://127.0.0.1:9';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: the parsed delivery
  json: any;
  answered: number;
}

/** A webhook receiver: records every request; answers `status` (or refuses connections when down). */
class Receiver {
  received: Received[] = [];
  status = 200;
  port = 0;
  #server: http.Server | undefined;

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    this.#server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const status = this.status;
        this.received.push({
          path: req.url ?? '',
          headers: req.headers,
          body,
          json: JSON.parse(body),
          answered: status,
        });
        res
          .writeHead(status, { 'content-type': 'text/plain' })
          .end(status === 200 ? 'ok, thanks' : 'down for maintenance');
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.#server.address() as AddressInfo).port;
  }

  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  to(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }
}

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

async function until<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 10_000): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('webhook target guard', () => {
  it('refuses host names that resolve to private addresses when connecting', async () => {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      guardedLookup('localhost', {}, (err) => resolve(err)),
    );
    expect(error?.code).toBe('ETARGETREFUSED');
    // Through the HTTP client: the connection never reaches the local server.
    const local = http.createServer((_req, res) => res.end('reached')).listen(0, '127.0.0.1');
    await new Promise((resolve) => local.once('listening', resolve));
    const agent = new Agent({ connect: { lookup: guardedLookup as never } });
    const port = (local.address() as AddressInfo).port;
    await expect(request(`http://localhost:${port}/`, { dispatcher: agent })).rejects.toMatchObject({
      code: 'ETARGETREFUSED',
    });
    await agent.close();
    local.close();
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '100.64.0.1',
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
    expect(isPublicAddress('93.184.216.34')).toBe(true);
    expect(isPublicAddress('2606:4700::1111')).toBe(true);
  });
});

describe.each(TEST_DATABASES)('webhooks on %s', (database) => {
  let server: TestServer;
  const receiver = new Receiver();

  beforeAll(async () => {
    await receiver.up();
    server = await startTestServer(
      {
        SWITCHBOARD_ALLOW_UPSTREAM: UNREACHABLE,
        SWITCHBOARD_ALLOW_WEBHOOK_TARGETS: receiver.origin,
        SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE: '200ms,300ms,400ms,400ms,400ms,400ms,400ms,400ms',
        SWITCHBOARD_WEBHOOK_TIMEOUT_MS: '1000',
        SWITCHBOARD_JOBS_POLL_MS: '100',
        SWITCHBOARD_JOBS_MAINTENANCE_SECONDS: '1',
        LOG_LEVEL: 'warn',
      },
      database,
    );
  });
  afterAll(async () => {
    await server?.close();
    if (server?.schema) {
      const client = new pg.Client({ connectionString: process.env['DATABASE_URL'] });
      await client.connect();
      await client.query(`drop schema if exists ${jobsSchemaFor(server.schema)} cascade`);
      await client.end();
    }
    await receiver.down();
  });

  async function subscribe(path: string, eventTypes: string[], extra: Record<string, unknown> = {}) {
    const created = await server.request('POST', '/webhook', {
      target_url: `${receiver.origin}${path}`,
      event_types: eventTypes,
      ...extra,
    });
    expect(created.status, created.text).toBe(201);
    return created.body as { id: string; secret: string };
  }

  async function createAccount(tenant: string): Promise<string> {
    const created = await server.request('POST', '/integrated-account', {
      integration: 'leadsquared',
      tenant_id: tenant,
      context: { access_key: 'ak', secret_key: 'sk-secret-value', api_host: UNREACHABLE },
    });
    expect(created.status, created.text).toBe(201);
    return created.body.id;
  }

  it('creates, lists, gets, patches and deletes subscriptions; the secret is shown once', async () => {
    const created = await server.request('POST', '/webhook', {
      target_url: `${receiver.origin}/crud`,
      event_types: ['integrated_account:created', 'integrated_account:*', 'integrated_account:created'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      environment_id: 'default',
      target_url: `${receiver.origin}/crud`,
      event_types: ['integrated_account:created', 'integrated_account:*'],
      is_active: true,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    const { id, secret } = created.body;
    const got = await server.request('GET', `/webhook/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty('secret');
    expect(got.text).not.toContain(secret.slice(6));

    const patched = await server.request('PATCH', `/webhook/${id}`, { event_types: ['*'], is_active: false });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id, event_types: ['*'], is_active: false });

    const more = [await subscribe('/crud2', ['*']), await subscribe('/crud3', ['*'])];
    const first = await server.request('GET', '/webhook?limit=2');
    expect(first.body.result).toHaveLength(2);
    expect(first.body.next_cursor).toBeTruthy();
    const rest = await server.request('GET', `/webhook?limit=100&next_cursor=${first.body.next_cursor}`);
    const ids = [...first.body.result, ...rest.body.result].map((w: { id: string }) => w.id);
    expect(ids).toEqual(expect.arrayContaining([id, ...more.map((m) => m.id)]));
    expect(new Set(ids).size).toBe(ids.length);

    const other = await createEnvironment(server.services.db, 'webhooks-other');
    const { token } = await createApiToken(server.services.db, other.id, 'other');
    const asOther = { authorization: `Bearer ${token}` };
    expect((await server.request('GET', `/webhook/${id}`, undefined, asOther)).status).toBe(404);
    expect((await server.request('GET', '/webhook', undefined, asOther)).body.result).toEqual([]);

    for (const webhook of [{ id }, ...more]) {
      const deleted = await server.request('DELETE', `/webhook/${webhook.id}`);
      expect(deleted.body).toEqual({ id: webhook.id });
    }
    expect((await server.request('GET', `/webhook/${id}`)).status).toBe(404);
  });

  it('validates event types against the catalogue', async () => {
    const unknown = await server.request('POST', '/webhook', {
      target_url: `${receiver.origin}/x`,
      event_types: ['integrated_account:created', 'user:exploded', 'nope:*'],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('user:exploded, nope:*');
    const empty = await server.request('POST', '/webhook', {
      target_url: `${receiver.origin}/x`,
      event_types: [],
    });
    expect(empty.status).toBe(400);
  });

  it('refuses http, internal and private targets unless the operator allowed the origin', async () => {
    for (const target of [
      'http://hooks.example.com/x',
      'https://127.0.0.1/x',
      'https://10.0.0.8/x',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/x',
      'https://localhost/x',
      'https://db.internal/x',
      'https://intranet/x',
      `http://127.0.0.1:${receiver.port + 1}/x`,
      'https://user:pass@hooks.example.com/x',
      'not a url',
    ]) {
      const response = await server.request('POST', '/webhook', { target_url: target, event_types: ['*'] });
      expect(response.status, target).toBe(400);
      expect(response.body.code).toBe('INVALID_REQUEST');
    }
    const allowed = await subscribe('/allowed', ['*']);
    const moved = await server.request('PATCH', `/webhook/${allowed.id}`, {
      target_url: 'https://192.168.0.10/x',
    });
    expect(moved.status).toBe(400);
    expect(moved.body.message).toContain('SWITCHBOARD_ALLOW_WEBHOOK_TARGETS');
    await server.request('DELETE', `/webhook/${allowed.id}`);
  });

  it('signs the test event with both schemes, verifiable with the subscription secret', async () => {
    const { id, secret } = await subscribe('/signed', ['user:created']);
    const sent = await server.request('POST', '/webhook/test', { id });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({
      success: true,
      event_id: expect.any(String),
      delivery_id: expect.any(String),
    });
    const [delivery] = await until(
      'the test delivery',
      () => receiver.to('/signed').length > 0 && receiver.to('/signed'),
    );
    const { headers, body } = delivery!;
    expect(headers['content-type']).toBe('application/json');
    expect(headers['user-agent']).toBe('switchboard');
    expect(JSON.parse(body)).toEqual({
      id: sent.body.event_id,
      event: 'test',
      payload: { foo: 'bar' },
      environment_id: 'default',
      webhook_id: id,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    // The documented schemes, computed independently of Switchboard's helper.
    const truto = createHmac('sha256', secret).update(body).digest('hex');
    expect(headers['x-truto-signature']).toBe(`format=sha256,v=${truto}`);
    expect(headers['webhook-id']).toBe(sent.body.event_id);
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const signed = `${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`;
    expect(headers['webhook-signature']).toBe(
      `v1,${createHmac('sha256', key).update(signed).digest('base64')}`,
    );
    expect(Math.abs(Number(headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
    // The helper for receivers.
    expect(verifyWebhook(secret, body, headers).payload).toEqual({ foo: 'bar' });
    expect(() => verifyWebhook(secret, body.replace('bar', 'baz'), headers)).toThrow(/does not match/);
    expect(() => verifyWebhook(`whsec_${Buffer.alloc(32).toString('base64')}`, body, headers)).toThrow();
    expect(() => verifyWebhook(secret, body, headers, { now: Date.now() + 600_000 })).toThrow(/timestamp/);
    await server.request('DELETE', `/webhook/${id}`);
  });

  it('publishes account lifecycle events to the subscriptions whose filters match', async () => {
    const all = await subscribe('/lifecycle-all', ['integrated_account:*']);
    const deletions = await subscribe('/lifecycle-deleted', ['integrated_account:deleted']);
    const users = await subscribe('/lifecycle-users', ['user:created']);
    const inactive = await subscribe('/lifecycle-inactive', ['*'], { is_active: false });

    const accountId = await createAccount('lifecycle');
    expect((await server.request('DELETE', `/integrated-account/${accountId}`)).status).toBe(200);

    const events = await until('three lifecycle deliveries', () => {
      const got = receiver.to('/lifecycle-all').filter((r) => r.json.payload.id === accountId);
      return got.length >= 3 && got;
    });
    expect(events.map((r) => r.json.event).sort()).toEqual([
      'integrated_account:created',
      'integrated_account:deleted',
      'integrated_account:validation_error',
    ]);
    const created = events.find((r) => r.json.event === 'integrated_account:created')!;
    expect(created.json).toMatchObject({ webhook_id: all.id, environment_id: 'default' });
    expect(created.json.payload).toMatchObject({
      id: accountId,
      tenant_id: 'lifecycle',
      integration: 'leadsquared',
    });
    expect(created.body).not.toContain('sk-secret-value');
    expect(verifyWebhook(all.secret, created.body, created.headers).id).toBe(created.json.id);
    const deleted = await until(
      'the deletion',
      () => receiver.to('/lifecycle-deleted').length > 0 && receiver.to('/lifecycle-deleted'),
    );
    expect(deleted.map((r) => r.json.event)).toEqual(['integrated_account:deleted']);
    expect(deleted[0]!.json.payload).toEqual({ id: accountId });
    expect(deleted[0]!.json.webhook_id).toBe(deletions.id);
    // The same event reaches both subscribers under one id.
    expect(deleted[0]!.json.id).toBe(
      events.find((r) => r.json.event === 'integrated_account:deleted')!.json.id,
    );

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.to('/lifecycle-users')).toEqual([]);
    expect(receiver.to('/lifecycle-inactive')).toEqual([]);
    const log = await server.request('GET', `/webhook/${inactive.id}/deliveries`);
    expect(log.body.result).toEqual([]);
    for (const w of [all, deletions, users, inactive]) await server.request('DELETE', `/webhook/${w.id}`);
  });

  it('delivers every event once the receiver is back, under the same ids', async () => {
    const { id, secret } = await subscribe('/outage', ['integrated_account:created']);
    await receiver.down();
    const accounts: string[] = [];
    for (let i = 0; i < 4; i++) accounts.push(await createAccount(`outage-${i}`));
    // Down (connections refused) for a while: attempts fail and are rescheduled.
    await until('failed attempts while the receiver is down', async () => {
      const log = await server.request('GET', `/webhook/${id}/deliveries`);
      return (
        log.body.result.length === 4 &&
        log.body.result.every((d: { attempts: number }) => d.attempts >= 2) &&
        log.body.result
      );
    });
    const down = await server.request('GET', `/webhook/${id}/deliveries`);
    for (const d of down.body.result) {
      expect(d).toMatchObject({
        status: 'pending',
        last_response_status: null,
        next_attempt_at: expect.any(String),
      });
      expect(d.last_error).toContain('could not reach the receiver');
    }
    // Then up but answering 503, then healthy.
    receiver.status = 503;
    await receiver.up();
    await until('503 answers', () => receiver.to('/outage').length >= 4);
    receiver.status = 200;
    const delivered = await until('every event delivered', () => {
      const ok = receiver.to('/outage').filter((r) => r.answered === 200);
      return new Set(ok.map((r) => r.json.payload.id)).size === 4 && ok;
    });
    expect(new Set(delivered.map((r) => r.json.payload.id))).toEqual(new Set(accounts));
    // Ids are stable: each event's failed and successful attempts carry one id, in the body and the header.
    const log = await server.request('GET', `/webhook/${id}/deliveries`);
    const eventIds = new Set(log.body.result.map((d: { event_id: string }) => d.event_id));
    expect(eventIds.size).toBe(4);
    for (const r of receiver.to('/outage')) {
      expect(eventIds.has(r.json.id)).toBe(true);
      expect(r.headers['webhook-id']).toBe(r.json.id);
      verifyWebhook(secret, r.body, r.headers);
    }
    for (const accountId of accounts) {
      const attempts = receiver.to('/outage').filter((r) => r.json.payload.id === accountId);
      expect(new Set(attempts.map((r) => r.json.id)).size).toBe(1);
    }
    const final = await until('the log to show all delivered', async () => {
      const l = await server.request('GET', `/webhook/${id}/deliveries`);
      return l.body.result.every((d: { status: string }) => d.status === 'delivered') && l.body.result;
    });
    for (const d of final) {
      expect(d.attempts).toBeGreaterThanOrEqual(3);
      expect(d).toMatchObject({
        last_response_status: 200,
        last_response_body: 'ok, thanks',
        next_attempt_at: null,
      });
    }
    await server.request('DELETE', `/webhook/${id}`);
  });

  it('keeps a delivery log, fails a delivery after its schedule, and redelivers on request', async () => {
    const { id } = await subscribe('/log', ['integrated_account:created']);
    receiver.status = 500;
    await createAccount('log');
    const failed = await until(
      'the delivery to fail after its schedule',
      async () => {
        const l = await server.request('GET', `/webhook/${id}/deliveries?status=failed`);
        return l.body.result.length === 1 && l.body.result[0];
      },
      15_000,
    );
    expect(failed).toMatchObject({
      webhook_id: id,
      event: 'integrated_account:created',
      status: 'failed',
      attempts: 9,
      next_attempt_at: null,
      last_response_status: 500,
      last_response_body: 'down for maintenance',
      last_error: 'the receiver answered 500',
    });
    expect(receiver.to('/log')).toHaveLength(9);

    receiver.status = 200;
    const redelivered = await server.request('POST', `/webhook/${id}/deliveries/${failed.id}/redeliver`);
    expect(redelivered.status).toBe(200);
    expect(redelivered.body).toMatchObject({ id: failed.id, status: 'pending' });
    const done = await until('the redelivery', async () => {
      const l = await server.request('GET', `/webhook/${id}/deliveries`);
      return l.body.result[0].status === 'delivered' && l.body.result[0];
    });
    expect(done).toMatchObject({ attempts: 10, last_response_status: 200, event_id: failed.event_id });
    expect(receiver.to('/log').at(-1)!.json.id).toBe(failed.event_id);

    // A delivered one can be sent again too (same event id); the log pages with a cursor, newest first.
    await server.request('POST', `/webhook/${id}/deliveries/${failed.id}/redeliver`);
    await until('the second redelivery', () => receiver.to('/log').length === 11);
    await server.request('POST', '/webhook/test', { id });
    await until('the test delivery', () => receiver.to('/log').length === 12);
    const page1 = await server.request('GET', `/webhook/${id}/deliveries?limit=1`);
    expect(page1.body.result.map((d: { event: string }) => d.event)).toEqual(['test']);
    const page2 = await server.request(
      'GET',
      `/webhook/${id}/deliveries?limit=1&next_cursor=${page1.body.next_cursor}`,
    );
    expect(page2.body.result.map((d: { id: string }) => d.id)).toEqual([failed.id]);
    expect(page2.body.next_cursor).toBeNull();

    expect((await server.request('POST', `/webhook/${id}/deliveries/nope/redeliver`)).status).toBe(404);
    expect((await server.request('GET', '/webhook/nope/deliveries')).status).toBe(404);
    await server.request('PATCH', `/webhook/${id}`, { is_active: false });
    const refused = await server.request('POST', `/webhook/${id}/deliveries/${failed.id}/redeliver`);
    expect(refused.status).toBe(409);
    await server.request('DELETE', `/webhook/${id}`);
  });

  it('exposes delivery metrics', async () => {
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/switchboard_webhook_delivery_attempts_total\{outcome="delivered"\} \d+/);
    expect(metrics).toMatch(/switchboard_webhook_delivery_attempts_total\{outcome="failed"\} 1/);
  });
});
