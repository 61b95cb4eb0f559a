/** The emulator frame over real HTTP: each kind of auth, public paths, hooks, the common control routes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKey, basicAuth, oauthBearer, staticBearer } from './auth.ts';
import { type Emulator, startEmulator } from './emulator.ts';
import { createOAuthServer } from './oauth/server.ts';

let emulator: Emulator;

beforeAll(async () => {
  const oauth = createOAuthServer({
    paths: { authorize: '/oauth/authorize', token: '/oauth/token' },
    clients: [{ clientId: 'app', clientSecret: 'sec', redirectUris: 'any' }],
    accounts: [{ id: 'org-9' }],
  });
  emulator = await startEmulator({
    name: 'Frame',
    authenticators: [
      staticBearer(() => new Map([['pat-1', 'org-1']])),
      oauthBearer(oauth, 'account'),
      apiKey({ header: 'X-Api-Key' }, () => new Map([['hdr-key', 'org-2']])),
      apiKey({ query: 'api_token' }, () => new Map([['qry-key', 'org-3']])),
      basicAuth((user, password) =>
        user === 'me' && password === 'pw' ? { key: user, kind: 'basic', account: 'org-4' } : undefined,
      ),
    ],
    unauthorized: () => ({
      status: 401,
      body: { vendor: 'nope' },
      headers: { 'www-authenticate': 'Bearer' },
    }),
    oauth,
    publicPaths: (path) => path === '/status',
    onRequest: (_request, reply) => {
      reply.header('x-vendor-request-id', 'r-1');
    },
    routes: (app) => {
      app.get('/api/whoami', async (request) => request.principal);
      app.get('/status', async (request) => ({ up: true, principal: request.principal }));
    },
  });
});
afterAll(() => emulator.close());

const whoami = async (headers: Record<string, string> = {}, query = '') => {
  const res = await fetch(`${emulator.url}/api/whoami${query}`, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
};

describe('auth', () => {
  it('accepts static tokens, OAuth tokens, API keys in a header or the query, and Basic', async () => {
    const oauthToken = emulator.control.oauth!.issueTokens({ scopes: ['users:read'] }).accessToken;
    const basic = `Basic ${Buffer.from('me:pw').toString('base64')}`;
    const cases: [Record<string, string>, string, Record<string, unknown>][] = [
      [{ authorization: 'Bearer pat-1' }, '', { kind: 'token', account: 'org-1', key: 'pat-1' }],
      [
        { authorization: `bearer ${oauthToken}` },
        '',
        { kind: 'oauth', account: 'org-9', key: 'org-9', scopes: ['users:read'] },
      ],
      [{ 'x-api-key': 'hdr-key' }, '', { kind: 'api-key', account: 'org-2' }],
      [{}, '?api_token=qry-key', { kind: 'api-key', account: 'org-3' }],
      [{ authorization: basic }, '', { kind: 'basic', account: 'org-4' }],
    ];
    for (const [headers, query, expected] of cases) {
      const res = await whoami(headers, query);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject(expected);
    }
  });

  it('answers anything else with the vendor’s 401, after its onRequest hook', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong' },
      { authorization: `Basic ${btoa('me:no')}` },
    ];
    for (const headers of attempts) {
      const res = await whoami(headers);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ vendor: 'nope' });
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(res.headers.get('x-vendor-request-id')).toBe('r-1');
    }
  });

  it('serves public paths without auth', async () => {
    const res = await fetch(`${emulator.url}/status`);
    expect(await res.json()).toEqual({ up: true, principal: null });
  });
});

describe('control', () => {
  it('summarises the emulator at /__sandbox, and refuses rate-limit changes when the vendor has none', async () => {
    const summary = await (await fetch(`${emulator.url}/__sandbox`)).json();
    expect(summary).toMatchObject({
      name: 'Frame',
      rateLimit: null,
      faults: [],
      oauth: { refreshTokens: 'rotating' },
    });
    const res = await fetch(`${emulator.url}/__sandbox/rate-limit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ windows: [] }),
    });
    expect(res.status).toBe(400);
    expect((await fetch(`${emulator.url}/__sandbox/nothing-here`)).status).toBe(404);
  });
});
