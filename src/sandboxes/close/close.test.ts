/** The Close sandbox over real HTTP, checked against Close's documented users, organizations and OAuth. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, authorizeUrl, getJson, postForm } from '../kit/testing.ts';
import { type CloseSandbox, type CloseUser, startCloseSandbox } from './index.ts';

const CLOSE_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;
const REDIRECT = 'http://localhost:3000/callback';
let sandbox: CloseSandbox;

const basic = (key: string, password = '') => `Basic ${Buffer.from(`${key}:${password}`).toString('base64')}`;
const call = <T = Record<string, unknown>>(
  path: string,
  authorization: string | null = basic(sandbox.apiKey),
) => getJson<T>(`${sandbox.url}/api/v1${path}`, authorization ? { authorization } : {});

beforeAll(async () => {
  sandbox = await startCloseSandbox({ users: 150, seed: 4, rateLimit: null });
});
afterAll(() => sandbox.close());

describe('auth', () => {
  it('takes the API key as the Basic user name with an empty password, and refuses anything else', async () => {
    expect((await call('/me/')).status).toBe(200);
    for (const authorization of [null, basic('api_wrong'), basic(sandbox.apiKey, 'x')]) {
      const res = await call('/me/', authorization);
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: expect.stringContaining('Unauthorized') });
    }
  });
});

describe('GET /user/', () => {
  it('pages by _skip/_limit with has_more, and lists only current members', async () => {
    const seen: string[] = [];
    let skip = 0;
    for (;;) {
      const res = await call<{ has_more: boolean; data: CloseUser[] }>(`/user/?_skip=${skip}&_limit=37`);
      expect(res.status).toBe(200);
      seen.push(...res.json.data.map((u) => u.id));
      skip += res.json.data.length;
      if (!res.json.has_more) break;
      expect(res.json.data).toHaveLength(37);
    }
    expect(seen).toEqual(sandbox.control.list().map((u) => u.id));
    expect(sandbox.control.memberships(false).length).toBeGreaterThan(0);
    for (const removed of sandbox.control.memberships(false)) expect(seen).not.toContain(removed.user_id);
  });

  it('refuses _limit over 100 with a 400, as Close does past a resource’s maximum', async () => {
    const res = await call('/user/?_limit=101');
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: expect.stringContaining('less than or equal to 100') });
    expect((await call('/user/?_limit=100')).status).toBe(200);
  });

  it('returns the docs’ users first, in Close’s shape, and orders by names on request', async () => {
    const res = await call<{ data: CloseUser[] }>('/user/?_limit=5');
    expect(res.json.data.slice(0, 3).map((u) => u.email)).toEqual([
      'anthony@close.com',
      'stefan@close.com',
      'kevin@close.com',
    ]);
    for (const user of res.json.data) {
      expect(user.id).toMatch(/^user_[0-9A-Za-z]{43}$/);
      expect(user.date_created).toMatch(CLOSE_DATE);
      expect(user.date_updated).toMatch(CLOSE_DATE);
    }
    const ordered = await call<{ data: CloseUser[] }>('/user/?_order_by=last_name,first_name&_limit=100');
    const names = ordered.json.data.map((u) => u.last_name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })));
    expect((await call('/user/?_order_by=-date_created')).status).toBe(400);
  });
});

describe('users and memberships', () => {
  it('gets a removed user by id, and the organization tells current members from removed ones', async () => {
    const removed = sandbox.control.memberships(false)[0]!;
    const user = await call<CloseUser>(`/user/${removed.user_id}/`);
    expect(user.status).toBe(200);
    expect(user.json.id).toBe(removed.user_id);
    const org = await call<{ memberships: unknown[]; inactive_memberships: Array<{ user_id: string }> }>(
      `/organization/${sandbox.organizationId}/`,
    );
    expect(org.json.inactive_memberships.map((m) => m.user_id)).toContain(removed.user_id);
    expect(org.json.memberships).toHaveLength(sandbox.control.list().length);
    expect((await call('/user/user_nobody/')).status).toBe(404);
  });

  it('answers /me/ for the key’s user, with _fields', async () => {
    const me = await call('/me/?_fields=id,organizations');
    expect(me.json).toEqual({
      id: 'user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA',
      organizations: [{ id: sandbox.organizationId, name: 'Sample Data' }],
    });
  });
});

describe('control routes', () => {
  it('removes a member and adds them back over HTTP', async () => {
    const user = sandbox.control.list()[4]!;
    const set = (active: boolean) =>
      postForm(`${sandbox.url}/__sandbox/users/${user.id}/membership`, { active } as never, { json: true });
    expect((await set(false)).status).toBe(200);
    expect(sandbox.control.isActive(user.id)).toBe(false);
    const listed = (await getJson<Array<{ id: string; member: boolean }>>(`${sandbox.url}/__sandbox/users`))
      .json;
    expect(listed.find((u) => u.id === user.id)?.member).toBe(false);
    await set(true);
    expect(sandbox.control.isActive(user.id)).toBe(true);
  });
});

describe('rate limits', () => {
  it('sends ratelimit headers and answers 429 with retry-after and rate_reset', async () => {
    const limited = await startCloseSandbox({ users: 3, rateLimit: { calls: 2, windowMs: 60_000 } });
    try {
      const get = () =>
        fetch(`${limited.url}/api/v1/user/`, { headers: { authorization: basic(limited.apiKey) } });
      const first = await get();
      expect(first.headers.get('ratelimit')).toBe('limit=2, remaining=1, reset=60');
      expect(first.headers.get('ratelimit-remaining')).toBe('1');
      await get();
      const refused = await get();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({
        error: { rate_reset: expect.any(Number), rate_limit: 2 },
      });
    } finally {
      await limited.close();
    }
  });
});

describe('OAuth', () => {
  async function code(scope: string) {
    const redirect = await authorize(
      authorizeUrl(sandbox.url, '/oauth2/authorize/', {
        client_id: sandbox.oauth.clientId,
        response_type: 'code',
        redirect_uri: REDIRECT,
        scope,
      }),
    );
    return redirect.searchParams.get('code')!;
  }
  const exchange = (params: Record<string, string>) =>
    postForm(sandbox.oauth.tokenUrl, {
      client_id: sandbox.oauth.clientId,
      client_secret: sandbox.oauth.clientSecret,
      ...params,
    });

  it('gives a refresh token only with offline_access, and rotates it', async () => {
    const online = await exchange({
      grant_type: 'authorization_code',
      code: await code('all.full_access'),
      redirect_uri: REDIRECT,
    });
    expect(online.json).not.toHaveProperty('refresh_token');
    const offline = await exchange({
      grant_type: 'authorization_code',
      code: await code('all.full_access offline_access'),
      redirect_uri: REDIRECT,
    });
    expect(offline.json).toEqual({
      access_token: expect.stringMatching(/^oa2at_/),
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: expect.stringMatching(/^oa2rt_/),
      scope: 'all.full_access offline_access',
      user_id: 'user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA',
      organization_id: sandbox.organizationId,
    });
    const users = await call('/user/', `Bearer ${offline.json.access_token}`);
    expect(users.status).toBe(200);
    const refresh = (token: unknown) =>
      exchange({ grant_type: 'refresh_token', refresh_token: token as string });
    const rotated = await refresh(offline.json.refresh_token);
    expect(rotated.json.refresh_token).not.toBe(offline.json.refresh_token);
    const reused = await refresh(offline.json.refresh_token);
    expect(reused.status).toBe(400);
    expect(reused.json).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a token without all.full_access', async () => {
    const tokens = sandbox.control.oauth.issueTokens({ scopes: ['offline_access'] });
    const res = await call('/user/', `Bearer ${tokens.accessToken}`);
    expect(res.status).toBe(403);
  });
});
