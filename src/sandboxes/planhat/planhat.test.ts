/** The Planhat sandbox over real HTTP, checked against Planhat's documented users API and limits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_EXAMPLE_IDS, type PlanhatSandbox, type PlanhatUser, startPlanhatSandbox } from './index.ts';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
let sandbox: PlanhatSandbox;

async function call(path: string, authorization: string | null = `Bearer ${sandbox.token}`) {
  const res = await fetch(`${sandbox.url}${path}`, { headers: authorization ? { authorization } : {} });
  const body = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text();
  return { status: res.status, headers: res.headers, body: body as unknown };
}

beforeAll(async () => {
  sandbox = await startPlanhatSandbox({ users: 260, seed: 4, rateLimit: null });
});
afterAll(() => sandbox.close());

describe('auth', () => {
  it('accepts the token as Bearer and as Basic base64(token:), and answers anything else 401', async () => {
    expect((await call('/myprofile')).body).toMatchObject({ _id: DOCS_EXAMPLE_IDS.alex });
    const basic = `Basic ${Buffer.from(`${sandbox.token}:`).toString('base64')}`;
    expect((await call('/users?limit=1', basic)).status).toBe(200);
    for (const auth of [
      null,
      'Bearer nope',
      `Basic ${Buffer.from(`${sandbox.token}:x`).toString('base64')}`,
    ]) {
      const refused = await call('/users', auth);
      expect(refused.status).toBe(401);
      expect(refused.body).toBe('Unauthorized');
    }
  });
});

describe('GET /users', () => {
  it('pages a bare array by limit and offset, 100 by default, at most 5,000', async () => {
    const first = (await call('/users')).body as PlanhatUser[];
    expect(first).toHaveLength(100);
    const seen: string[] = [];
    for (let offset = 0; ; offset += 70) {
      const page = (await call(`/users?limit=70&offset=${offset}`)).body as PlanhatUser[];
      seen.push(...page.map((u) => u._id));
      if (page.length < 70) break;
    }
    expect(seen).toEqual(sandbox.control.list().map((u) => u._id));
    expect((await call('/users?limit=5001')).status).toBe(400);
    expect((await call('/users?limit=5000')).status).toBe(200);
    expect((await call('/users?offset=-1')).status).toBe(400);
  });

  it('filters by email (the Team page’s example) and returns Planhat’s user shape', async () => {
    const byEmail = (await call('/users?email=yourcolleaguesname@yourcompany.com')).body as PlanhatUser[];
    expect(byEmail.map((u) => u._id)).toEqual([DOCS_EXAMPLE_IDS.colleague]);
    const all = sandbox.control.list();
    for (const u of all) {
      expect(u._id).toMatch(/^[0-9a-f]{24}$/);
      expect(u.createdAt).toMatch(ISO_MS);
      expect(u.updatedAt >= u.createdAt).toBe(true);
    }
    expect(all.some((u) => u.inactive)).toBe(true);
    expect(all.some((u) => u.email.startsWith('api+') || u.email.startsWith('integration+'))).toBe(true);
  });

  it('gets one user by id or by extid-, 404 otherwise; 403 when the service account may not read users', async () => {
    expect((await call(`/users/${DOCS_EXAMPLE_IDS.alex}`)).body).toEqual(
      sandbox.control.get(DOCS_EXAMPLE_IDS.alex),
    );
    expect((await call('/users/000000000000000000000000')).status).toBe(404);
    sandbox.control.denyUsers();
    try {
      expect((await call('/users')).status).toBe(403);
    } finally {
      sandbox.control.denyUsers(false);
    }
  });
});

describe('rate limits', () => {
  it('sends X-Rate-Limit-Limit and -Remaining and answers 429 past the minute quota', async () => {
    const limited = await startPlanhatSandbox({
      users: 3,
      rateLimit: [
        { name: 'minute', limit: 2, windowMs: 60_000 },
        { name: 'second', limit: 150, windowMs: 1000 },
      ],
    });
    try {
      const get = () =>
        fetch(`${limited.url}/users`, { headers: { authorization: `Bearer ${limited.token}` } });
      const first = await get();
      expect(first.headers.get('x-rate-limit-limit')).toBe('2');
      expect(first.headers.get('x-rate-limit-remaining')).toBe('1');
      expect((await get()).status).toBe(200);
      const refused = await get();
      expect(refused.status).toBe(429);
      expect(await refused.text()).toBe('Too Many Requests');
    } finally {
      await limited.close();
    }
  });
});
