/** The Zendesk Sell sandbox over real HTTP, checked against Sell's documented Users API and OAuth. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, authorizeUrl, postForm } from '../kit/testing.ts';
import { type SellUser, startZendeskSellSandbox, type ZendeskSellSandbox } from './index.ts';

interface Page {
  items: Array<{ data: SellUser; meta: { type: string } }>;
  meta: { type: string; count: number; links: { self: string; next_page?: string } };
}

let sandbox: ZendeskSellSandbox;

async function call(path: string, token: string | null = sandbox.token) {
  const res = await fetch(`${sandbox.url}${path}`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  sandbox = await startZendeskSellSandbox({ users: 130, seed: 5, rateLimit: null });
});
afterAll(() => sandbox.close());

describe('auth', () => {
  it.each([
    ['no', null],
    ['an unknown', 'f'.repeat(64)],
  ])('answers %s token with 401 and Sell’s error envelope', async (_, token) => {
    const { status, body } = await call('/v2/users', token);
    expect(status).toBe(401);
    expect(body).toEqual({
      errors: [
        {
          error: {
            code: 'unauthorized',
            message: 'request is unauthorized',
            details: expect.stringContaining('missing, malformed, expired, or invalid'),
          },
          meta: { type: 'error' },
        },
      ],
      meta: { type: 'errors', http_status: '401 Unauthorized', logref: expect.any(String) },
    });
  });

  it('refuses the users list to an OAuth token with only the profile scope, but serves /users/self', async () => {
    const { accessToken } = sandbox.control.oauth.issueTokens({ scopes: ['profile'] });
    const list = await call('/v2/users', accessToken);
    expect(list.status).toBe(403);
    expect(list.body).toMatchObject({ errors: [{ error: { code: 'forbidden' } }] });
    const self = await call('/v2/users/self', accessToken);
    expect(self.status).toBe(200);
    expect(self.body).toMatchObject({ data: { role: 'admin' }, meta: { type: 'user' } });
  });
});

describe('GET /v2/users', () => {
  it('pages by page/per_page with items[].data envelopes, 25 by default, and links the next page', async () => {
    const first = (await call('/v2/users')).body as unknown as Page;
    expect(first.items).toHaveLength(25);
    expect(first.meta).toMatchObject({ type: 'collection', count: 25 });
    expect(new URL(first.meta.links.next_page!).searchParams.get('page')).toBe('2');
    const seen: number[] = [];
    for (let page = 1; ; page++) {
      const body = (await call(`/v2/users?per_page=40&page=${page}`)).body as unknown as Page;
      seen.push(...body.items.map((i) => i.data.id));
      if (!body.meta.links.next_page) break;
    }
    expect(seen).toEqual(sandbox.control.list().map((u) => u.id));
  });

  it('refuses per_page over 100 with 422, accepts 100', async () => {
    const { status, body } = await call('/v2/users?per_page=101');
    expect(status).toBe(422);
    expect(body).toMatchObject({ errors: [{ error: { code: 'invalid', field: 'per_page' } }] });
    expect((await call('/v2/users?per_page=100')).status).toBe(200);
  });

  it('filters by status and strict email, and sorts with sort_by=field:desc', async () => {
    const inactive = (await call('/v2/users?status=inactive&per_page=100')).body as unknown as Page;
    expect(inactive.items.length).toBeGreaterThan(0);
    expect(inactive.items.every((i) => i.data.status === 'inactive')).toBe(true);
    const target = sandbox.control.list()[7]!;
    const byEmail = (await call(`/v2/users?email=${encodeURIComponent(target.email)}`))
      .body as unknown as Page;
    expect(byEmail.items.map((i) => i.data)).toEqual([target]);
    const partial = (await call(`/v2/users?email=${encodeURIComponent(target.email.slice(2))}`))
      .body as unknown as Page;
    expect(partial.items).toEqual([]);
    const sorted = (await call('/v2/users?sort_by=created_at:desc&per_page=100')).body as unknown as Page;
    const dates = sorted.items.map((i) => i.data.created_at);
    expect(dates).toEqual([...dates].sort().reverse());
    expect((await call('/v2/users?sort_by=shoe_size')).status).toBe(422);
  });

  it('serves the docs’ example user and writes dates to the second, in UTC', async () => {
    const { body } = await call('/v2/users/1');
    expect(body).toMatchObject({
      data: { name: 'Mark Johnson', email: 'mark@example.com', created_at: '2014-08-27T16:32:56Z' },
    });
    for (const user of sandbox.control.list())
      expect(user.updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((await call('/v2/users/999999')).status).toBe(404);
  });
});

describe('OAuth', () => {
  it('exchanges a code with HTTP Basic client auth, refuses body auth, and rotates refresh tokens', async () => {
    const redirect = await authorize(
      authorizeUrl(sandbox.url, '/oauth2/authorize', {
        response_type: 'code',
        client_id: sandbox.oauth.clientId,
        redirect_uri: 'http://localhost/cb',
        scope: 'read',
        state: 's1',
      }),
    );
    const code = redirect.searchParams.get('code')!;
    const basic = { id: sandbox.oauth.clientId, secret: sandbox.oauth.clientSecret };
    const inBody = await postForm(sandbox.oauth.tokenUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'http://localhost/cb',
      client_id: sandbox.oauth.clientId,
      client_secret: sandbox.oauth.clientSecret,
    });
    expect(inBody.status).toBe(401);
    const tokens = await postForm<Record<string, string | number>>(
      sandbox.oauth.tokenUrl,
      { grant_type: 'authorization_code', code, redirect_uri: 'http://localhost/cb' },
      { basic },
    );
    expect(tokens.status).toBe(200);
    expect(tokens.json).toEqual({
      access_token: expect.stringMatching(/^[0-9a-f]{64}$/),
      token_type: 'bearer',
      expires_in: 3599,
      refresh_token: expect.stringMatching(/^[0-9a-f]{64}$/),
      scope: 'read',
    });
    expect((await call('/v2/users/self', String(tokens.json.access_token))).status).toBe(200);
    const refreshed = await postForm<Record<string, string>>(
      sandbox.oauth.tokenUrl,
      { grant_type: 'refresh_token', refresh_token: String(tokens.json.refresh_token) },
      { basic },
    );
    expect(refreshed.json.refresh_token).not.toBe(tokens.json.refresh_token);
    const reused = await postForm(
      sandbox.oauth.tokenUrl,
      { grant_type: 'refresh_token', refresh_token: String(tokens.json.refresh_token) },
      { basic },
    );
    expect(reused.json).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('rate limit', () => {
  it('answers 429 with Sell’s envelope past the hourly budget', async () => {
    const limited = await startZendeskSellSandbox({ users: 2, rateLimit: { calls: 2, windowMs: 60_000 } });
    try {
      const get = () =>
        fetch(`${limited.url}/v2/users`, { headers: { authorization: `Bearer ${limited.token}` } });
      expect((await get()).status).toBe(200);
      expect((await get()).status).toBe(200);
      const refused = await get();
      expect(refused.status).toBe(429);
      expect(await refused.json()).toMatchObject({ errors: [{ error: { code: 'rate_limit_exceeded' } }] });
    } finally {
      await limited.close();
    }
  });
});
