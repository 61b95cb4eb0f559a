/** The ActiveCampaign sandbox over real HTTP, checked against ActiveCampaign's documented users API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActiveCampaignSandbox, type AcUser, startActiveCampaignSandbox } from './index.ts';

let sandbox: ActiveCampaignSandbox;

async function call<T = Record<string, unknown>>(path: string, token: string | null = sandbox.token) {
  const res = await fetch(`${sandbox.url}${path}`, { headers: token === null ? {} : { 'api-token': token } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as T };
}

beforeAll(async () => {
  sandbox = await startActiveCampaignSandbox({ users: 250, seed: 4, rateLimit: null });
});
afterAll(() => sandbox.close());

describe('auth', () => {
  it('answers a missing or unknown Api-Token with 403', async () => {
    for (const token of [null, 'not-a-key']) {
      const { status, body } = await call('/api/3/users', token);
      expect(status).toBe(403);
      expect(body).toEqual({ message: 'Forbidden' });
    }
  });

  it('serves the key’s own user at /users/me, and stops taking revoked keys', async () => {
    const other = sandbox.control.issueKey('5');
    expect((await call<{ user: AcUser }>('/api/3/users/me', other)).body.user.username).toBe('janedoe');
    expect((await call<{ user: AcUser }>('/api/3/users/me')).body.user.username).toBe('admin');
  });
});

describe('GET /api/3/users', () => {
  it('starts with the docs’ example users, in their shape, with meta.total as a string', async () => {
    const { body } = await call<{ users: AcUser[]; meta: { total: string } }>('/api/3/users?limit=2');
    expect(body.users[0]).toEqual({
      username: 'admin',
      firstName: 'John',
      lastName: 'Doe',
      email: 'johndoe@activecampaign.com',
      phone: '',
      signature: null,
      lang: 'english',
      localZoneid: 'America/New_York',
      mfaEnabled: '0',
      links: {
        lists: 'https://youraccountname.api-us1.com/api/3/users/1/lists',
        userGroup: 'https://youraccountname.api-us1.com/api/3/users/1/userGroup',
        dealGroupTotals: 'https://youraccountname.api-us1.com/api/3/users/1/dealGroupTotals',
        dealGroupUsers: 'https://youraccountname.api-us1.com/api/3/users/1/dealGroupUsers',
        configs: 'https://youraccountname.api-us1.com/api/3/users/1/configs',
      },
      id: '1',
    });
    expect(body.users[1]).toMatchObject({ username: 'janedoe', id: '5' });
    expect(body.meta.total).toBe(String(sandbox.control.list().length));
  });

  it('pages by offset with limit 20 by default and at most 100 (more is clamped)', async () => {
    expect((await call<{ users: AcUser[] }>('/api/3/users')).body.users).toHaveLength(20);
    expect((await call<{ users: AcUser[] }>('/api/3/users?limit=500')).body.users).toHaveLength(100);
    const seen: string[] = [];
    for (let offset = 0; ; offset += 100) {
      const { body } = await call<{ users: AcUser[] }>(`/api/3/users?limit=100&offset=${offset}`);
      seen.push(...body.users.map((u) => u.id));
      if (body.users.length < 100) break;
    }
    expect(seen).toEqual(sandbox.control.list().map((u) => u.id));
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('one user', () => {
  it('finds a user by id, by email (any case) and by username, and 404s with ActiveCampaign’s message', async () => {
    const target = sandbox.control.list()[40]!;
    expect((await call(`/api/3/users/${target.id}`)).body).toEqual({ user: target });
    const byEmail = await call(`/api/3/users/email/${encodeURIComponent(target.email.toUpperCase())}`);
    expect(byEmail.body).toEqual({ user: target });
    expect((await call(`/api/3/users/username/${target.username}`)).body).toEqual({ user: target });
    const missing = await call('/api/3/users/999999');
    expect(missing).toMatchObject({
      status: 404,
      body: { message: 'No Result found for User with id 999999' },
    });
    const noEmail = await call('/api/3/users/email/nobody%40example.com');
    expect(noEmail.status).toBe(404);
  });
});

describe('rate limit', () => {
  it('shares 5 calls per second across the account’s keys, with RateLimit-* and Retry-After', async () => {
    const limited = await startActiveCampaignSandbox({ users: 3 });
    try {
      const second = limited.control.issueKey('5');
      const get = (key: string) => fetch(`${limited.url}/api/3/users`, { headers: { 'api-token': key } });
      const first = await get(limited.token);
      expect(first.headers.get('ratelimit-limit')).toBe('5');
      expect(first.headers.get('ratelimit-remaining')).toBe('4');
      for (let i = 0; i < 4; i++) expect((await get(i % 2 ? second : limited.token)).status).toBe(200);
      const refused = await get(second);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await refused.json()).toEqual({ message: 'Too Many Requests' });
    } finally {
      await limited.close();
    }
  });
});
