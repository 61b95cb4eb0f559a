/** The Salesflare sandbox over real HTTP, checked against Salesflare's documented users API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SalesflareSandbox, type SalesflareUser, startSalesflareSandbox } from './index.ts';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
let sandbox: SalesflareSandbox;

async function call(path: string, authorization: string | null = `Bearer ${sandbox.apiKey}`) {
  const res = await fetch(`${sandbox.url}${path}`, { headers: authorization ? { authorization } : {} });
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
}

beforeAll(async () => {
  sandbox = await startSalesflareSandbox({ users: 120, seed: 8, rateLimit: null });
});
afterAll(() => sandbox.close());

describe('auth', () => {
  it('answers no key and a wrong key with Boom 401s and a Bearer challenge', async () => {
    const missing = await call('/users', null);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(missing.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Missing authentication',
    });
    const wrong = await call('/users', 'Bearer not-a-key');
    expect(wrong.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Bad token' });
  });

  it('tells who the key belongs to on GET /me', async () => {
    const me = (await call('/me')).body as SalesflareUser & { team: { id: number } };
    expect(me.id).toBe(sandbox.control.list()[0]!.id);
    expect(me.team.id).toBe(1);
  });
});

describe('GET /users', () => {
  it('pages a bare array by limit (10 by default) and offset', async () => {
    expect((await call('/users')).body).toHaveLength(10);
    const seen: number[] = [];
    for (let offset = 0; ; offset += 50) {
      const page = (await call(`/users?limit=50&offset=${offset}`)).body as SalesflareUser[];
      seen.push(...page.map((u) => u.id));
      if (page.length < 50) break;
    }
    expect(seen).toEqual(sandbox.control.list().map((u) => u.id));
    for (const bad of ['limit=0', 'limit=x', 'offset=-1', 'nope=1', 'onlyEnabled=yes', 'order_by=password'])
      expect((await call(`/users?${bad}`)).body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'Invalid request query input',
      });
  });

  it('filters by email, onlyEnabled, search and id, and sorts with order_by', async () => {
    const all = sandbox.control.list();
    const target = all[7]!;
    expect((await call(`/users?email=${encodeURIComponent(target.email.toUpperCase())}`)).body).toEqual([
      target,
    ]);
    const enabled = (await call('/users?onlyEnabled=true&limit=500')).body as SalesflareUser[];
    expect(enabled.map((u) => u.id)).toEqual(all.filter((u) => !u.disabled).map((u) => u.id));
    expect(all.some((u) => u.disabled)).toBe(true);
    const found = (await call(`/users?search=${encodeURIComponent(target.lastname.slice(0, 4))}&limit=500`))
      .body as SalesflareUser[];
    expect(found.map((u) => u.id)).toContain(target.id);
    const two = (await call(`/users?id=${all[1]!.id}&id=${all[2]!.id}`)).body as SalesflareUser[];
    expect(two.map((u) => u.id)).toEqual([all[1]!.id, all[2]!.id]);
    const newest = (await call('/users?order_by=creation_date%20desc&limit=3')).body as SalesflareUser[];
    expect(newest.map((u) => u.creation_date)).toEqual(
      all
        .map((u) => u.creation_date)
        .sort()
        .reverse()
        .slice(0, 3),
    );
    for (const u of all) {
      expect(u.creation_date).toMatch(ISO_MS);
      expect(u.name).toBe(`${u.firstname} ${u.lastname}`);
    }
  });

  it('gets one user by id; 404 in Boom’s shape otherwise', async () => {
    const u = sandbox.control.list()[3]!;
    expect((await call(`/users/${u.id}`)).body).toEqual(u);
    const missing = await call('/users/1');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });
});

describe('rate limits', () => {
  it('answers past the budget with 429 and Retry-After', async () => {
    const limited = await startSalesflareSandbox({
      users: 3,
      rateLimit: [{ name: 'key', limit: 1, windowMs: 60_000 }],
    });
    try {
      const get = () =>
        fetch(`${limited.url}/users`, { headers: { authorization: `Bearer ${limited.apiKey}` } });
      expect((await get()).status).toBe(200);
      const refused = await get();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    } finally {
      await limited.close();
    }
  });
});
