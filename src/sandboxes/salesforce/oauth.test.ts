/** Salesforce's OAuth endpoints in the sandbox: the web server flow, token shapes, refresh and rotation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, authorizeUrl, getJson, pkcePair, postForm } from '../kit/testing.ts';
import { type SalesforceSandbox, startSalesforceSandbox } from './index.ts';

const REDIRECT = 'https://app.example.com/connect/oauth/callback';
let sandbox: SalesforceSandbox;

beforeAll(async () => {
  sandbox = await startSalesforceSandbox({ users: 10, oauth: { autoApprove: true } });
});
afterAll(() => sandbox.close());

async function codeGrant(scope: string) {
  const pkce = pkcePair();
  const redirect = await authorize(
    authorizeUrl(sandbox.url, '/services/oauth2/authorize', {
      response_type: 'code',
      client_id: sandbox.oauth.clientId,
      redirect_uri: REDIRECT,
      scope,
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    }),
  );
  return postForm<Record<string, string>>(sandbox.oauth.tokenUrl, {
    grant_type: 'authorization_code',
    code: redirect.searchParams.get('code')!,
    redirect_uri: REDIRECT,
    client_id: sandbox.oauth.clientId,
    client_secret: sandbox.oauth.clientSecret,
    code_verifier: pkce.verifier,
  });
}

const refresh = (refreshToken: string) =>
  postForm<Record<string, string>>(sandbox.oauth.tokenUrl, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: sandbox.oauth.clientId,
    client_secret: sandbox.oauth.clientSecret,
  });

describe('POST /services/oauth2/token', () => {
  it('answers the code grant with instance_url, id, issued_at and signature, and no expires_in', async () => {
    const res = await codeGrant('api refresh_token');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      access_token: expect.stringMatching(/^00Dx0000000BV7z!AQ/),
      refresh_token: expect.stringMatching(/^5Aep861/),
      signature: expect.any(String),
      scope: 'api refresh_token',
      instance_url: sandbox.url,
      id: `${sandbox.url}/id/${sandbox.orgId}/${sandbox.adminUserId}`,
      token_type: 'Bearer',
      issued_at: expect.stringMatching(/^\d{13}$/),
    });
    const api = await getJson(
      `${sandbox.url}/services/data/v62.0/sobjects/User/${sandbox.adminUserId}?fields=Id`,
      {
        authorization: `Bearer ${res.json.access_token}`,
      },
    );
    expect(api.status).toBe(200);
  });

  it('gives no refresh token without the refresh_token scope', async () => {
    const res = await codeGrant('api');
    expect(res.status).toBe(200);
    expect(res.json).not.toHaveProperty('refresh_token');
  });

  it('refreshes without returning a refresh token, which stays usable (no rotation)', async () => {
    const { refresh_token } = (await codeGrant('api refresh_token')).json;
    for (let i = 0; i < 2; i++) {
      const res = await refresh(refresh_token!);
      expect(res.status).toBe(200);
      expect(res.json).not.toHaveProperty('refresh_token');
      expect(res.json).not.toHaveProperty('expires_in');
      expect(res.json.instance_url).toBe(sandbox.url);
    }
  });

  it('with rotation on, issues a new refresh token, and reuse of the old one revokes the grant', async () => {
    sandbox.control.oauth.setSettings({ refreshTokens: 'rotating' });
    try {
      const first = (await codeGrant('api refresh_token')).json;
      const rotated = await refresh(first.refresh_token!);
      expect(rotated.json.refresh_token).toMatch(/^5Aep861/);
      const reused = await refresh(first.refresh_token!);
      expect(reused.status).toBe(400);
      expect(reused.json).toEqual({
        error: 'invalid_grant',
        error_description: 'expired access/refresh token',
      });
      expect((await refresh(rotated.json.refresh_token!)).status).toBe(400);
    } finally {
      sandbox.control.oauth.setSettings({ refreshTokens: 'reusable' });
    }
  });

  it('names an unknown consumer key invalid_client_id and a wrong secret invalid_client', async () => {
    const unknown = await postForm(sandbox.oauth.tokenUrl, {
      grant_type: 'refresh_token',
      refresh_token: 'x',
      client_id: 'nobody',
      client_secret: 'x',
    });
    expect(unknown.json).toEqual({
      error: 'invalid_client_id',
      error_description: 'client identifier invalid',
    });
    const wrong = await postForm(sandbox.oauth.tokenUrl, {
      grant_type: 'refresh_token',
      refresh_token: 'x',
      client_id: sandbox.oauth.clientId,
      client_secret: 'wrong',
    });
    expect(wrong.json).toEqual({ error: 'invalid_client', error_description: 'invalid client credentials' });
  });

  it('serves the current user at /services/oauth2/userinfo', async () => {
    const { access_token } = (await codeGrant('api openid')).json;
    const res = await getJson(`${sandbox.url}/services/oauth2/userinfo`, {
      authorization: `Bearer ${access_token}`,
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ user_id: sandbox.adminUserId, organization_id: sandbox.orgId });
  });
});
