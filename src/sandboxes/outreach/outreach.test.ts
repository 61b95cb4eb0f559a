/** The Outreach sandbox over real HTTP, checked against Outreach's documented users resource and OAuth. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, authorizeUrl, postForm } from '../kit/testing.ts';
import { type OutreachSandbox, type OutreachUser, startOutreachSandbox } from './index.ts';

interface Page {
  data: OutreachUser[];
  links: { first: string; next?: string };
  meta?: { count: number };
}

let sandbox: OutreachSandbox;
let token: string;

async function call(path: string, bearer: string | null = token) {
  const res = await fetch(new URL(path, sandbox.url), {
    headers: bearer === null ? {} : { authorization: `Bearer ${bearer}` },
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  sandbox = await startOutreachSandbox({ users: 120, seed: 9, rateLimit: null });
  token = sandbox.control.oauth.issueTokens({ scopes: ['users.read'] }).accessToken;
});
afterAll(() => sandbox.close());

describe('auth', () => {
  it('answers a missing or expired token with 401 and a JSON:API error document', async () => {
    for (const bearer of [null, 'not-a-token']) {
      const { status, headers, body } = await call('/api/v2/users', bearer);
      expect(status).toBe(401);
      expect(headers.get('content-type')).toContain('application/vnd.api+json');
      expect(body).toEqual({
        errors: [{ id: 'unauthorized', title: 'Unauthorized', detail: expect.any(String) }],
      });
    }
  });

  it('refuses a token without the users.read scope with 403', async () => {
    const other = sandbox.control.oauth.issueTokens({ scopes: ['prospects.read'] }).accessToken;
    const { status, body } = await call('/api/v2/users', other);
    expect(status).toBe(403);
    expect(body).toMatchObject({ errors: [{ id: 'forbidden' }] });
  });
});

describe('GET /api/v2/users', () => {
  it('pages with page[size] and links.next until there is none, 50 by default', async () => {
    const first = (await call('/api/v2/users')).body as unknown as Page;
    expect(first.data).toHaveLength(50);
    expect(first.meta?.count).toBe(sandbox.control.list().length);
    const seen: number[] = [];
    let next: string | undefined = '/api/v2/users?page%5Bsize%5D=45&count=false';
    while (next) {
      const page = (await call(next)).body as unknown as Page;
      expect(page.meta).toBeUndefined();
      seen.push(...page.data.map((u) => u.id));
      next = page.links.next;
    }
    expect(seen).toEqual(sandbox.control.list().map((u) => u.id));
  });

  it('refuses page[size] over 1000 with 400, accepts 1000', async () => {
    const { status, body } = await call('/api/v2/users?page[size]=1001');
    expect(status).toBe(400);
    expect(body).toMatchObject({ errors: [{ id: 'pageSizeInvalid', source: { parameter: 'page[size]' } }] });
    expect((await call('/api/v2/users?page[size]=1000')).status).toBe(200);
  });

  it('filters by locked, by an updatedAt range and by email, and sorts descending', async () => {
    const locked = (await call('/api/v2/users?filter[locked]=true&page[size]=1000')).body as unknown as Page;
    expect(locked.data.length).toBeGreaterThan(0);
    expect(locked.data.every((u) => u.attributes.locked)).toBe(true);
    const cut = '2022-01-01T00:00:00.000Z';
    const recent = (await call(`/api/v2/users?filter[updatedAt]=${cut}..inf&page[size]=1000`))
      .body as unknown as Page;
    expect(recent.data.map((u) => u.id)).toEqual(
      sandbox.control
        .list()
        .filter((u) => u.attributes.updatedAt >= cut)
        .map((u) => u.id),
    );
    const target = sandbox.control.list()[4]!;
    const byEmail = (await call(`/api/v2/users?filter[email]=${encodeURIComponent(target.attributes.email)}`))
      .body as unknown as Page;
    expect(byEmail.data).toEqual([target]);
    const sorted = (await call('/api/v2/users?sort=-createdAt&page[size]=1000')).body as unknown as Page;
    const created = sorted.data.map((u) => u.attributes.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    expect((await call('/api/v2/users?filter[shoeSize]=9')).status).toBe(400);
    expect((await call('/api/v2/users?sort=name')).status).toBe(400);
  });

  it('serves the reference’s example user with millisecond UTC dates and a self link', async () => {
    const { body } = await call('/api/v2/users/1');
    expect(body).toEqual({
      data: {
        type: 'user',
        id: 1,
        attributes: expect.objectContaining({
          email: 'jane@acme.com',
          createdAt: '2023-04-01T10:00:00.000Z',
        }),
        links: { self: `${sandbox.url}/api/v2/users/1` },
      },
    });
    expect((await call('/api/v2/users/424242')).status).toBe(404);
  });
});

describe('OAuth', () => {
  it('issues 2-hour tokens with created_at for a code (client in the body), and rotates refresh tokens', async () => {
    const redirect = await authorize(
      authorizeUrl(sandbox.url, '/oauth/authorize', {
        response_type: 'code',
        client_id: sandbox.oauth.clientId,
        redirect_uri: 'http://localhost/cb',
        scope: 'users.read',
      }),
    );
    const client = { client_id: sandbox.oauth.clientId, client_secret: sandbox.oauth.clientSecret };
    const tokens = await postForm<Record<string, string | number>>(sandbox.oauth.tokenUrl, {
      ...client,
      grant_type: 'authorization_code',
      code: redirect.searchParams.get('code')!,
      redirect_uri: 'http://localhost/cb',
    });
    expect(tokens.status).toBe(200);
    expect(tokens.json).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 7200,
      refresh_token: expect.any(String),
      scope: 'users.read',
      created_at: expect.any(Number),
    });
    expect(Math.abs(Number(tokens.json.created_at) - Date.now() / 1000)).toBeLessThan(5);
    const refresh = {
      ...client,
      grant_type: 'refresh_token',
      refresh_token: String(tokens.json.refresh_token),
    };
    const refreshed = await postForm<Record<string, string>>(sandbox.oauth.tokenUrl, refresh);
    expect(refreshed.json.refresh_token).not.toBe(tokens.json.refresh_token);
    expect((await call('/api/v2/users', refreshed.json.access_token!)).status).toBe(200);
    // Presenting the used refresh token again revokes the whole grant, the new access token included.
    expect((await postForm(sandbox.oauth.tokenUrl, refresh)).json).toMatchObject({ error: 'invalid_grant' });
    expect((await call('/api/v2/users', refreshed.json.access_token!)).status).toBe(401);
  });
});

describe('rate limit', () => {
  it('sends X-RateLimit-* on every call and Retry-After with rateLimitExceeded past the budget', async () => {
    const limited = await startOutreachSandbox({ users: 2, rateLimit: { calls: 2, windowMs: 60_000 } });
    try {
      const bearer = limited.control.oauth.issueTokens({ scopes: ['users.read'] }).accessToken;
      const get = () =>
        fetch(`${limited.url}/api/v2/users`, { headers: { authorization: `Bearer ${bearer}` } });
      const first = await get();
      expect(first.headers.get('x-ratelimit-limit')).toBe('2');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
      expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
      await get();
      const refused = await get();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({ errors: [{ id: 'rateLimitExceeded' }] });
    } finally {
      await limited.close();
    }
  });
});
