/** The Pipedrive sandbox over real HTTP, checked against Pipedrive's documented v1 Users API and OAuth. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, authorizeUrl, getJson, postForm } from '../kit/testing.ts';
import { type PipedriveSandbox, startPipedriveSandbox } from './index.ts';

const PIPEDRIVE_DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const REDIRECT = 'http://localhost:3000/callback';
let sandbox: PipedriveSandbox;

const call = (path: string, headers: Record<string, string> = { 'x-api-token': sandbox.token }) =>
  getJson<Record<string, unknown>>(`${sandbox.url}${path}`, headers);

beforeAll(async () => {
  sandbox = await startPipedriveSandbox({ users: 40, seed: 3, rateLimit: null });
});
afterAll(() => sandbox.close());

describe('auth', () => {
  it('refuses a missing or wrong API token with Pipedrive’s 401 body', async () => {
    for (const headers of [{}, { 'x-api-token': 'not-the-token' }] as Record<string, string>[]) {
      const res = await call('/api/v1/users', headers);
      expect(res.status).toBe(401);
      expect(res.json).toEqual({
        success: false,
        error: 'unauthorized access',
        errorCode: 401,
        error_info: 'Please check developers.pipedrive.com',
        data: null,
        additional_data: null,
      });
    }
  });

  it('accepts the token in x-api-token and in the legacy api_token parameter', async () => {
    expect((await call('/api/v1/users/me')).status).toBe(200);
    expect((await call(`/v1/users/me?api_token=${sandbox.token}`, {})).status).toBe(200);
  });

  it('refuses an OAuth token without users:read (403), but lets it read /users/me', async () => {
    const tokens = sandbox.control.oauth.issueTokens({ scopes: ['base'] });
    const bearer = { authorization: `Bearer ${tokens.accessToken}` };
    const users = await call('/api/v1/users', bearer);
    expect(users.status).toBe(403);
    expect(users.json).toMatchObject({ success: false, error: 'Scope and URL mismatch', errorCode: 403 });
    expect((await call('/api/v1/users/me', bearer)).status).toBe(200);
  });
});

describe('GET /v1/users', () => {
  it('returns every user at once, the docs’ examples first, in Pipedrive’s shape', async () => {
    const res = await call('/api/v1/users?limit=5&start=10');
    expect(res.status).toBe(200);
    const data = res.json.data as Array<Record<string, unknown>>;
    expect(data).toHaveLength(42);
    expect(data).toEqual(sandbox.control.list());
    expect(res.json.additional_data).toEqual({ company_id: sandbox.company.id });
    expect(data[0]).toMatchObject({ id: 1, name: 'John Doe', email: 'john@pipedrive.com', is_you: true });
    expect(data[1]).toMatchObject({ id: 2, name: 'Jane Doe', is_you: false, icon_url: null });
    for (const user of data) {
      expect(user.created).toMatch(PIPEDRIVE_DATE);
      expect(user.modified).toMatch(PIPEDRIVE_DATE);
      expect(typeof user.id).toBe('number');
    }
    expect(data.some((u) => u.active_flag === false && u.is_deleted === true)).toBe(true);
    expect(data.some((u) => u.active_flag === false && u.is_deleted === false)).toBe(true);
  });
});

describe('GET /v1/users/find', () => {
  it('matches names, or emails with search_by_email=1, case-insensitively', async () => {
    const byName = await call('/api/v1/users/find?term=jOhN%20dOe');
    expect((byName.json.data as Array<{ id: number }>).map((u) => u.id)).toEqual([1]);
    const byEmail = await call('/api/v1/users/find?term=JANE%40PIPEDRIVE.COM&search_by_email=1');
    expect((byEmail.json.data as Array<{ id: number }>).map((u) => u.id)).toEqual([2]);
    const none = await call('/api/v1/users/find?term=zzzz-nobody');
    expect(none.json).toEqual({ success: true, data: null });
    expect(sandbox.control.searches().at(-2)).toEqual({ term: 'JANE@PIPEDRIVE.COM', searchByEmail: true });
  });

  it('requires a term and a 0/1 search_by_email', async () => {
    expect((await call('/api/v1/users/find')).status).toBe(400);
    const bad = await call('/api/v1/users/find?term=x&search_by_email=yes');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ success: false, errorCode: 400 });
  });
});

describe('GET /v1/users/{id} and /users/me', () => {
  it('gets one user, 404s an unknown one, and describes the token’s user and company', async () => {
    const user = sandbox.control.list()[5]!;
    expect((await call(`/api/v1/users/${user.id}`)).json).toEqual({ success: true, data: user });
    const missing = await call('/api/v1/users/999999991');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ success: false, error: 'User not found', errorCode: 404 });
    const me = await call('/api/v1/users/me');
    expect(me.json.data).toMatchObject({ id: 1, is_you: true, company_id: sandbox.company.id });
  });
});

describe('control routes', () => {
  it('lists users and revokes the API token over HTTP', async () => {
    const other = await startPipedriveSandbox({ users: 2, rateLimit: null });
    try {
      expect((await getJson(`${other.url}/__sandbox/users`)).json).toEqual(other.control.list());
      expect((await postForm(`${other.url}/__sandbox/revoke-api-token`, {}, { json: true })).status).toBe(
        200,
      );
      const res = await getJson(`${other.url}/api/v1/users`, { 'x-api-token': other.token });
      expect(res.status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe('rate limits', () => {
  it('sends x-ratelimit-* and daily token headers, charging each endpoint its cost, and answers 429', async () => {
    const limited = await startPipedriveSandbox({ users: 3, rateLimit: { burst: 3, dailyTokens: 1000 } });
    try {
      const get = (path: string) =>
        fetch(`${limited.url}${path}`, { headers: { 'x-api-token': limited.token } });
      const first = await get('/api/v1/users');
      expect(first.headers.get('x-ratelimit-limit')).toBe('3');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('2');
      expect(first.headers.get('x-ratelimit-reset')).toBe('2');
      expect(first.headers.get('x-daily-ratelimit-token-remaining')).toBe('980');
      const me = await get('/api/v1/users/me');
      expect(me.headers.get('x-daily-ratelimit-token-remaining')).toBe('978');
      await get('/api/v1/users/me');
      const refused = await get('/api/v1/users/me');
      expect(refused.status).toBe(429);
      expect(await refused.json()).toMatchObject({ success: false, errorCode: 429 });
    } finally {
      await limited.close();
    }
  });
});

describe('OAuth', () => {
  it('exchanges a code with Basic client auth, answers api_domain, and reuses refresh tokens', async () => {
    const redirect = await authorize(
      authorizeUrl(sandbox.url, '/oauth/authorize', {
        client_id: sandbox.oauth.clientId,
        redirect_uri: REDIRECT,
        state: 's1',
        response_type: 'code',
      }),
    );
    const basic = { id: sandbox.oauth.clientId, secret: sandbox.oauth.clientSecret };
    const form = {
      grant_type: 'authorization_code',
      code: redirect.searchParams.get('code')!,
      redirect_uri: REDIRECT,
    };
    // Client credentials in the body are not how Pipedrive authenticates clients.
    const inBody = await postForm(sandbox.oauth.tokenUrl, {
      ...form,
      client_id: basic.id,
      client_secret: basic.secret,
    });
    expect(inBody.status).toBe(401);
    const tokens = await postForm(sandbox.oauth.tokenUrl, form, { basic });
    expect(tokens.status).toBe(200);
    expect(tokens.json).toEqual({
      access_token: expect.stringMatching(new RegExp(`^${sandbox.company.id}:1:`)),
      token_type: 'Bearer',
      refresh_token: expect.any(String),
      scope: 'base users:read',
      expires_in: 3599,
      api_domain: sandbox.url,
    });
    const users = await call('/api/v1/users', { authorization: `Bearer ${tokens.json.access_token}` });
    expect(users.status).toBe(200);

    const refresh = () =>
      postForm(
        sandbox.oauth.tokenUrl,
        { grant_type: 'refresh_token', refresh_token: tokens.json.refresh_token as string },
        { basic },
      );
    const first = await refresh();
    expect(first.json).toMatchObject({ refresh_token: tokens.json.refresh_token, api_domain: sandbox.url });
    expect((await refresh()).status).toBe(200);

    sandbox.control.oauth.expireAccessTokens();
    const expired = await call('/api/v1/users', { authorization: `Bearer ${first.json.access_token}` });
    expect(expired.status).toBe(401);
    expect(expired.json).toMatchObject({ error: 'Invalid token: access token has expired' });
  });
});
