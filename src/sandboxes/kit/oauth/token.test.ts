/** The token endpoint over real HTTP: codes, client authentication, PKCE, client_credentials, hooks. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerToken, oauthBearer } from '../auth.ts';
import { type Emulator, startEmulator } from '../emulator.ts';
import { authorize, authorizeUrl, getJson, pkcePair, postForm } from '../testing.ts';
import { createOAuthServer } from './server.ts';
import { OAuthError, type OAuthServerOptions } from './types.ts';

const REDIRECT = 'http://127.0.0.1:1/cb';
const CLIENT = { id: 'client-a', secret: 'secret-a' };

async function start(options: Partial<OAuthServerOptions> = {}): Promise<Emulator> {
  const oauth = createOAuthServer({
    paths: {
      authorize: '/authorize',
      token: '/token',
      revoke: '/revoke',
      introspect: '/introspect',
      userinfo: '/me',
    },
    clients: [
      { clientId: CLIENT.id, clientSecret: CLIENT.secret, redirectUris: [REDIRECT] },
      { clientId: 'client-b', clientSecret: 'secret-b', redirectUris: [REDIRECT], account: 'acct-b' },
      { clientId: 'public-app', redirectUris: [REDIRECT] },
    ],
    accounts: [{ id: 'acct-a' }, { id: 'acct-b' }],
    autoApprove: true,
    ...options,
  });
  return startEmulator({
    name: 'Token test',
    authenticators: [oauthBearer(oauth)],
    unauthorized: () => ({ body: { error: 'no' } }),
    oauth,
    routes: (app) =>
      app.get('/api/whoami', async (request) => ({ ...request.principal, token: bearerToken(request) })),
  });
}

async function codeFor(emulator: Emulator, params: Record<string, string> = {}): Promise<string> {
  const redirect = await authorize(
    authorizeUrl(emulator.url, '/authorize', {
      response_type: 'code',
      client_id: CLIENT.id,
      redirect_uri: REDIRECT,
      ...params,
    }),
  );
  return redirect.searchParams.get('code')!;
}

const exchange = (emulator: Emulator, params: Record<string, string | undefined>, basic = false) =>
  postForm(
    `${emulator.url}/token`,
    basic
      ? { grant_type: 'authorization_code', redirect_uri: REDIRECT, ...params }
      : {
          grant_type: 'authorization_code',
          redirect_uri: REDIRECT,
          client_id: CLIENT.id,
          client_secret: CLIENT.secret,
          ...params,
        },
    basic ? { basic: CLIENT } : {},
  );

describe('authorization_code', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await start();
  });
  afterAll(() => emulator.close());

  it('exchanges a code for a bearer token the API accepts, with RFC 6749 fields and no-store', async () => {
    const res = await exchange(emulator, { code: await codeFor(emulator, { scope: 'read write' }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.json).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: expect.any(String),
      scope: 'read write',
    });
    const me = await getJson(`${emulator.url}/api/whoami`, {
      authorization: `Bearer ${res.json.access_token}`,
    });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ kind: 'oauth', account: 'acct-a', scopes: ['read', 'write'] });
  });

  it('uses a code once; the second use is invalid_grant and revokes what the first issued', async () => {
    const code = await codeFor(emulator);
    const first = await exchange(emulator, { code });
    const second = await exchange(emulator, { code });
    expect(second.status).toBe(400);
    expect(second.json).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
    expect(emulator.control.oauth!.validateAccessToken(first.json.access_token as string)).toBeUndefined();
  });

  it('binds the code to the client and the redirect_uri', async () => {
    const other = await postForm(`${emulator.url}/token`, {
      grant_type: 'authorization_code',
      code: await codeFor(emulator),
      redirect_uri: REDIRECT,
      client_id: 'client-b',
      client_secret: 'secret-b',
    });
    expect(other.json.error).toBe('invalid_grant');
    const wrongRedirect = await exchange(emulator, {
      code: await codeFor(emulator),
      redirect_uri: 'http://x.test/',
    });
    expect(wrongRedirect.json.error).toBe('invalid_grant');
  });

  it('expires codes quickly', async () => {
    const quick = await start({ codeLifetime: 0.05 });
    try {
      const code = await codeFor(quick);
      await new Promise((r) => setTimeout(r, 80));
      expect((await exchange(quick, { code })).json.error).toBe('invalid_grant');
    } finally {
      await quick.close();
    }
  });

  it.each(['S256', 'plain'] as const)('checks the PKCE verifier (%s)', async (method) => {
    const pair = pkcePair(method);
    const params = { code_challenge: pair.challenge, code_challenge_method: method };
    expect((await exchange(emulator, { code: await codeFor(emulator, params) })).json.error).toBe(
      'invalid_grant',
    );
    const wrong = await exchange(emulator, {
      code: await codeFor(emulator, params),
      code_verifier: pkcePair().verifier,
    });
    expect(wrong.json.error).toBe('invalid_grant');
    const right = await exchange(emulator, {
      code: await codeFor(emulator, params),
      code_verifier: pair.verifier,
    });
    expect(right.status).toBe(200);
  });

  it('lets a public client (no secret) exchange a PKCE-bound code with client_id alone', async () => {
    const pair = pkcePair();
    const redirect = await authorize(
      authorizeUrl(emulator.url, '/authorize', {
        response_type: 'code',
        client_id: 'public-app',
        redirect_uri: REDIRECT,
        code_challenge: pair.challenge,
        code_challenge_method: 'S256',
      }),
    );
    const res = await postForm(`${emulator.url}/token`, {
      grant_type: 'authorization_code',
      client_id: 'public-app',
      code: redirect.searchParams.get('code')!,
      redirect_uri: REDIRECT,
      code_verifier: pair.verifier,
    });
    expect(res.status).toBe(200);
  });

  it('accepts JSON bodies as well as form bodies', async () => {
    const res = await postForm(
      `${emulator.url}/token`,
      {
        grant_type: 'authorization_code',
        code: await codeFor(emulator),
        redirect_uri: REDIRECT,
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
      },
      { json: true },
    );
    expect(res.status).toBe(200);
  });
});

describe('client authentication', () => {
  it.each([
    ['basic', true, 200],
    ['basic', false, 401],
    ['body', true, 401],
    ['body', false, 200],
    ['either', true, 200],
    ['either', false, 200],
  ] as const)('in %s mode, Basic=%s answers %i', async (clientAuth, useBasic, status) => {
    const emulator = await start({ clientAuth });
    try {
      const res = await exchange(emulator, { code: await codeFor(emulator) }, useBasic);
      expect(res.status).toBe(status);
      if (status === 401) expect(res.json.error).toBe('invalid_client');
      if (status === 401 && useBasic) expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    } finally {
      await emulator.close();
    }
  });

  it('takes a method per grant type: the code in the body, refreshes with Basic only', async () => {
    const emulator = await start({ clientAuth: { authorization_code: 'body', refresh_token: 'basic' } });
    try {
      const tokens = await exchange(emulator, { code: await codeFor(emulator) });
      expect(tokens.status).toBe(200);
      const refresh = { grant_type: 'refresh_token', refresh_token: String(tokens.json.refresh_token) };
      const inBody = await postForm(`${emulator.url}/token`, {
        ...refresh,
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
      });
      expect(inBody.status).toBe(401);
      expect(inBody.json.error).toBe('invalid_client');
      const withBasic = await postForm(`${emulator.url}/token`, refresh, { basic: CLIENT });
      expect(withBasic.status).toBe(200);
      expect(withBasic.json.access_token).toEqual(expect.any(String));
    } finally {
      await emulator.close();
    }
  });

  it('refuses a wrong secret and an unknown client with 401 invalid_client', async () => {
    const emulator = await start();
    try {
      const code = await codeFor(emulator);
      expect((await exchange(emulator, { code, client_secret: 'nope' })).status).toBe(401);
      const unknown = await exchange(emulator, { code, client_id: 'ghost' });
      expect(unknown.json).toMatchObject({ error: 'invalid_client' });
      expect(emulator.control.oauth!.stats().invalidClient).toBe(2);
    } finally {
      await emulator.close();
    }
  });
});

describe('client_credentials, hooks, other endpoints', () => {
  it('issues an access token without refresh token for the client’s account', async () => {
    const emulator = await start();
    try {
      const res = await postForm(
        `${emulator.url}/token`,
        { grant_type: 'client_credentials', scope: 'api' },
        { basic: { id: 'client-b', secret: 'secret-b' } },
      );
      expect(res.json).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'api',
      });
      expect(emulator.control.oauth!.validateAccessToken(res.json.access_token as string)?.account).toBe(
        'acct-b',
      );
      const unsupported = await postForm(
        `${emulator.url}/token`,
        { grant_type: 'password' },
        { basic: CLIENT },
      );
      expect(unsupported.json.error).toBe('unsupported_grant_type');
    } finally {
      await emulator.close();
    }
  });

  it('shapes responses and errors with the vendor’s hooks; null lifetime leaves out expires_in', async () => {
    const emulator = await start({
      accessTokenLifetime: null,
      tokenResponse: (body, grant, context) => ({
        ...body,
        instance_url: `https://${grant.account}.example.test`,
        issued_at: String(context.issuedAt),
      }),
      errorResponse: (error) => ({ status: error.status, body: { vendor_error: error.error.toUpperCase() } }),
    });
    try {
      const ok = await exchange(emulator, { code: await codeFor(emulator) });
      expect(ok.json.expires_in).toBeUndefined();
      expect(ok.json.instance_url).toBe('https://acct-a.example.test');
      expect(ok.json.issued_at).toMatch(/^\d{13}$/);
      const bad = await exchange(emulator, { code: 'bogus' });
      expect(bad).toMatchObject({ status: 400, json: { vendor_error: 'INVALID_GRANT' } });
    } finally {
      await emulator.close();
    }
  });

  it('revokes (RFC 7009), introspects (RFC 7662) and serves userinfo', async () => {
    const emulator = await start();
    try {
      const tokens = (await exchange(emulator, { code: await codeFor(emulator, { scope: 'a' }) })).json;
      const introspect = await postForm(
        `${emulator.url}/introspect`,
        { token: tokens.access_token as string },
        { basic: CLIENT },
      );
      expect(introspect.json).toMatchObject({
        active: true,
        client_id: CLIENT.id,
        sub: 'acct-a',
        scope: 'a',
      });
      const me = await getJson(`${emulator.url}/me`, { authorization: `Bearer ${tokens.access_token}` });
      expect(me.json).toMatchObject({ sub: 'acct-a' });
      const revoked = await postForm(
        `${emulator.url}/revoke`,
        { token: tokens.refresh_token as string },
        { basic: CLIENT },
      );
      expect(revoked.status).toBe(200);
      const after = await postForm(
        `${emulator.url}/introspect`,
        { token: tokens.access_token as string },
        { basic: CLIENT },
      );
      expect(after.json).toEqual({ active: false });
      expect(
        (await getJson(`${emulator.url}/me`, { authorization: `Bearer ${tokens.access_token}` })).status,
      ).toBe(401);
    } finally {
      await emulator.close();
    }
  });
});

describe('vendor variations: the account from the request, JSON-only bodies', () => {
  it('issues client_credentials tokens for the account the request names, and refuses unknown ones', async () => {
    const emulator = await start({
      clientCredentialsAccount: (params) => {
        if (params.instance_id !== 'acct-a' && params.instance_id !== 'acct-b')
          throw new OAuthError('invalid_grant', 'unknown instance');
        return params.instance_id;
      },
    });
    try {
      const credentials = {
        grant_type: 'client_credentials',
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
      };
      const ok = await postForm(`${emulator.url}/token`, { ...credentials, instance_id: 'acct-b' });
      expect(ok.status).toBe(200);
      expect(emulator.control.oauth!.validateAccessToken(ok.json.access_token as string)?.account).toBe(
        'acct-b',
      );
      const unknown = await postForm(`${emulator.url}/token`, { ...credentials, instance_id: 'acct-z' });
      expect(unknown).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    } finally {
      await emulator.close();
    }
  });

  it('refuses a form body when the vendor takes JSON only', async () => {
    const emulator = await start({ tokenBodyFormats: ['json'] });
    try {
      const params = { grant_type: 'client_credentials', client_id: CLIENT.id, client_secret: CLIENT.secret };
      const form = await postForm(`${emulator.url}/token`, params);
      expect(form).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
      expect(emulator.control.oauth!.stats().tokenCalls.client_credentials).toBeUndefined();
      const json = await postForm(`${emulator.url}/token`, params, { json: true });
      expect(json.status).toBe(200);
    } finally {
      await emulator.close();
    }
  });
});
