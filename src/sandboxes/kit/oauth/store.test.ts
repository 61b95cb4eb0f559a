/**
 * Refresh tokens over real HTTP: rotation, reuse detection that revokes the whole family, reusable mode,
 * revoked, expired and unknown tokens, and access-token expiry as the API routes see it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { oauthBearer } from '../auth.ts';
import { type Emulator, startEmulator } from '../emulator.ts';
import { postForm } from '../testing.ts';
import { createOAuthServer } from './server.ts';

const CLIENT = { id: 'c1', secret: 's1' };
let emulator: Emulator;

beforeAll(async () => {
  const oauth = createOAuthServer({
    paths: { authorize: '/oauth/authorize', token: '/oauth/token' },
    clients: [
      { clientId: CLIENT.id, clientSecret: CLIENT.secret, redirectUris: 'any' },
      { clientId: 'c2', clientSecret: 's2', redirectUris: 'any' },
    ],
  });
  emulator = await startEmulator({
    name: 'Refresh test',
    authenticators: [oauthBearer(oauth)],
    unauthorized: () => ({ body: { message: 'expired or invalid token' } }),
    oauth,
    routes: (app) => app.get('/api/ping', async () => ({ ok: true })),
  });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.control.oauth!.setSettings({ refreshTokens: 'rotating' });
  emulator.control.oauth!.resetStats();
});

const oauth = () => emulator.control.oauth!;
const refresh = (token: string, client = CLIENT) =>
  postForm(
    `${emulator.url}/oauth/token`,
    { grant_type: 'refresh_token', refresh_token: token },
    { basic: client },
  );
const ping = async (token: string) =>
  (await fetch(`${emulator.url}/api/ping`, { headers: { authorization: `Bearer ${token}` } })).status;

describe('rotating refresh tokens', () => {
  it('issues a new refresh token on each use; the used one dies', async () => {
    const first = oauth().issueTokens();
    const next = await refresh(first.refreshToken!);
    expect(next.status).toBe(200);
    expect(next.json.refresh_token).not.toBe(first.refreshToken);
    expect(oauth().refreshTokenState(first.refreshToken!)).toBe('rotated');
    expect(await ping(next.json.access_token as string)).toBe(200);
    expect((await refresh(next.json.refresh_token as string)).status).toBe(200);
  });

  it('on reuse of a rotated token answers invalid_grant and revokes every token of the family', async () => {
    const first = oauth().issueTokens();
    const second = (await refresh(first.refreshToken!)).json;
    const third = (await refresh(second.refresh_token as string)).json;
    const reuse = await refresh(first.refreshToken!);
    expect(reuse.status).toBe(400);
    expect(reuse.json.error).toBe('invalid_grant');
    for (const t of [first.accessToken, second.access_token, third.access_token])
      expect(await ping(t as string)).toBe(401);
    expect((await refresh(third.refresh_token as string)).json.error).toBe('invalid_grant');
    expect(oauth().stats()).toMatchObject({
      familyRevocations: 1,
      invalidGrant: 2,
      tokenCalls: { refresh_token: 4 },
    });
  });

  it('leaves other families alone', async () => {
    const a = oauth().issueTokens();
    const b = oauth().issueTokens();
    await refresh(a.refreshToken!);
    await refresh(a.refreshToken!);
    expect(await ping(b.accessToken)).toBe(200);
    expect((await refresh(b.refreshToken!)).status).toBe(200);
  });
});

describe('reusable refresh tokens', () => {
  it('returns the same refresh token, which keeps working; switching at run time applies to the next use', async () => {
    oauth().setSettings({ refreshTokens: 'reusable' });
    const first = oauth().issueTokens();
    const a = await refresh(first.refreshToken!);
    const b = await refresh(first.refreshToken!);
    expect(a.json.refresh_token).toBe(first.refreshToken);
    expect(b.status).toBe(200);
    expect(await ping(a.json.access_token as string)).toBe(200);
    oauth().setSettings({ refreshTokens: 'rotating' });
    const rotated = await refresh(first.refreshToken!);
    expect(rotated.json.refresh_token).not.toBe(first.refreshToken);
  });
});

describe('refused refresh tokens', () => {
  it('answers invalid_grant for unknown, revoked, expired and other clients’ tokens', async () => {
    expect((await refresh('no-such-token')).json.error).toBe('invalid_grant');
    const revoked = oauth().issueTokens();
    expect(oauth().revokeRefreshToken(revoked.refreshToken!)).toBe(true);
    expect((await refresh(revoked.refreshToken!)).json.error).toBe('invalid_grant');
    expect(await ping(revoked.accessToken)).toBe(401);
    const expired = oauth().issueTokens({ refreshExpiresIn: -1 });
    expect((await refresh(expired.refreshToken!)).json.error).toBe('invalid_grant');
    const mine = oauth().issueTokens();
    expect((await refresh(mine.refreshToken!, { id: 'c2', secret: 's2' })).json.error).toBe('invalid_grant');
  });

  it('refuses a scope wider than the grant, allows a narrower one', async () => {
    const tokens = oauth().issueTokens({ scopes: ['a', 'b'] });
    const wider = await postForm(
      `${emulator.url}/oauth/token`,
      { grant_type: 'refresh_token', refresh_token: tokens.refreshToken, scope: 'a c' },
      { basic: CLIENT },
    );
    expect(wider.json.error).toBe('invalid_scope');
    const narrower = await postForm(
      `${emulator.url}/oauth/token`,
      { grant_type: 'refresh_token', refresh_token: tokens.refreshToken, scope: 'a' },
      { basic: CLIENT },
    );
    expect(narrower.json.scope).toBe('a');
  });
});

describe('access tokens', () => {
  it('refuses expired tokens (issued expired, or expired by control) and revoked ones', async () => {
    const expired = oauth().issueTokens({ accessExpiresIn: -5 });
    expect(await ping(expired.accessToken)).toBe(401);
    expect(oauth().validateAccessToken(expired.accessToken)).toBeUndefined();
    const live = oauth().issueTokens();
    expect(await ping(live.accessToken)).toBe(200);
    expect(oauth().expireAccessTokens()).toBeGreaterThan(0);
    expect(await ping(live.accessToken)).toBe(401);
    const refreshed = (await refresh(live.refreshToken!)).json;
    expect(await ping(refreshed.access_token as string)).toBe(200);
    oauth().revokeAll();
    expect(await ping(refreshed.access_token as string)).toBe(401);
  });
});
