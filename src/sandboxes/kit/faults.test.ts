/** Fault injection through the emulator frame over real HTTP: each kind, prefixes, vendor bodies, control. */
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { staticBearer } from './auth.ts';
import { type Emulator, startEmulator } from './emulator.ts';
import { FaultInjector, validateFaultRules } from './faults.ts';

let emulator: Emulator;
const AUTH = { authorization: 'Bearer tok' };

beforeAll(async () => {
  emulator = await startEmulator({
    name: 'Faulty',
    authenticators: [staticBearer(() => new Map([['tok', 'a']]))],
    unauthorized: () => ({ body: { error: 'unauthorized' } }),
    faultBody: (status) => ({
      body: JSON.stringify({ vendorError: status }),
      contentType: 'application/json',
      ...(status === 429 ? { headers: { 'x-ratelimit-remaining': 0 } } : {}),
    }),
    routes: (app) => {
      app.get('/api/items', async () => ({
        items: Array.from({ length: 50 }, (_, i) => ({ id: i, name: `item ${i}` })),
      }));
      app.get('/api/other', async () => ({ ok: true }));
    },
  });
});
afterAll(() => emulator.close());
afterEach(() => emulator.control.clearFaults());

const get = (path: string, signal?: AbortSignal) =>
  fetch(`${emulator.url}${path}`, { headers: AUTH, signal });

describe('FaultInjector', () => {
  it('adds latency rules, keeps the first action that fires, and validates rules', () => {
    const faults = new FaultInjector();
    faults.set([
      { kind: 'latency', ms: 10 },
      { kind: 'latency', ms: 5 },
      { kind: 'error', status: 503 },
      { kind: 'reset' },
    ]);
    expect(faults.decide('/x')).toEqual({ delayMs: 15, action: 'error', status: 503 });
    expect(() => validateFaultRules([{ kind: 'explode' }])).toThrow(/kind/);
  });
});

describe('FaultInjector times', () => {
  it('fires a rule at most `times` times', () => {
    const faults = new FaultInjector();
    faults.set(validateFaultRules([{ kind: 'error', status: 429, times: 2 }]));
    expect([1, 2, 3].map(() => faults.decide('/users')?.status ?? null)).toEqual([429, 429, null]);
    expect(() => validateFaultRules([{ kind: 'error', times: 0 }])).toThrow(/times/);
  });
});

describe('faults over HTTP', () => {
  it('answers an injected status with the vendor’s body, only under the path prefix', async () => {
    emulator.control.setFaults([{ kind: 'error', status: 503, pathPrefix: '/API/ITEMS' }]);
    const res = await get('/api/items');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ vendorError: 503 });
    expect((await get('/api/other')).status).toBe(200);
  });

  it('sends the vendor’s headers with an injected status when it has them (a 429’s budget)', async () => {
    emulator.control.setFaults([{ kind: 'error', status: 429 }]);
    const res = await get('/api/items');
    expect(res.status).toBe(429);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('resets the connection', async () => {
    emulator.control.setFaults([{ kind: 'reset' }]);
    await expect(get('/api/items')).rejects.toThrow();
  });

  it('truncates: full Content-Length announced, part of the body sent, then the connection drops', async () => {
    emulator.control.setFaults([{ kind: 'truncate' }]);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(emulator.url).port), '127.0.0.1', () =>
        socket.write('GET /api/items HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer tok\r\n\r\n'),
      );
      let data = '';
      socket.on('data', (chunk) => {
        data += chunk;
      });
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    const [head, body] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1.1 200/);
    expect(body.startsWith('{"items":[')).toBe(true);
    expect(body.length).toBeLessThan(Number(/content-length: (\d+)/i.exec(head)?.[1]));
  });

  it('stalls until the client gives up, and adds latency', async () => {
    emulator.control.setFaults([{ kind: 'stall' }]);
    await expect(get('/api/items', AbortSignal.timeout(200))).rejects.toThrow();
    emulator.control.setFaults([{ kind: 'latency', ms: 120 }]);
    const started = performance.now();
    expect((await get('/api/other')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
  });

  it('is set over HTTP, fires by probability, and is counted in stats', async () => {
    emulator.control.resetStats();
    const set = await fetch(`${emulator.url}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ faults: [{ kind: 'error', probability: 0.5 }] }),
    });
    expect(await set.json()).toEqual([{ kind: 'error', probability: 0.5 }]);
    const statuses = await Promise.all(
      Array.from({ length: 200 }, () => get('/api/other').then((r) => r.status)),
    );
    const errors = statuses.filter((s) => s === 500).length;
    expect(errors).toBeGreaterThan(60);
    expect(errors).toBeLessThan(140);
    expect(emulator.control.stats().faultsInjected).toEqual({ error: errors });
    const bad = await fetch(`${emulator.url}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'nope' }),
    });
    expect(bad.status).toBe(400);
    await fetch(`${emulator.url}/__sandbox/faults`, { method: 'DELETE' });
    expect((await get('/api/other')).status).toBe(200);
  });
});
