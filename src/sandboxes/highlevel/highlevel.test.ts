/** The HighLevel sandbox over real HTTP, checked against HighLevel's documented API v2 users behaviour. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, authorizeUrl, postForm } from '../kit/testing.ts';
import {
  COMPANY_ID,
  DOCS_EXAMPLE_USER,
  type HighLevelSandbox,
  type HighLevelUser,
  MAIN_LOCATION,
  OTHER_LOCATION,
  startHighLevelSandbox,
} from './index.ts';

let ghl: HighLevelSandbox;
const VERSION = { version: '2021-07-28' };

async function call(
  path: string,
  headers: Record<string, string> = { authorization: `Bearer ${ghl.token}`, ...VERSION },
) {
  const res = await fetch(`${ghl.url}${path}`, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  ghl = await startHighLevelSandbox({ users: 80, seed: 4, rateLimit: null });
});
afterAll(() => ghl.close());

describe('auth and the Version header', () => {
  it('answers a missing or unknown Version with 401 before looking at the token', async () => {
    const missing = await call(`/users/?locationId=${MAIN_LOCATION}`, {
      authorization: `Bearer ${ghl.token}`,
    });
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ statusCode: 401, message: 'version header was not found.' });
    const old = await call(`/users/?locationId=${MAIN_LOCATION}`, {
      authorization: `Bearer ${ghl.token}`,
      version: '2020-01-01',
    });
    expect(old.body).toEqual({ statusCode: 401, message: 'version header is invalid' });
  });

  it('answers a bad token with the documented 401 body', async () => {
    const { status, body } = await call(`/users/?locationId=${MAIN_LOCATION}`, {
      authorization: 'Bearer nope',
      ...VERSION,
    });
    expect(status).toBe(401);
    expect(body).toEqual({
      statusCode: 401,
      message: 'Invalid token: access token is invalid',
      error: 'Unauthorized',
    });
  });

  it('refuses a token without users.readonly, another location, and an agency token on the location list', async () => {
    const noScope = ghl.control.oauth.issueTokens({ account: MAIN_LOCATION, scopes: ['contacts.readonly'] });
    const scope = await call(`/users/?locationId=${MAIN_LOCATION}`, {
      authorization: `Bearer ${noScope.accessToken}`,
      ...VERSION,
    });
    expect(scope).toMatchObject({
      status: 401,
      body: { message: 'The token is not authorized for this scope.' },
    });
    const other = await call(`/users/?locationId=${OTHER_LOCATION}`);
    expect(other).toMatchObject({
      status: 403,
      body: { message: 'The token does not have access to this location.' },
    });
    const agency = ghl.control.oauth.issueTokens({ account: COMPANY_ID, scopes: ['users.readonly'] });
    const refused = await call(`/users/?locationId=${MAIN_LOCATION}`, {
      authorization: `Bearer ${agency.accessToken}`,
      ...VERSION,
    });
    expect(refused.status).toBe(401);
    expect(refused.body.message).toContain('authClass type is not allowed');
  });
});

describe('GET /users/?locationId=', () => {
  it('answers every user of the location at once, agency users included, deleted ones left out', async () => {
    const { status, body } = await call(`/users/?locationId=${MAIN_LOCATION}`);
    expect(status).toBe(200);
    const users = body.users as HighLevelUser[];
    expect(Object.keys(body)).toEqual(['users']);
    expect(users[0]).toEqual(DOCS_EXAMPLE_USER);
    expect(users.map((u) => u.id)).toEqual(ghl.control.list(MAIN_LOCATION).map((u) => u.id));
    expect(users.some((u) => u.roles.type === 'agency')).toBe(true);
    const deleted = ghl.control.all().filter((u) => u.deleted && u.roles.locationIds.includes(MAIN_LOCATION));
    expect(deleted.length).toBeGreaterThan(0);
    for (const user of deleted) expect(users.map((u) => u.id)).not.toContain(user.id);
    expect(ghl.control.listCalls().at(-1)).toBe(MAIN_LOCATION);
  });

  it('needs a locationId', async () => {
    expect(await call('/users/')).toMatchObject({
      status: 400,
      body: { message: 'locationId should not be empty' },
    });
  });
});

describe('GET /users/{userId}', () => {
  it('returns a deleted user with deleted: true, and 400s an unknown id', async () => {
    const deleted = ghl.control.all().find((u) => u.deleted && u.roles.locationIds.includes(MAIN_LOCATION))!;
    expect((await call(`/users/${deleted.id}`)).body).toEqual(deleted);
    expect(await call('/users/AAAAAAAAAAAAAAAAAAAA')).toMatchObject({
      status: 400,
      body: { statusCode: 400, message: 'User not found' },
    });
  });
});

describe('OAuth', () => {
  it('installs on a location, answers with userType, companyId and locationId, and rotates refresh tokens', async () => {
    const redirect = 'https://app.example/cb';
    const code = (
      await authorize(
        authorizeUrl(ghl.url, '/oauth/chooselocation', {
          response_type: 'code',
          client_id: ghl.oauth.clientId,
          redirect_uri: redirect,
          scope: 'users.readonly',
        }),
      )
    ).searchParams.get('code')!;
    const client = { client_id: ghl.oauth.clientId, client_secret: ghl.oauth.clientSecret };
    const tokens = await postForm(ghl.oauth.tokenUrl, {
      ...client,
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirect,
      user_type: 'Location',
    });
    expect(tokens.json).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 86_399,
      refresh_token: expect.any(String),
      scope: 'users.readonly',
      userType: 'Location',
      companyId: COMPANY_ID,
      locationId: MAIN_LOCATION,
      userId: DOCS_EXAMPLE_USER.id,
      isBulkInstallation: false,
    });
    const refresh = {
      ...client,
      grant_type: 'refresh_token',
      refresh_token: String(tokens.json.refresh_token),
      user_type: 'Location',
    };
    const rotated = await postForm(ghl.oauth.tokenUrl, refresh);
    expect(rotated.json.refresh_token).not.toBe(refresh.refresh_token);
    const reused = await postForm(ghl.oauth.tokenUrl, refresh);
    expect(reused).toMatchObject({
      status: 400,
      json: { error: 'invalid_grant', error_description: 'Invalid grant: refresh token is invalid' },
    });
  });
});

describe('rate limits', () => {
  it('sends the burst and daily headers and refuses past the burst', async () => {
    const limited = await startHighLevelSandbox({ users: 3, rateLimit: 2 });
    try {
      const get = () =>
        fetch(`${limited.url}/users/?locationId=${MAIN_LOCATION}`, {
          headers: { authorization: `Bearer ${limited.token}`, ...VERSION },
        });
      const first = await get();
      expect(first.headers.get('x-ratelimit-max')).toBe('2');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
      expect(first.headers.get('x-ratelimit-interval-milliseconds')).toBe('10000');
      expect(first.headers.get('x-ratelimit-limit-daily')).toBe('200000');
      expect(first.headers.get('x-ratelimit-daily-remaining')).toBe('199999');
      await get();
      expect((await get()).status).toBe(429);
    } finally {
      await limited.close();
    }
  });
});
