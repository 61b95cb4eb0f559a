/** HubSpot's OAuth on the sandbox over real HTTP: consent, code exchange, reusable refresh tokens, 401 bodies. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, authorizeUrl, getJson, pkcePair, postForm } from '../kit/testing.ts';
import { type HubSpotSandbox, startHubSpotSandbox } from './index.ts';

const REDIRECT = 'http://localhost:3000/callback';
let sandbox: HubSpotSandbox;

beforeAll(async () => {
  sandbox = await startHubSpotSandbox({ owners: 20, seed: 5, rateLimit: null });
});
afterAll(() => sandbox.close());

const tokenUrl = () => `${sandbox.url}/oauth/v1/token`;
const owners = (token: string) =>
  getJson(`${sandbox.url}/crm/v3/owners?limit=1`, { authorization: `Bearer ${token}` });

async function install(extra: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const redirect = await authorize(
    authorizeUrl(sandbox.url, '/oauth/authorize', {
      client_id: sandbox.oauth.clientId,
      redirect_uri: REDIRECT,
      scope: 'crm.objects.owners.read oauth',
      state: 'st-1',
      response_type: 'code',
      ...extra,
    }),
  );
  expect(redirect.searchParams.get('state')).toBe('st-1');
  const res = await postForm(tokenUrl(), {
    grant_type: 'authorization_code',
    client_id: sandbox.oauth.clientId,
    client_secret: sandbox.oauth.clientSecret,
    redirect_uri: REDIRECT,
    code: redirect.searchParams.get('code')!,
    code_verifier: extra.code_verifier,
  });
  expect(res.status).toBe(200);
  return res.json;
}

describe('HubSpot OAuth', () => {
  it('installs through the consent page and answers HubSpot’s token response with hub_id', async () => {
    const tokens = await install();
    expect(tokens).toEqual({
      access_token: expect.stringMatching(/^C/),
      refresh_token: expect.stringMatching(/^na1-/),
      expires_in: 1800,
      token_type: 'bearer',
      hub_id: sandbox.hubId,
    });
    const page = await owners(tokens.access_token as string);
    expect(page.status).toBe(200);
    expect((page.json.results as unknown[]).length).toBe(1);
  });

  it('binds a PKCE challenge', async () => {
    const pair = pkcePair();
    const redirect = await authorize(
      authorizeUrl(sandbox.url, '/oauth/authorize', {
        client_id: sandbox.oauth.clientId,
        redirect_uri: REDIRECT,
        response_type: 'code',
        code_challenge: pair.challenge,
        code_challenge_method: 'S256',
      }),
    );
    const res = await postForm(tokenUrl(), {
      grant_type: 'authorization_code',
      client_id: sandbox.oauth.clientId,
      client_secret: sandbox.oauth.clientSecret,
      redirect_uri: REDIRECT,
      code: redirect.searchParams.get('code')!,
    });
    expect(res.json).toMatchObject({ status: 'BAD_AUTH_CODE' });
  });

  it('keeps refresh tokens reusable: the same one comes back and keeps working', async () => {
    const tokens = await install();
    const refresh = () =>
      postForm(tokenUrl(), {
        grant_type: 'refresh_token',
        client_id: sandbox.oauth.clientId,
        client_secret: sandbox.oauth.clientSecret,
        refresh_token: tokens.refresh_token as string,
      });
    const first = await refresh();
    const second = await refresh();
    expect(first.json.refresh_token).toBe(tokens.refresh_token);
    expect(second.status).toBe(200);
    expect(second.json.access_token).not.toBe(first.json.access_token);
    expect((await owners(first.json.access_token as string)).status).toBe(200);
  });

  it('authenticates the client in the body only, with HubSpot’s error bodies', async () => {
    const tokens = await install();
    const basic = await postForm(
      tokenUrl(),
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string },
      { basic: { id: sandbox.oauth.clientId, secret: sandbox.oauth.clientSecret } },
    );
    expect(basic).toMatchObject({ status: 400, json: { status: 'BAD_CLIENT_ID' } });
    const bad = await postForm(tokenUrl(), {
      grant_type: 'refresh_token',
      client_id: sandbox.oauth.clientId,
      client_secret: sandbox.oauth.clientSecret,
      refresh_token: 'na1-nope',
    });
    expect(bad).toMatchObject({
      status: 400,
      json: {
        status: 'BAD_REFRESH_TOKEN',
        message: 'missing or invalid refresh token',
        correlationId: expect.any(String),
      },
    });
  });

  it('answers an expired OAuth token with EXPIRED_AUTHENTICATION and an unknown one with INVALID_AUTHENTICATION', async () => {
    const expired = sandbox.control.oauth.issueTokens({ accessExpiresIn: -120 });
    const res = await owners(expired.accessToken);
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({
      category: 'EXPIRED_AUTHENTICATION',
      message: 'The OAuth token used to make this call expired 2 minute(s) ago.',
    });
    const unknown = await owners('CUnknownToken');
    expect(unknown.json).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
    expect((await owners(sandbox.token)).status).toBe(200);
  });

  it('serves token metadata and deletes refresh tokens without touching access tokens', async () => {
    const tokens = await install();
    const meta = await getJson(`${sandbox.url}/oauth/v1/access-tokens/${tokens.access_token}`);
    expect(meta.json).toMatchObject({
      hub_id: sandbox.hubId,
      token_type: 'access',
      scopes: ['crm.objects.owners.read', 'oauth'],
    });
    const deleted = await fetch(`${sandbox.url}/oauth/v1/refresh-tokens/${tokens.refresh_token}`, {
      method: 'DELETE',
    });
    expect(deleted.status).toBe(204);
    expect(sandbox.control.oauth.refreshTokenState(tokens.refresh_token as string)).toBe('revoked');
    expect((await owners(tokens.access_token as string)).status).toBe(200);
  });

  it('counts OAuth calls against the app and account, with the rate-limit headers', async () => {
    const limited = await startHubSpotSandbox({ owners: 3, rateLimit: { calls: 2, windowMs: 60_000 } });
    try {
      const a = limited.control.oauth.issueTokens();
      const b = limited.control.oauth.issueTokens();
      const call = (t: string) =>
        fetch(`${limited.url}/crm/v3/owners`, { headers: { authorization: `Bearer ${t}` } });
      expect((await call(a.accessToken)).status).toBe(200);
      expect((await call(b.accessToken)).headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
      expect((await call(a.accessToken)).status).toBe(429);
      expect((await call(limited.token)).status).toBe(200);
      const stats = limited.control.stats();
      expect(Object.values(stats.keys).map((k) => k.maxInWindow.TEN_SECONDLY_ROLLING)).toContain(3);
    } finally {
      await limited.close();
    }
  });
});
