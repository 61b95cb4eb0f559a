/** The Insightly sandbox over real HTTP, checked against Insightly's documented v3.1 users API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InsightlySandbox, type InsightlyUser, startInsightlySandbox } from './index.ts';

let sandbox: InsightlySandbox;

const basic = (user: string) => `Basic ${Buffer.from(user).toString('base64')}`;

async function call<T = unknown>(path: string, authorization: string | null = basic(`${sandbox.token}:`)) {
  const res = await fetch(`${sandbox.url}${path}`, {
    headers: authorization === null ? {} : { authorization },
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as T };
}

const DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

beforeAll(async () => {
  sandbox = await startInsightlySandbox({ users: 640, seed: 6, rateLimit: null });
});
afterAll(() => sandbox.close());

describe('auth', () => {
  it('takes the API key as the Basic user name, with any password or none', async () => {
    for (const user of [`${sandbox.token}:`, `${sandbox.token}:whatever`, sandbox.token])
      expect((await call('/v3.1/Users/Me', basic(user))).status).toBe(200);
  });

  it('answers a missing or unknown key with ASP.NET’s 401 body', async () => {
    for (const auth of [null, basic('wrong-key:')]) {
      const { status, body } = await call('/v3.1/Users', auth);
      expect(status).toBe(401);
      expect(body).toEqual({ Message: 'Authorization has been denied for this request.' });
    }
  });
});

describe('GET /v3.1/Users', () => {
  it('returns a bare array of users with upper-case fields and zoneless UTC dates', async () => {
    const { body } = await call<InsightlyUser[]>('/v3.1/Users?top=3');
    expect(body).toEqual(sandbox.control.list().slice(0, 3));
    const owner = body[0]!;
    expect(owner).toMatchObject({ ACCOUNT_OWNER: true, ADMINISTRATOR: true, ACTIVE: true });
    expect(typeof owner.USER_ID).toBe('number');
    expect(owner.DATE_CREATED_UTC).toMatch(DATE);
    expect(owner.DATE_UPDATED_UTC >= owner.DATE_CREATED_UTC).toBe(true);
  });

  it('pages by skip and top (default 100, at most 500; 501 refused), with X-Total-Count on request', async () => {
    expect((await call<unknown[]>('/v3.1/Users')).body).toHaveLength(100);
    const over = await call<{ Message: string }>('/v3.1/Users?top=501');
    expect(over.status).toBe(400);
    expect(over.body.Message).toContain('500');
    const first = await call<InsightlyUser[]>('/v3.1/Users?top=500&count_total=true');
    expect(first.headers.get('x-total-count')).toBe('640');
    const second = await call<InsightlyUser[]>('/v3.1/Users?skip=500&top=500');
    expect([...first.body, ...second.body].map((u) => u.USER_ID)).toEqual(
      sandbox.control.list().map((u) => u.USER_ID),
    );
  });

  it('serves paths in any case, as Insightly does', async () => {
    expect((await call<unknown[]>('/v3.1/users?top=1')).status).toBe(200);
  });
});

describe('GET /v3.1/Users/Search', () => {
  it('matches one field exactly, ignoring case', async () => {
    const target = sandbox.control.list()[33]!;
    const { body } = await call<InsightlyUser[]>(
      `/v3.1/Users/Search?field_name=EMAIL_ADDRESS&field_value=${encodeURIComponent(target.EMAIL_ADDRESS.toUpperCase())}`,
    );
    expect(body).toEqual([target]);
  });

  it('returns users updated at or after updated_after_utc', async () => {
    const cut = '2024-06-01T00:00:00Z';
    const { body } = await call<InsightlyUser[]>(`/v3.1/Users/Search?updated_after_utc=${cut}&top=500`);
    const expected = sandbox.control.list().filter((u) => u.DATE_UPDATED_UTC >= '2024-06-01 00:00:00');
    expect(body.map((u) => u.USER_ID)).toEqual(expected.slice(0, 500).map((u) => u.USER_ID));
  });

  it('refuses an unknown field, half a pair and an unreadable date with 400', async () => {
    for (const query of [
      'field_name=TITLE&field_value=x',
      'field_name=EMAIL_ADDRESS',
      'updated_after_utc=yesterday',
    ]) {
      const { status, body } = await call<{ Message: string }>(`/v3.1/Users/Search?${query}`);
      expect(status, query).toBe(400);
      expect(body.Message, query).toEqual(expect.any(String));
    }
  });
});

describe('one user', () => {
  it('gets a user by id and the key’s own at Users/Me; an unknown id is 404', async () => {
    const target = sandbox.control.list()[5]!;
    expect((await call(`/v3.1/Users/${target.USER_ID}`)).body).toEqual(target);
    expect((await call<InsightlyUser>('/v3.1/Users/Me')).body.ACCOUNT_OWNER).toBe(true);
    expect((await call('/v3.1/Users/1')).status).toBe(404);
  });
});

describe('rate limit', () => {
  it('limits the instance per second and per day, with X-RateLimit-* for the day and Retry-After', async () => {
    const limited = await startInsightlySandbox({ users: 3, rateLimit: { perSecond: 2, daily: 3 } });
    try {
      const get = () =>
        fetch(`${limited.url}/v3.1/Users`, { headers: { authorization: basic(`${limited.token}:`) } });
      const first = await get();
      expect(first.headers.get('x-ratelimit-limit')).toBe('3');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('2');
      expect((await get()).status).toBe(200);
      const fast = await get();
      expect(fast.status).toBe(429);
      expect(await fast.json()).toEqual({ Message: 'API request rate limit exceeded.' });
      await new Promise((resolve) => setTimeout(resolve, 1050));
      expect((await get()).status).toBe(200);
      const daily = await get();
      expect(daily.status).toBe(429);
      expect(await daily.json()).toEqual({ Message: 'Daily API request limit exceeded.' });
      expect(Number(daily.headers.get('retry-after'))).toBeGreaterThan(3600);
    } finally {
      await limited.close();
    }
  });
});
