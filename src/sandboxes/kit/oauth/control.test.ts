/**
 * OAuth control over HTTP (`/__sandbox/oauth/...`) and the token endpoint's added latency, including a
 * client that hangs up mid-refresh: its refresh token must not have been used.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { oauthBearer } from '../auth.ts';
import { type Emulator, startEmulator } from '../emulator.ts';
import { getJson, postForm } from '../testing.ts';
import { createOAuthServer } from './server.ts';

let emulator: Emulator;
beforeAll(async () => {
  const oauth = createOAuthServer({
    paths: { authorize: '/auth', token: '/token' },
    clients: [{ clientId: 'c', clientSecret: 's', redirectUris: 'any' }],
  });
  emulator = await startEmulator({
    name: 'Control test',
    authenticators: [oauthBearer(oauth)],
    unauthorized: () => ({ body: {} }),
    oauth,
    routes: (app) => app.get('/api', async () => ({})),
  });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.control.oauth!.setSettings({ tokenLatencyMs: 0, refreshTokens: 'rotating' }));

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${emulator.url}/__sandbox/oauth${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

describe('/__sandbox/oauth over HTTP', () => {
  it('issues tokens, expires access tokens, revokes, and reports settings and stats', async () => {
    const issued = (await post('/tokens', { scopes: ['x'], accessExpiresIn: 60 })).json;
    const api = async () =>
      (await fetch(`${emulator.url}/api`, { headers: { authorization: `Bearer ${issued.accessToken}` } }))
        .status;
    expect(await api()).toBe(200);
    expect((await post('/expire-access-tokens', {})).json.expired).toBeGreaterThan(0);
    expect(await api()).toBe(401);
    expect((await post('/revoke', { refreshToken: issued.refreshToken })).json).toEqual({ revoked: true });
    expect(
      (await getJson(`${emulator.url}/__sandbox/oauth/refresh-tokens/${issued.refreshToken}`)).json,
    ).toEqual({
      state: 'revoked',
    });
    expect((await getJson(`${emulator.url}/__sandbox/oauth/refresh-tokens/unknown`)).status).toBe(404);
    expect((await post('/settings', { refreshTokens: 'reusable', tokenLatencyMs: 5 })).json).toMatchObject({
      refreshTokens: 'reusable',
      tokenLatencyMs: 5,
    });
    expect((await post('/settings', { refreshTokens: 'sometimes' })).status).toBe(400);
    const summary = await getJson(`${emulator.url}/__sandbox/oauth`);
    expect(summary.json).toMatchObject({
      settings: { refreshTokens: 'reusable' },
      stats: { familyRevocations: 0 },
    });
    expect((await post('/revoke', { all: true })).json).toEqual({ revoked: 'all' });
  });
});

describe('token endpoint latency', () => {
  it('waits before processing the grant', async () => {
    const tokens = emulator.control.oauth!.issueTokens();
    emulator.control.oauth!.setSettings({ tokenLatencyMs: 150 });
    const started = performance.now();
    const res = await postForm(
      `${emulator.url}/token`,
      { grant_type: 'refresh_token', refresh_token: tokens.refreshToken },
      { basic: { id: 'c', secret: 's' } },
    );
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('does not process a refresh whose client hung up during the wait', async () => {
    const oauth = emulator.control.oauth!;
    const tokens = oauth.issueTokens();
    oauth.setSettings({ tokenLatencyMs: 300 });
    oauth.resetStats();
    const body = `grant_type=refresh_token&refresh_token=${tokens.refreshToken}&client_id=c&client_secret=s`;
    const { port } = new URL(emulator.url);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
        );
        // Like a SIGKILLed client: the connection goes away while the server waits.
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 60);
      });
      socket.on('error', reject);
    });
    await new Promise((r) => setTimeout(r, 400));
    expect(oauth.stats()).toMatchObject({ abandoned: 1 });
    expect(oauth.stats().tokenCalls).toEqual({});
    expect(oauth.refreshTokenState(tokens.refreshToken!)).toBe('active');
    oauth.setSettings({ tokenLatencyMs: 0 });
    const retry = await postForm(
      `${emulator.url}/token`,
      { grant_type: 'refresh_token', refresh_token: tokens.refreshToken },
      { basic: { id: 'c', secret: 's' } },
    );
    expect(retry.status).toBe(200);
  });
});
