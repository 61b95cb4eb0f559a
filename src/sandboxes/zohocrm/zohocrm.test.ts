/** The Zoho CRM sandbox over real HTTP: Zoho Accounts' tokens, the Users API's paging, types and dates. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, authorizeUrl, getJson, postForm } from '../kit/testing.ts';
import { startZohoSandbox, type ZohoSandbox, type ZohoUser } from './index.ts';
import { zonedDateTime } from './users.ts';

const USERS = '/crm/v8/users';
let sandbox: ZohoSandbox;
let token: string;

interface Page {
  users: ZohoUser[];
  info: { per_page: number; count: number; page: number; more_records: boolean };
  code?: string;
  message?: string;
  details?: Record<string, unknown>;
}

const get = (path: string, headers: Record<string, string> = {}, bearer: string | null = token) =>
  getJson<Page>(`${sandbox.url}${path}`, {
    ...(bearer === null ? {} : { authorization: `Zoho-oauthtoken ${bearer}` }),
    ...headers,
  });

beforeAll(async () => {
  sandbox = await startZohoSandbox({
    users: 230,
    seed: 8,
    timeZone: 'America/Los_Angeles',
    dailyCredits: null,
  });
  token = sandbox.control.oauth.issueTokens({ scopes: ['ZohoCRM.users.READ'] }).accessToken;
});
afterAll(() => sandbox.close());

describe('auth', () => {
  it('tells a missing token, a dead one and a missing scope apart', async () => {
    const none = await get(USERS, {}, null);
    expect(none.status).toBe(401);
    expect(none.json).toEqual({
      code: 'AUTHENTICATION_FAILURE',
      details: {},
      message: 'Authentication failed',
      status: 'error',
    });
    const bearer = await getJson<Page>(`${sandbox.url}${USERS}`, { authorization: `Bearer ${token}` });
    expect(bearer.json.code).toBe('AUTHENTICATION_FAILURE');
    expect((await get(USERS, {}, '1000.dead.beef')).json.code).toBe('INVALID_TOKEN');
    const leads = sandbox.control.oauth.issueTokens({ scopes: ['ZohoCRM.modules.leads.READ'] }).accessToken;
    const scoped = await get(USERS, {}, leads);
    expect(scoped.status).toBe(401);
    expect(scoped.json.code).toBe('OAUTH_SCOPE_MISMATCH');
  });

  it('exchanges a code with parameters in the query string and names api_domain', async () => {
    const redirect = await authorize(
      authorizeUrl(sandbox.url, '/oauth/v2/auth', {
        response_type: 'code',
        client_id: sandbox.oauth.clientId,
        redirect_uri: 'https://app.example.com/cb',
        scope: 'ZohoCRM.users.READ',
        access_type: 'offline',
      }),
    );
    const query = new URLSearchParams({
      grant_type: 'authorization_code',
      code: redirect.searchParams.get('code')!,
      redirect_uri: 'https://app.example.com/cb',
      client_id: sandbox.oauth.clientId,
      client_secret: sandbox.oauth.clientSecret,
    });
    const res = await fetch(`${sandbox.oauth.tokenUrl}?${query}`, { method: 'POST' });
    const tokens = (await res.json()) as Record<string, string | number>;
    expect(tokens).toEqual({
      access_token: expect.stringMatching(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/),
      refresh_token: expect.stringMatching(/^1000\./),
      scope: 'ZohoCRM.users.READ',
      api_domain: sandbox.url,
      token_type: 'Bearer',
      expires_in: 3600,
    });
    const refreshed = await postForm(sandbox.oauth.tokenUrl, {
      grant_type: 'refresh_token',
      refresh_token: String(tokens.refresh_token),
      client_id: sandbox.oauth.clientId,
      client_secret: sandbox.oauth.clientSecret,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json).not.toHaveProperty('refresh_token');
    expect(refreshed.json.api_domain).toBe(sandbox.url);
  });

  it('answers token errors with HTTP 200, and stops a refresh token after 10 tokens in 10 minutes', async () => {
    const refresh = (refreshToken: string, secret = sandbox.oauth.clientSecret) =>
      postForm(sandbox.oauth.tokenUrl, {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: sandbox.oauth.clientId,
        client_secret: secret,
      });
    const bad = await refresh('1000.nope.nope');
    expect(bad.status).toBe(200);
    expect(bad.json).toEqual({ error: 'invalid_code' });
    const { refreshToken } = sandbox.control.oauth.issueTokens({ scopes: ['ZohoCRM.users.READ'] });
    expect((await refresh(refreshToken!, 'wrong')).json).toEqual({ error: 'invalid_client_secret' });
    for (let i = 0; i < 9; i++) expect((await refresh(refreshToken!)).json).toHaveProperty('access_token');
    const throttled = await refresh(refreshToken!);
    expect(throttled.status).toBe(400);
    expect(throttled.json).toMatchObject({ error: 'Access Denied' });
  });
});

describe('GET /crm/v8/users', () => {
  it('pages by page and per_page (at most 200) with info.more_records, AllUsers by default', async () => {
    const seen: string[] = [];
    for (let page = 1; ; page++) {
      const res = await get(`${USERS}?page=${page}&per_page=60`);
      expect(res.status).toBe(200);
      expect(res.json.info).toMatchObject({ per_page: 60, page, count: res.json.users.length });
      seen.push(...res.json.users.map((u) => u.id));
      if (!res.json.info.more_records) break;
    }
    const notDeleted = sandbox.control.list().filter((u) => u.status !== 'deleted');
    expect(seen).toEqual(notDeleted.map((u) => u.id));
    const tooBig = await get(`${USERS}?per_page=201`);
    expect(tooBig.status).toBe(400);
    expect(tooBig.json).toMatchObject({ code: 'INVALID_DATA', details: { api_name: 'per_page' } });
  });

  it('selects users by type, and answers 204 with no body past the last page', async () => {
    const all = sandbox.control.list();
    const types: Array<[string, (u: ZohoUser) => boolean]> = [
      ['ActiveUsers', (u) => u.status === 'active'],
      ['DeactiveUsers', (u) => u.status === 'disabled'],
      ['DeletedUsers', (u) => u.status === 'deleted'],
      ['NotConfirmedUsers', (u) => u.status !== 'deleted' && !u.confirm],
    ];
    for (const [type, keep] of types) {
      const res = await get(`${USERS}?type=${type}&per_page=200&page=1`);
      const expected = all.filter(keep).slice(0, 200);
      expect(expected.length, type).toBeGreaterThan(0);
      expect(
        res.json.users.map((u) => u.id),
        type,
      ).toEqual(expected.map((u) => u.id));
    }
    const current = await get(`${USERS}?type=CurrentUser`);
    expect(current.json.users.map((u) => u.id)).toEqual([sandbox.currentUserId]);
    const past = await get(`${USERS}?page=99`);
    expect(past.status).toBe(204);
    expect(past.text).toBe('');
    expect((await get(`${USERS}?type=Everyone`)).json).toMatchObject({
      code: 'INVALID_DATA',
      details: { api_name: 'type' },
    });
  });

  it('lists only users modified after If-Modified-Since', async () => {
    const all = sandbox.control.list().filter((u) => u.status !== 'deleted');
    const times = all.map((u) => Date.parse(u.Modified_Time)).sort((a, b) => a - b);
    const cut = times[Math.floor(times.length / 2)]!;
    const header = zonedDateTime(cut, 'Asia/Kolkata');
    const res = await get(`${USERS}?per_page=200`, { 'if-modified-since': header });
    expect(res.json.users.map((u) => u.id).sort()).toEqual(
      all
        .filter((u) => Date.parse(u.Modified_Time) > cut)
        .map((u) => u.id)
        .sort(),
    );
    expect((await get(USERS, { 'if-modified-since': 'yesterday' })).status).toBe(400);
  });

  it('writes date-times with the organisation’s offset, daylight saving time included', async () => {
    const offsets = new Set(sandbox.control.list().map((u) => u.created_time.slice(-6)));
    expect(offsets).toEqual(new Set(['-08:00', '-07:00']));
    expect(zonedDateTime(Date.parse('2024-01-15T12:00:00Z'), 'America/Los_Angeles')).toBe(
      '2024-01-15T04:00:00-08:00',
    );
    expect(zonedDateTime(Date.parse('2024-07-15T12:00:00Z'), 'Asia/Kolkata')).toBe(
      '2024-07-15T17:30:00+05:30',
    );
  });

  it('reads one user as { users: [user] }, and calls an unknown id invalid', async () => {
    const res = await get(`${USERS}/1386586000000078001`);
    expect(res.json.users).toEqual([
      expect.objectContaining({ full_name: 'Bruce Wills', email: 'user1@zoho.com' }),
    ]);
    const unknown = await get(`${USERS}/999999991`);
    expect(unknown.status).toBe(400);
    expect(unknown.json).toMatchObject({ code: 'INVALID_DATA', details: { resource_path_index: 1 } });
  });
});

describe('API credits', () => {
  it('refuses calls once the rolling 24-hour credits are spent', async () => {
    const small = await startZohoSandbox({ users: 3, dailyCredits: 1 });
    try {
      const t = small.control.oauth.issueTokens({ scopes: ['ZohoCRM.users.ALL'] }).accessToken;
      const call = () => getJson<Page>(`${small.url}${USERS}`, { authorization: `Zoho-oauthtoken ${t}` });
      expect((await call()).status).toBe(200);
      const refused = await call();
      expect(refused.status).toBe(429);
      expect(refused.json.code).toBe('TOO_MANY_REQUESTS');
    } finally {
      await small.close();
    }
  });
});
