/**
 * Request stats over real HTTP: totals, routes, refusals, exact per-key window maxima, token-endpoint calls,
 * and every Host header and absolute-form target (the security property tests lean on these).
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { staticBearer } from './auth.ts';
import { type Emulator, startEmulator } from './emulator.ts';
import { createOAuthServer } from './oauth/server.ts';
import { RequestStats } from './stats.ts';

let emulator: Emulator;
let port: number;

beforeAll(async () => {
  emulator = await startEmulator({
    name: 'Counted',
    authenticators: [
      staticBearer(
        () =>
          new Map([
            ['k1', 'a'],
            ['k2', 'a'],
          ]),
      ),
    ],
    unauthorized: () => ({ body: { error: 'unauthorized' } }),
    oauth: createOAuthServer({
      paths: { authorize: '/auth', token: '/token' },
      clients: [{ clientId: 'c', clientSecret: 's', redirectUris: 'any' }],
    }),
    rateLimit: {
      windows: [{ name: 'second', limit: 3, windowMs: 1000 }],
      body: () => ({ error: 'slow down' }),
    },
    routes: (app) => app.get('/api/things/:thingId', async () => ({ ok: true })),
  });
  port = Number(new URL(emulator.url).port);
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.control.resetStats();
  emulator.control.setRateLimit({});
});

const get = (path: string, token = 'k1') =>
  fetch(`${emulator.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

/** One raw HTTP/1.1 exchange, so the request line and Host can be anything. */
function raw(requestLine: string, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(
        `${requestLine}\r\nHost: ${host}\r\nAuthorization: Bearer k1\r\nConnection: close\r\n\r\n`,
      ),
    );
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk;
    });
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
  });
}

describe('RequestStats', () => {
  it('keeps the exact maximum per window and keeps maxima across window changes', () => {
    const stats = new RequestStats([{ name: 'w', windowMs: 5000 }]);
    for (const t of [0, 1000, 2000, 9000, 9500, 10_000, 12_000, 13_999]) stats.recordCall('k', t);
    expect(stats.snapshot().keys.k).toEqual({ calls: 8, rateLimited: 0, maxInWindow: { w: 5 } });
    stats.measureWindows([{ name: 'w', windowMs: 1 }]);
    stats.recordCall('k', 20_000);
    expect(stats.snapshot().keys.k.maxInWindow.w).toBe(5);
  });
});

describe('over HTTP', () => {
  it('counts requests per route pattern, refusals, rate-limited calls and window maxima per key', async () => {
    for (let k = 0; k < 5; k++) await get(`/api/things/${k}`);
    await get('/api/things/1', 'k2');
    await get('/api/things/1', '');
    await get('/nowhere');
    await fetch(`${emulator.url}/__sandbox/stats`);
    const s = emulator.control.stats();
    expect(s.total).toBe(8);
    expect(s.requests).toEqual({ '/api/things/{thingId}': 7, '/nowhere': 1 });
    expect(s.unauthorized).toBe(1);
    // k1's sixth call is the unknown path: authenticated, counted, and refused like the others past 3.
    expect(s.rateLimited).toBe(3);
    expect(s.keys.k1).toEqual({ calls: 6, rateLimited: 3, maxInWindow: { second: 6 } });
    expect(s.keys.k2).toEqual({ calls: 1, rateLimited: 0, maxInWindow: { second: 1 } });
    expect(s.windows).toEqual({ second: 1000 });
  });

  it('counts token-endpoint calls', async () => {
    await fetch(`${emulator.url}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    expect(emulator.control.stats().tokenEndpoint).toBe(1);
  });

  it('records every Host header and absolute-form target it was sent', async () => {
    await get('/api/things/1');
    await new Promise<void>((resolve, reject) =>
      request(
        {
          port,
          path: '/api/things/2',
          headers: { host: 'api.other-vendor.example', authorization: 'Bearer k1' },
        },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      )
        .on('error', reject)
        .end(),
    );
    await raw('GET http://crm.elsewhere.example/api/things/3 HTTP/1.1', 'crm.elsewhere.example');
    const s = (await (await fetch(`${emulator.url}/__sandbox/stats`)).json()) as ReturnType<
      typeof emulator.control.stats
    >;
    expect(s.hosts).toEqual({
      [`127.0.0.1:${port}`]: 1,
      'api.other-vendor.example': 1,
      'crm.elsewhere.example': 1,
    });
    expect(s.absoluteTargets).toEqual(['http://crm.elsewhere.example/api/things/3']);
    await fetch(`${emulator.url}/__sandbox/reset-stats`, { method: 'POST' });
    expect(emulator.control.stats()).toMatchObject({ total: 0, hosts: {}, absoluteTargets: [] });
  });
});
