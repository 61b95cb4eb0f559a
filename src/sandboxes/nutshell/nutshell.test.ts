/** The Nutshell sandbox over real HTTP, checked against Nutshell's REST users API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson } from '../kit/testing.ts';
import { type NutshellSandbox, type NutshellUser, startNutshellSandbox } from './index.ts';

interface Page {
  meta: {
    count: number;
    total: number;
    instanceId: string;
    siteId: string;
    next?: string;
    previous?: string;
  };
  links: Record<string, never>;
  users: NutshellUser[];
}

let sandbox: NutshellSandbox;
const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});
const call = <T = Page>(path: string, headers = basic(sandbox.email, sandbox.apiKey)) =>
  getJson<T>(`${sandbox.url}${path}`, headers);

beforeAll(async () => {
  sandbox = await startNutshellSandbox({ users: 45, seed: 4, rateLimit: null });
});
afterAll(() => sandbox.close());

describe('auth', () => {
  it('takes the company domain or an enabled user’s email with the API key', async () => {
    expect((await call('/rest/users', basic(sandbox.domain, sandbox.apiKey))).status).toBe(200);
    expect((await call('/rest/users', basic(sandbox.email.toUpperCase(), sandbox.apiKey))).status).toBe(200);
    const disabled = sandbox.control.list().find((u) => !u.isEnabled)!;
    expect((await call('/rest/users', basic(disabled.emails[0]!, sandbox.apiKey))).status).toBe(401);
  });

  it.each([
    ['no credentials', {}],
    ['a wrong key', { authorization: `Basic ${Buffer.from('x@y.example:nope').toString('base64')}` }],
  ])('answers %s with 401', async (_, headers) => {
    const { status, json } = await call('/rest/users', headers as ReturnType<typeof basic>);
    expect(status).toBe(401);
    expect(json).toEqual({ code: 401, message: 'Authentication required' });
  });
});

describe('control over HTTP', () => {
  it('lists the users and revokes the API key', async () => {
    const other = await startNutshellSandbox({ users: 4, rateLimit: null });
    try {
      expect((await getJson(`${other.url}/__sandbox/users`)).json).toEqual(other.control.list());
      const headers = basic(other.email, other.apiKey);
      expect((await getJson(`${other.url}/rest/users`, headers)).status).toBe(200);
      await fetch(`${other.url}/__sandbox/revoke-api-key`, { method: 'POST' });
      expect((await getJson(`${other.url}/rest/users`, headers)).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe('GET /rest/users', () => {
  it('pages with a 0-based page[page] and page[limit], linking next and previous, until meta.total', async () => {
    const seen: string[] = [];
    for (let page = 0; page < 3; page++) {
      const { status, json } = await call(`/rest/users?page[limit]=20&page[page]=${page}`);
      expect(status).toBe(200);
      expect(json.meta).toMatchObject({ total: 45, instanceId: '379104', siteId: '6smEpVK1' });
      expect(Boolean(json.meta.next)).toBe(page < 2);
      expect(Boolean(json.meta.previous)).toBe(page > 0);
      if (json.meta.next)
        expect(new URL(json.meta.next).searchParams.get('page[page]')).toBe(String(page + 1));
      seen.push(...json.users.map((u) => u.id));
    }
    expect(seen).toEqual(sandbox.control.list().map((u) => u.id));
    expect((await call('/rest/users?page[limit]=20&page[page]=3')).json.users).toEqual([]);
  });

  it('returns users in Nutshell’s shape: N-users ids, epoch-second modifiedTime, disabled users listed', async () => {
    const { json } = await call('/rest/users?page[limit]=100');
    expect(json.users).toHaveLength(45);
    expect(json.users.some((u) => !u.isEnabled)).toBe(true);
    for (const user of json.users) {
      expect(user.id).toMatch(/^\d+-users$/);
      expect(user.type).toBe('users');
      expect(Number.isInteger(user.modifiedTime) && user.modifiedTime < 1e11).toBe(true);
      expect(user).not.toHaveProperty('createdTime');
    }
  });

  it.each([
    ['page[page]=-1', 'Invalid page number: -1'],
    ['page[limit]=10001', 'Invalid page limit: 10001'],
    ['page[limit]=zero', 'Invalid page limit: zero'],
  ])('refuses %s with 400 and Nutshell’s errors list', async (query, detail) => {
    const { status, json } = await call<Record<string, unknown>>(`/rest/users?${query}`);
    expect(status).toBe(400);
    expect(json).toMatchObject({
      users: [],
      errors: [{ id: null, type: 'errors', status: '400', title: 'Invalid filter', detail }],
    });
  });
});

describe('GET /rest/users/{id}', () => {
  it('finds a user by N-users or by number, and 404s an unknown one', async () => {
    const target = sandbox.control.list()[3]!;
    expect((await call(`/rest/users/${target.id}`)).json.users).toEqual([target]);
    expect((await call(`/rest/users/${target.id.split('-')[0]}`)).json.users).toEqual([target]);
    const missing = await call<Record<string, unknown>>('/rest/users/999999-users');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ errors: [{ status: '404' }] });
  });

  it('answers unknown paths with Nutshell’s HTML 404 page', async () => {
    const res = await fetch(`${sandbox.url}/rest/nope`, { headers: basic(sandbox.email, sandbox.apiKey) });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('<title>An Error Occurred: Not Found</title>');
  });
});

describe('rate limit', () => {
  it('answers over 10 calls a second with 429 and Retry-After', async () => {
    const limited = await startNutshellSandbox({ users: 3 });
    try {
      const headers = basic(limited.email, limited.apiKey);
      const answers = await Promise.all(
        Array.from({ length: 11 }, () => fetch(`${limited.url}/rest/users`, { headers })),
      );
      const refused = answers.filter((r) => r.status === 429);
      expect(refused).toHaveLength(1);
      expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await refused[0]!.json()).toEqual({ code: 429, message: 'Too Many Requests' });
    } finally {
      await limited.close();
    }
  });
});
