/** The Teamleader sandbox over real HTTP, checked against Teamleader Focus's documented users API and OAuth. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, authorizeUrl, postForm } from '../kit/testing.ts';
import { startTeamleaderSandbox, type TeamleaderSandbox, type TeamleaderUser } from './index.ts';
import { DOCS_USER } from './users.ts';

let sandbox: TeamleaderSandbox;
let token: string;

async function rpc(method: string, body: unknown = {}, bearer: string | null = token) {
  const res = await fetch(`${sandbox.url}/${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

const list = async (body: unknown) => (await rpc('users.list', body)).body.data as TeamleaderUser[];

beforeAll(async () => {
  sandbox = await startTeamleaderSandbox({
    users: 75,
    seed: 5,
    rateLimit: null,
    oauth: { autoApprove: true },
  });
  token = sandbox.control.issueTokens().accessToken;
});
afterAll(() => sandbox.close());

describe('auth', () => {
  it.each([
    ['no', null],
    ['an unknown', 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.c2ln'],
  ])('answers %s token with 401 and Teamleader’s errors body', async (_, bearer) => {
    const { status, body } = await rpc('users.list', {}, bearer);
    expect(status).toBe(401);
    expect(body).toEqual({ errors: [{ title: expect.any(String), status: 401 }] });
  });

  it('refuses a token whose integration lacks the users scope with 403', async () => {
    const contactsOnly = sandbox.control.issueTokens({ scopes: ['contacts'] }).accessToken;
    const { status, body } = await rpc('users.list', {}, contactsOnly);
    expect(status).toBe(403);
    expect(body).toMatchObject({ errors: [{ status: 403, title: expect.stringContaining('users') }] });
  });
});

describe('users.list', () => {
  it('lists active users only by default, 20 a page, the docs’ own example among them', async () => {
    const page = await list({});
    expect(page).toHaveLength(20);
    expect(page.every((u) => u.status === 'active')).toBe(true);
    const all = await list({ page: { size: 100 }, filter: { status: ['active'] } });
    expect(all.find((u) => u.id === DOCS_USER.id)).toEqual(DOCS_USER);
  });

  it('pages by size and number (1-based) across active and deactivated users, each once', async () => {
    const seen: string[] = [];
    for (let number = 1; ; number++) {
      const page = await list({ filter: { status: ['active', 'deactivated'] }, page: { size: 16, number } });
      seen.push(...page.map((u) => u.id));
      if (page.length < 16) break;
    }
    const users = sandbox.control.list();
    expect(users.some((u) => u.status === 'deactivated')).toBe(true);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(users.map((u) => u.id).sort());
  });

  it('refuses page sizes above 100 and other bad input with 400 and the field', async () => {
    expect((await rpc('users.list', { page: { size: 100 } })).status).toBe(200);
    for (const body of [
      { page: { size: 101 } },
      { page: { number: 0 } },
      { filter: { status: ['archived'] } },
      { filter: { ids: ['123'] } },
      { sort: [{ field: 'created_at' }] },
    ]) {
      const res = await rpc('users.list', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ errors: [{ status: 400, title: expect.any(String) }] });
    }
  });

  it('filters on term (first name, last name, email, function), status and ids', async () => {
    const hits = await list({ filter: { term: 'SMITH' } });
    expect(hits.map((u) => u.id)).toContain(DOCS_USER.id);
    const sales = await list({
      filter: { term: 'sales', status: ['active', 'deactivated'] },
      page: { size: 100 },
    });
    expect(
      sales.every((u) =>
        `${u.first_name} ${u.last_name} ${u.email} ${u.function}`.toLowerCase().includes('sales'),
      ),
    ).toBe(true);
    const deactivated = await list({ filter: { status: ['deactivated'] }, page: { size: 100 } });
    expect(deactivated.length).toBeGreaterThan(0);
    expect(deactivated.every((u) => u.status === 'deactivated')).toBe(true);
    const byIds = await list({ filter: { ids: [deactivated[0]!.id] } });
    expect(byIds).toEqual([]);
    const both = await list({ filter: { ids: [deactivated[0]!.id], status: ['deactivated'] } });
    expect(both).toEqual([deactivated[0]]);
  });

  it('sorts by email and by last then first name, either way', async () => {
    const collator = new Intl.Collator('en', { sensitivity: 'base' });
    const byEmail = await list({ sort: [{ field: 'email', order: 'desc' }], page: { size: 100 } });
    const emails = byEmail.map((u) => u.email);
    expect(emails).toEqual([...emails].sort(collator.compare).reverse());
    const byName = await list({
      sort: [{ field: 'last_name' }, { field: 'first_name' }],
      page: { size: 100 },
    });
    const names = byName.map((u) => [u.last_name, u.first_name] as const);
    for (let i = 1; i < names.length; i++) {
      const [a, b] = [names[i - 1]!, names[i]!];
      const order = collator.compare(a[0], b[0]) || collator.compare(a[1], b[1]);
      expect(order).toBeLessThanOrEqual(0);
    }
  });
});

describe('users.info and users.me', () => {
  it('gets one user, deactivated ones too, with locale and time zone; 404 for an unknown id', async () => {
    const info = await rpc('users.info', { id: DOCS_USER.id });
    expect(info.body.data).toEqual({ ...DOCS_USER, language: 'nl-BE', time_zone: 'Europe/Brussels' });
    const gone = sandbox.control.list({ status: 'deactivated' })[0]!;
    expect((await rpc('users.info', { id: gone.id })).body.data).toMatchObject({ status: 'deactivated' });
    const missing = await rpc('users.info', { id: '00000000-0000-4000-8000-000000000000' });
    expect(missing).toMatchObject({ status: 404, body: { errors: [{ status: 404 }] } });
    expect((await rpc('users.info', {})).status).toBe(400);
  });

  it('answers users.me with the account owner, as the docs show it', async () => {
    const me = (await rpc('users.me')).body.data as Record<string, unknown>;
    expect(me).toMatchObject({
      id: DOCS_USER.id,
      email: DOCS_USER.email,
      preferences: { invoiceable: true },
    });
    expect(me).not.toHaveProperty('status');
  });
});

describe('OAuth', () => {
  const REDIRECT = 'http://localhost:3000/callback';

  async function exchangeCode() {
    const redirect = await authorize(
      authorizeUrl(sandbox.url, '/oauth2/authorize', {
        client_id: sandbox.oauth.clientId,
        response_type: 'code',
        redirect_uri: REDIRECT,
        state: 's1',
      }),
    );
    expect(redirect.searchParams.get('state')).toBe('s1');
    return postForm(sandbox.oauth.tokenUrl, {
      client_id: sandbox.oauth.clientId,
      client_secret: sandbox.oauth.clientSecret,
      code: redirect.searchParams.get('code')!,
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT,
    });
  }

  it('exchanges a code for Teamleader’s token pair: a one-hour JWT with League claims', async () => {
    const res = await exchangeCode();
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      token_type: 'Bearer',
      expires_in: 3600,
      access_token: expect.stringMatching(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/),
      refresh_token: expect.stringMatching(/^def50200[0-9a-f]+$/),
    });
    const claims = JSON.parse(
      Buffer.from((res.json.access_token as string).split('.')[1]!, 'base64url').toString(),
    );
    expect(claims).toMatchObject({ aud: sandbox.oauth.clientId, scopes: ['users'] });
    expect(claims.exp - claims.iat).toBe(3600);
    expect((await rpc('users.me', {}, res.json.access_token as string)).status).toBe(200);
  });

  it('rotates refresh tokens: each works once (form or JSON), a reused one is League’s invalid_grant', async () => {
    const first = (await exchangeCode()).json;
    const refresh = (refreshToken: string, json = false) =>
      postForm(
        sandbox.oauth.tokenUrl,
        {
          client_id: sandbox.oauth.clientId,
          client_secret: sandbox.oauth.clientSecret,
          refresh_token: refreshToken,
          grant_type: 'refresh_token',
        },
        { json },
      );
    const second = await refresh(first.refresh_token as string, true);
    expect(second.status).toBe(200);
    expect(second.json.refresh_token).not.toBe(first.refresh_token);
    const reused = await refresh(first.refresh_token as string);
    expect(reused.status).toBe(400);
    expect(reused.json).toMatchObject({
      error: 'invalid_grant',
      error_description: 'The refresh token is invalid.',
      hint: expect.any(String),
      message: 'The refresh token is invalid.',
    });
  });

  it('answers a wrong client secret with 401 invalid_client', async () => {
    const res = await postForm(sandbox.oauth.tokenUrl, {
      client_id: sandbox.oauth.clientId,
      client_secret: 'nope',
      grant_type: 'refresh_token',
      refresh_token: 'def50200aa',
    });
    expect(res).toMatchObject({
      status: 401,
      json: { error: 'invalid_client', error_description: 'Client authentication failed' },
    });
  });
});

describe('rate limits', () => {
  it('counts a sliding minute per integration and account, with X-RateLimit-* headers and a 429', async () => {
    const limited = await startTeamleaderSandbox({ users: 3, rateLimit: { calls: 2, windowMs: 60_000 } });
    try {
      const bearer = limited.control.issueTokens().accessToken;
      const other = limited.control.issueTokens().accessToken;
      const call = (t: string) =>
        fetch(`${limited.url}/users.me`, { method: 'POST', headers: { authorization: `Bearer ${t}` } });
      const first = await call(bearer);
      expect(first.headers.get('x-ratelimit-limit')).toBe('2');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
      expect(first.headers.get('x-ratelimit-reset')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
      expect(Date.parse(first.headers.get('x-ratelimit-reset')!)).toBeGreaterThan(Date.now() + 55_000);
      expect((await call(other)).status).toBe(200);
      const refused = await call(bearer);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(await refused.json()).toEqual({ errors: [{ title: 'Too Many Requests', status: 429 }] });
    } finally {
      await limited.close();
    }
  });
});
