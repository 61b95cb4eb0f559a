/** The Freshsales sandbox over real HTTP, checked against Freshsales' owners selector. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson } from '../kit/testing.ts';
import { DOCS_EXAMPLE_USER, type FreshsalesSandbox, startFreshsalesSandbox } from './index.ts';

let sandbox: FreshsalesSandbox;
const token = (key: string) => ({ authorization: `Token token=${key}` });
const owners = (headers: Record<string, string> = token(sandbox.apiKey), base = '/crm/sales/api') =>
  getJson<{ users: unknown[] }>(`${sandbox.url}${base}/selector/owners`, headers);

beforeAll(async () => {
  sandbox = await startFreshsalesSandbox({ users: 50, seed: 9, rateLimit: null });
});
afterAll(() => sandbox.close());

describe('auth', () => {
  it.each([
    ['no', {}],
    ['a wrong', token('not-a-key')],
    ['a Bearer', { authorization: `Bearer ${'x'}` }],
  ])('answers %s key with 401 and Freshsales’ login-failed body', async (_, headers) => {
    const { status, json } = await owners(headers as Record<string, string>);
    expect(status).toBe(401);
    expect(json).toEqual({ login: 'failed', message: 'Incorrect or expired API key' });
  });

  it('takes the quoted form, any active user’s own key, and none once the keys are regenerated (control over HTTP)', async () => {
    expect((await owners({ authorization: `Token token="${sandbox.apiKey}"` })).status).toBe(200);
    const other = await startFreshsalesSandbox({ users: 5, rateLimit: null });
    try {
      const user = other.control.list()[2]!;
      const key = other.control.issueKey(user.id);
      const call = (k: string) => getJson(`${other.url}/crm/sales/api/selector/owners`, token(k));
      expect((await call(key)).status).toBe(200);
      other.control.setActive(user.id, false);
      expect((await call(key)).status).toBe(401);
      expect((await getJson(`${other.url}/__sandbox/users`)).json).toEqual(other.control.list());
      await fetch(`${other.url}/__sandbox/revoke-keys`, { method: 'POST' });
      expect((await call(other.apiKey)).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe('GET /crm/sales/api/selector/owners', () => {
  it('returns every user, deactivated ones included, in one answer under `users`', async () => {
    const { status, json } = await owners();
    expect(status).toBe(200);
    expect(json.users).toEqual(sandbox.control.list());
    expect(json.users).toHaveLength(50);
    expect(json.users[0]).toEqual(DOCS_EXAMPLE_USER);
    const all = sandbox.control.list();
    expect(all.some((u) => !u.is_active)).toBe(true);
    for (const user of all) {
      expect(Object.keys(user).sort()).toEqual(
        ['display_name', 'email', 'id', 'is_active', 'mobile_number', 'work_number'].sort(),
      );
      expect(Number.isInteger(user.id)).toBe(true);
    }
  });

  it('serves the legacy freshsales.io path too, and Freshsales’ 404 body elsewhere', async () => {
    expect((await owners(undefined, '/api')).json).toEqual((await owners()).json);
    const missing = await getJson(`${sandbox.url}/crm/sales/api/users/1`, token(sandbox.apiKey));
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({
      errors: { code: 404, message: ['The requested resource was not found'] },
    });
  });
});

describe('rate limits', () => {
  it('counts every key of the account together and answers 429 with Retry-After', async () => {
    const limited = await startFreshsalesSandbox({ users: 4, rateLimit: { perMinute: 3, perHour: 100 } });
    try {
      const second = limited.control.issueKey(limited.control.list()[1]!.id);
      const call = (key: string) =>
        fetch(`${limited.url}/crm/sales/api/selector/owners`, { headers: token(key) });
      expect((await call(limited.apiKey)).status).toBe(200);
      expect((await call(second)).status).toBe(200);
      expect((await call(limited.apiKey)).status).toBe(200);
      const refused = await call(second);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await refused.json()).toEqual({
        errors: { code: 429, message: ['API rate limit exceeded: 3 requests per minute'] },
      });
      expect(limited.control.stats().keys.account?.rateLimited).toBe(1);
    } finally {
      await limited.close();
    }
  });
});
