/** Accelo's OAuth on the sandbox over real HTTP: consent, Basic client auth, rotating refresh, error bodies. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, authorizeUrl, postForm } from '../kit/testing.ts';
import { type AcceloSandbox, startAcceloSandbox } from './index.ts';

const REDIRECT = 'https://switchboard.example/connect/oauth/callback';
let sandbox: AcceloSandbox;

beforeAll(async () => {
  sandbox = await startAcceloSandbox({ staff: 5, seed: 9, rateLimit: null });
});
afterAll(() => sandbox.close());

const basic = () => ({ basic: { id: sandbox.oauth.clientId, secret: sandbox.oauth.clientSecret } });

async function consent(scope = 'read(staff)'): Promise<Record<string, unknown>> {
  const redirect = await authorize(
    authorizeUrl(sandbox.url, '/oauth2/v0/authorize', {
      client_id: sandbox.oauth.clientId,
      response_type: 'code',
      scope,
      redirect_uri: REDIRECT,
      state: 'st',
    }),
  );
  expect(redirect.searchParams.get('state')).toBe('st');
  const res = await postForm(
    sandbox.oauth.tokenUrl,
    { grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: REDIRECT },
    basic(),
  );
  expect(res.status, res.text).toBe(200);
  return res.json;
}

describe('Accelo OAuth', () => {
  it('names clients `…@<deployment>.accelo.com` and answers the code grant with the deployment', async () => {
    expect(sandbox.oauth.clientId).toMatch(/^[0-9a-f]{8}@planet-express\.accelo\.com$/);
    const tokens = await consent();
    expect(tokens).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 2_592_000,
      deployment: 'planet-express',
      deployment_name: 'planet-express',
      deployment_uri: 'https://planet-express.accelo.com',
      account_id: expect.any(String),
    });
    const staff = await fetch(`${sandbox.url}/api/v0/staff/whoami`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(staff.status).toBe(200);
  });

  it('takes client credentials only with HTTP Basic', async () => {
    const tokens = await consent();
    const inBody = await postForm(sandbox.oauth.tokenUrl, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
      client_id: sandbox.oauth.clientId,
      client_secret: sandbox.oauth.clientSecret,
    });
    expect(inBody.status).toBe(401);
    expect(inBody.json).toMatchObject({ error: 'invalid_client' });
  });

  it('rotates refresh tokens: a used one comes back as invalid_grant with Accelo’s description', async () => {
    const tokens = await consent();
    const refresh = (token: string) =>
      postForm(sandbox.oauth.tokenUrl, { grant_type: 'refresh_token', refresh_token: token }, basic());
    const first = await refresh(tokens.refresh_token as string);
    expect(first.status).toBe(200);
    expect(first.json.refresh_token).not.toBe(tokens.refresh_token);
    const reused = await refresh(tokens.refresh_token as string);
    expect(reused.status).toBe(400);
    expect(reused.json).toEqual({
      error: 'invalid_grant',
      error_description: 'Grant was not found (possibly expired).',
    });
  });

  it('grants read(all) when no scope is asked for', async () => {
    const tokens = await consent('');
    const staff = await fetch(`${sandbox.url}/api/v0/staff`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(staff.status).toBe(200);
  });
});
