/** The Keap sandbox over real HTTP, checked against Keap's documented REST v2 users behaviour. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, authorizeUrl, postForm } from '../kit/testing.ts';
import { API, DOCS_EXAMPLE_USER, type KeapSandbox, type KeapUser, startKeapSandbox } from './index.ts';

let keap: KeapSandbox;

async function call(path: string, headers: Record<string, string> = { 'x-keap-api-key': keap.apiKey }) {
  const res = await fetch(`${keap.url}${API}${path}`, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

const listOf = (body: Record<string, unknown>) => body as { users: KeapUser[]; next_page_token: string };

beforeAll(async () => {
  keap = await startKeapSandbox({ users: 120, seed: 5, rateLimit: null });
});
afterAll(() => keap.close());

describe('auth', () => {
  it('answers missing, unknown and expired credentials with 401 and Apigee faults', async () => {
    expect((await call('/users', {})).body).toEqual({
      fault: { faultstring: 'Invalid access token', detail: { errorcode: 'oauth.v2.InvalidAccessToken' } },
    });
    const wrongKey = await call('/users', { 'x-keap-api-key': 'KeapAK-nope' });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.body).toMatchObject({ fault: { detail: { errorcode: 'oauth.v2.InvalidApiKey' } } });
    const garbage = await call('/users', { authorization: 'Bearer garbage' });
    expect(garbage.body).toMatchObject({
      fault: { detail: { errorcode: 'keymanagement.service.invalid_access_token' } },
    });
    const expired = keap.control.oauth.issueTokens({ accessExpiresIn: -5 });
    const old = await call('/users', { authorization: `Bearer ${expired.accessToken}` });
    expect(old.status).toBe(401);
    expect(old.body).toMatchObject({
      fault: { detail: { errorcode: 'keymanagement.service.access_token_expired' } },
    });
  });

  it('serves userinfo for the credentials', async () => {
    const { status, body } = await call('/oauth/connect/userinfo');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      given_name: 'John',
      family_name: 'Smith',
      is_admin: true,
      tenant_id: keap.tenant,
    });
  });
});

describe('GET /crm/rest/v2/users', () => {
  it('refuses page_size 101 with Keap’s error, takes 100', async () => {
    const { status, body } = await call('/users?page_size=101');
    expect(status).toBe(400);
    expect(body).toEqual({
      code: 400,
      message: 'page_size must be between 1 and 100',
      status: 'INVALID_ARGUMENT',
      details: [],
    });
    expect((await call('/users?page_size=100')).status).toBe(200);
  });

  it('walks with page_token, leaving inactive users and partners out by default', async () => {
    const seen: string[] = [];
    let token = '';
    do {
      const { body } = await call(`/users?page_size=17${token ? `&page_token=${token}` : ''}`);
      const page = listOf(body);
      seen.push(...page.users.map((u) => u.id));
      token = page.next_page_token;
    } while (token);
    const expected = keap.control.list().filter((u) => u.status !== 'INACTIVE' && !u.partner);
    expect(seen).toEqual(expected.map((u) => u.id));
    expect(keap.control.list().some((u) => u.status === 'INACTIVE')).toBe(true);
  });

  it('filters with the == grammar: include_inactive, include_partners, email (case-insensitive)', async () => {
    const all = listOf(
      (await call('/users?page_size=100&filter=include_inactive%3D%3Dtrue%3Binclude_partners%3D%3Dtrue'))
        .body,
    );
    expect(all.users.length).toBe(100);
    const target = keap.control.list().find((u) => u.status === 'INACTIVE' && !u.partner)!;
    const email = target.email_addresses[0]!.email.toUpperCase();
    const found = listOf(
      (await call(`/users?filter=${encodeURIComponent(`email==${email};include_inactive==true`)}`)).body,
    );
    expect(found).toEqual({ users: [target], next_page_token: '' });
    const hidden = listOf((await call(`/users?filter=${encodeURIComponent(`email==${email}`)}`)).body);
    expect(hidden.users).toEqual([]);
    const bad = await call(`/users?filter=${encodeURIComponent('family_name==Smith')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('Invalid filter field: family_name');
  });

  it('orders by create_time and email, either way, and refuses a page token from another query', async () => {
    const asc = listOf((await call('/users?page_size=100&order_by=create_time')).body).users;
    expect(asc.map((u) => u.create_time)).toEqual([...asc.map((u) => u.create_time)].sort());
    const desc = listOf((await call('/users?page_size=5&order_by=email%20desc')).body);
    const emails = desc.users.map((u) => u.email_addresses[0]!.email);
    expect(emails).toEqual([...emails].sort((a, b) => b.localeCompare(a, 'en', { sensitivity: 'base' })));
    const reused = await call(`/users?page_size=5&order_by=email&page_token=${desc.next_page_token}`);
    expect(reused.status).toBe(400);
    expect((await call('/users?order_by=updated_time')).status).toBe(400);
  });
});

describe('GET /crm/rest/v2/users/{user_id}', () => {
  it('returns the docs’ example user, inactive users too, and 404s an unknown id', async () => {
    expect((await call('/users/123')).body).toEqual(DOCS_EXAMPLE_USER);
    const inactive = keap.control.list().find((u) => u.status === 'INACTIVE')!;
    expect((await call(`/users/${inactive.id}`)).body).toEqual(inactive);
    const missing = await call('/users/999999');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 404, status: 'NOT_FOUND' });
  });
});

describe('OAuth', () => {
  it('exchanges a code with body credentials, refreshes with Basic only, and rotates refresh tokens', async () => {
    const redirect = 'https://app.example/callback';
    const code = (
      await authorize(
        authorizeUrl(keap.url, '/app/oauth/authorize', {
          client_id: keap.oauth.clientId,
          redirect_uri: redirect,
          response_type: 'code',
          scope: 'full',
        }),
      )
    ).searchParams.get('code')!;
    const client = { id: keap.oauth.clientId, secret: keap.oauth.clientSecret };
    const tokens = await postForm(keap.oauth.tokenUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirect,
      client_id: client.id,
      client_secret: client.secret,
    });
    expect(tokens.status).toBe(200);
    expect(tokens.json).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 86_400,
      refresh_token: expect.any(String),
      scope: `full|${keap.tenant}.infusionsoft.com`,
    });
    const refresh = { grant_type: 'refresh_token', refresh_token: String(tokens.json.refresh_token) };
    const inBody = await postForm(keap.oauth.tokenUrl, {
      ...refresh,
      client_id: client.id,
      client_secret: client.secret,
    });
    expect(inBody.status).toBe(401);
    const rotated = await postForm(keap.oauth.tokenUrl, refresh, { basic: client });
    expect(rotated.status).toBe(200);
    expect(rotated.json.refresh_token).not.toBe(refresh.refresh_token);
    const reused = await postForm(keap.oauth.tokenUrl, refresh, { basic: client });
    expect(reused.status).toBe(400);
    expect(reused.json).toEqual({ error: 'invalid_request', error_description: 'Invalid Refresh Token' });
    const me = await call('/oauth/connect/userinfo', {
      authorization: `Bearer ${rotated.json.access_token}`,
    });
    expect(me.status).toBe(401);
  });
});

describe('rate limits', () => {
  it('sends the product throttle and quota headers, and answers the 11th call in a second with a spike arrest', async () => {
    const limited = await startKeapSandbox({ users: 3 });
    try {
      const get = () =>
        fetch(`${limited.url}${API}/users`, { headers: { 'x-keap-api-key': limited.apiKey } });
      const first = await get();
      expect(first.headers.get('x-keap-product-throttle-limit')).toBe('240');
      expect(first.headers.get('x-keap-product-throttle-available')).toBe('239');
      expect(first.headers.get('x-keap-product-quota-limit')).toBe('30000');
      const rest = await Promise.all(Array.from({ length: 10 }, get));
      const refused = rest.filter((r) => r.status === 429);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      expect(await refused[0]!.json()).toMatchObject({
        fault: { detail: { errorcode: 'policies.ratelimit.SpikeArrestViolation' } },
      });
    } finally {
      await limited.close();
    }
  });
});
