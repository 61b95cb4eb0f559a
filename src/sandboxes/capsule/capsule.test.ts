/** The Capsule sandbox over real HTTP, checked against Capsule's documented API v2 behaviour. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkTarget } from '../../integrations/kit/paginate/link-header.ts';
import { authorize, authorizeUrl, postForm } from '../kit/testing.ts';
import { API, type CapsuleSandbox, type CapsuleUser, startCapsuleSandbox } from './index.ts';

let capsule: CapsuleSandbox;

async function call(pathOrUrl: string, token: string | null = capsule.token) {
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${capsule.url}${API}${pathOrUrl}`;
  const res = await fetch(url, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  capsule = await startCapsuleSandbox({ users: 130, seed: 3, rateLimit: null });
});
afterAll(() => capsule.close());

describe('auth', () => {
  it('answers a missing or unknown token with 401, a message and a Bearer challenge', async () => {
    const missing = await call('/users', null);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="Capsule API"');
    const wrong = await call('/users', 'nope');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ message: 'The access token is invalid or has expired' });
    expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('refuses a token without the read scope with 403', async () => {
    const writeOnly = capsule.control.oauth.issueTokens({ scopes: ['write'] });
    const refused = await call('/users', writeOnly.accessToken);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('shows the current user: the docs’ Scott Spacey, with his nested party', async () => {
    const { body } = await call('/users/current');
    expect(body).toEqual({
      user: {
        id: 1,
        locale: 'en_GB',
        currency: 'EUR',
        status: 'ACTIVE',
        party: {
          id: 1,
          type: 'person',
          firstName: 'Scott',
          lastName: 'Spacey',
          pictureURL: 'https://facehub.appspot.com/default/person?text=SS&size=100',
        },
        username: 'scott',
        timezone: 'Europe/London',
        lastLoginAt: '2015-12-11T14:01:15Z',
        name: 'Scott Spacey',
        taskReminder: true,
      },
    });
  });
});

describe('GET /api/v2/users', () => {
  it('pages by page and perPage (default 50) with a Link header to the next page, none on the last', async () => {
    const seen: number[] = [];
    let next: string | undefined = `${capsule.url}${API}/users?perPage=40&embed=party`;
    while (next) {
      const res = await fetch(next, { headers: { authorization: `Bearer ${capsule.token}` } });
      seen.push(...((await res.json()) as { users: CapsuleUser[] }).users.map((u) => u.id));
      next = linkTarget(res.headers.get('link') ?? undefined, 'next');
      if (next) expect(new URL(next).searchParams.get('embed')).toBe('party');
    }
    expect(seen).toEqual(capsule.control.list().map((u) => u.id));
    expect(((await call('/users')).body.users as unknown[]).length).toBe(50);
  });

  it('refuses perPage 101 with 400 and takes 100', async () => {
    const refused = await call('/users?perPage=101');
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ message: 'perPage must be between 1 and 100' });
    expect((await call('/users?perPage=100')).status).toBe(200);
    expect((await call('/users?embed=tags')).status).toBe(400);
  });

  it('holds no email on users: it is on their party', async () => {
    const user = capsule.control.list().find((u) => u.id !== 1)!;
    expect(JSON.stringify(user)).not.toContain('@');
    const { body } = await call(`/parties/${user.party.id}`);
    expect(body.party).toMatchObject({
      id: user.party.id,
      emailAddresses: [{ address: expect.stringContaining('@') }],
    });
  });
});

describe('GET /api/v2/users/{id} and /parties/{ids}', () => {
  it('gets a user, 404s an unknown one', async () => {
    const suspended = capsule.control.list().find((u) => u.status === 'SUSPENDED')!;
    expect((await call(`/users/${suspended.id}`)).body).toEqual({ user: suspended });
    const missing = await call('/users/999');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ message: 'Could not find resource' });
  });

  it('shows up to ten parties at once, 404s when one is missing', async () => {
    const ids = capsule.control
      .list()
      .slice(0, 10)
      .map((u) => u.party.id);
    const many = await call(`/parties/${ids.join(',')}`);
    expect((many.body.parties as Array<{ id: number }>).map((p) => p.id)).toEqual(ids);
    expect((await call(`/parties/${[...ids, 7].join(',')}`)).status).toBe(400);
    expect((await call(`/parties/${ids[0]},7`)).status).toBe(404);
  });
});

describe('OAuth and rate limits', () => {
  it('authorises, exchanges the code with body credentials and answers with the subdomain', async () => {
    const redirect = 'https://app.example/cb';
    const code = (
      await authorize(
        authorizeUrl(capsule.url, '/oauth/authorise', {
          response_type: 'code',
          client_id: capsule.oauth.clientId,
          redirect_uri: redirect,
          scope: 'read',
        }),
      )
    ).searchParams.get('code')!;
    const tokens = await postForm(capsule.oauth.tokenUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirect,
      client_id: capsule.oauth.clientId,
      client_secret: capsule.oauth.clientSecret,
    });
    expect(tokens.json).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 604_800,
      refresh_token: expect.any(String),
      scope: 'read',
      subdomain: capsule.subdomain,
    });
    expect((await call('/users/current', String(tokens.json.access_token))).status).toBe(200);
  });

  it('reports X-RateLimit-* on every call and answers 429 past 4,000 an hour (here 2)', async () => {
    const limited = await startCapsuleSandbox({ users: 2, rateLimit: 2 });
    try {
      const get = () =>
        fetch(`${limited.url}${API}/users`, { headers: { authorization: `Bearer ${limited.token}` } });
      const first = await get();
      expect(first.headers.get('x-ratelimit-limit')).toBe('2');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
      expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
      await get();
      const refused = await get();
      expect(refused.status).toBe(429);
      expect(await refused.json()).toEqual({ error: 'rate limit reached' });
    } finally {
      await limited.close();
    }
  });
});
