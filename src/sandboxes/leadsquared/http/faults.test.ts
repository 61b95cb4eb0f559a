import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LeadSquaredSandbox } from '../start.ts';
import { type LsqClient, startTestSandbox } from '../testing.ts';
import { FaultInjector, validateFaultRules } from './faults.ts';

const USERS_GET = '/v2/UserManagement.svc/Users.Get';
const TEAMS = '/v2/TeamManagement.svc/Retrieve';

describe('FaultInjector', () => {
  it('fires rules by probability and path prefix (case-insensitive)', () => {
    const faults = new FaultInjector();
    faults.set([{ kind: 'error', status: 503, pathPrefix: '/v2/TeamManagement.svc' }]);
    expect(faults.decide('/v2/teammanagement.svc/Retrieve')).toEqual({
      delayMs: 0,
      action: 'error',
      status: 503,
    });
    expect(faults.decide(USERS_GET)).toBeNull();
    faults.set([{ kind: 'reset', probability: 0.5 }]);
    let fired = 0;
    for (let k = 0; k < 2000; k++) if (faults.decide(USERS_GET)) fired++;
    expect(fired).toBeGreaterThan(800);
    expect(fired).toBeLessThan(1200);
  });

  it('adds up latency rules and keeps the first action that fires', () => {
    const faults = new FaultInjector();
    faults.set([
      { kind: 'latency', ms: 10 },
      { kind: 'latency', ms: 5, jitterMs: 0 },
      { kind: 'stall' },
      { kind: 'reset' },
    ]);
    expect(faults.decide(USERS_GET)).toEqual({ delayMs: 15, action: 'stall', status: 500 });
  });

  it('rejects malformed rules', () => {
    expect(() => validateFaultRules({ kind: 'explode' })).toThrow(/kind/);
    expect(() => validateFaultRules({ kind: 'error', probability: 2 })).toThrow(/probability/);
    expect(() => validateFaultRules({ kind: 'error', status: 42 })).toThrow(/status/);
  });
});

describe('faults over HTTP', () => {
  let sandbox: LeadSquaredSandbox;
  let lsq: LsqClient;
  beforeAll(async () => ({ sandbox, lsq } = await startTestSandbox({ users: 2000 })));
  afterAll(() => sandbox.close());
  afterEach(() => sandbox.control.clearFaults());

  it('answers with the configured status at an error rate of 1', async () => {
    sandbox.control.setFaults([{ kind: 'error', status: 503 }]);
    const res = await lsq.get<{ Status: string }>(USERS_GET);
    expect(res.status).toBe(503);
    expect(res.json.Status).toBe('Error');
  });

  it('answers about half the calls with 500 at an error rate of 0.5', async () => {
    sandbox.control.setFaults([{ kind: 'error', probability: 0.5 }]);
    const statuses = await Promise.all(
      Array.from({ length: 200 }, () => lsq.get(TEAMS).then((r) => r.status)),
    );
    const errors = statuses.filter((s) => s === 500).length;
    expect(errors).toBeGreaterThan(60);
    expect(errors).toBeLessThan(140);
    expect(statuses.filter((s) => s !== 500).every((s) => s === 200)).toBe(true);
  });

  it('resets the connection', async () => {
    sandbox.control.setFaults([{ kind: 'reset' }]);
    await expect(lsq.get(USERS_GET)).rejects.toThrow();
  });

  it('truncates bodies: part of the JSON, then the connection drops', async () => {
    sandbox.control.setFaults([{ kind: 'truncate' }]);
    await expect(lsq.get(USERS_GET)).rejects.toThrow();
    // On the wire: the full Content-Length is announced, about half the body arrives, then the socket closes.
    const raw = await new Promise<string>((resolve, reject) => {
      const { port } = new URL(sandbox.url);
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `GET ${TEAMS} HTTP/1.1\r\nHost: 127.0.0.1\r\nx-lsq-accesskey: ${sandbox.accessKey}\r\nx-lsq-secretkey: ${sandbox.secretKey}\r\n\r\n`,
        );
      });
      let data = '';
      socket.on('data', (chunk) => {
        data += chunk.toString();
      });
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    const [head, body] = raw.split('\r\n\r\n');
    const length = Number(/content-length: (\d+)/i.exec(head)?.[1]);
    expect(head).toMatch(/^HTTP\/1.1 200/);
    expect(body.startsWith('{"FetchedOn"')).toBe(true);
    expect(body.length).toBeGreaterThan(0);
    expect(body.length).toBeLessThan(length);
  });

  it('stalls: never answers, so the client times out', async () => {
    sandbox.control.setFaults([{ kind: 'stall' }]);
    const started = performance.now();
    await expect(lsq.get(USERS_GET, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('adds latency', async () => {
    sandbox.control.setFaults([{ kind: 'latency', ms: 150, jitterMs: 50 }]);
    const started = performance.now();
    expect((await lsq.get(TEAMS)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('limits a fault to a path prefix', async () => {
    sandbox.control.setFaults([{ kind: 'error', status: 502, pathPrefix: '/v2/TeamManagement.svc' }]);
    expect((await lsq.get(TEAMS)).status).toBe(502);
    expect((await lsq.get(USERS_GET)).status).toBe(200);
  });

  it('is configured over HTTP and counted in stats', async () => {
    const set = await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ faults: [{ kind: 'error', status: 500 }] }),
    });
    expect(await set.json()).toEqual([{ kind: 'error', status: 500 }]);
    sandbox.control.resetStats();
    expect((await lsq.get(TEAMS)).status).toBe(500);
    expect(sandbox.control.stats().faults_injected).toEqual({ error: 1 });
    const bad = await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'nope' }),
    });
    expect(bad.status).toBe(400);
    await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'DELETE' });
    expect((await lsq.get(TEAMS)).status).toBe(200);
  });
});
