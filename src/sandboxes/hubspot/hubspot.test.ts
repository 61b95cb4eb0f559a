/** The HubSpot sandbox over real HTTP on loopback, checked against HubSpot's documented CRM Owners behaviour. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubSpotOwner, type HubSpotSandbox, startHubSpotSandbox } from './index.ts';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface Page {
  results: HubSpotOwner[];
  paging?: { next: { after: string; link: string } };
}

let sandbox: HubSpotSandbox;

async function call(path: string, token: string | null = sandbox.token) {
  const res = await fetch(`${sandbox.url}${path}`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  sandbox = await startHubSpotSandbox({ owners: 230, seed: 7, rateLimit: null });
});
afterAll(() => sandbox.close());

describe('auth', () => {
  it.each([
    ['missing', null],
    ['wrong', 'pat-na1-not-the-token'],
  ])('answers a %s token with 401 and HubSpot’s body', async (_, token) => {
    const { status, body } = await call('/crm/v3/owners', token);
    expect(status).toBe(401);
    expect(body).toEqual({
      status: 'error',
      message: expect.stringContaining('Authentication credentials not found'),
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      category: 'INVALID_AUTHENTICATION',
    });
  });
});

describe('GET /crm/v3/owners', () => {
  it('rejects limit 501 with the documented validation error, accepts 500', async () => {
    const { status, body } = await call('/crm/v3/owners?limit=501');
    expect(status).toBe(400);
    expect(body).toMatchObject({
      status: 'error',
      category: 'VALIDATION_ERROR',
      context: { limit: ['Must be less than or equal to 500'] },
    });
    expect((await call('/crm/v3/owners?limit=500')).status).toBe(200);
  });

  it('walks every active owner exactly once with `after`, and omits `paging` on the last page', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const { status, body } = await call(
        `/crm/v3/owners?limit=37${after ? `&after=${encodeURIComponent(after)}` : ''}`,
      );
      expect(status).toBe(200);
      const page = body as unknown as Page;
      seen.push(...page.results.map((o) => o.id));
      after = page.paging?.next.after;
      if (after) expect(page.results).toHaveLength(37);
      pages++;
    } while (after);
    const active = sandbox.control.list({ archived: false });
    expect(seen).toEqual(active.map((o) => o.id));
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBe(Math.ceil(active.length / 37));
  });

  it('defaults to 100 per page and returns HubSpot’s owner shape', async () => {
    const page = (await call('/crm/v3/owners')).body as unknown as Page;
    expect(page.results).toHaveLength(100);
    const link = new URL(page.paging!.next.link);
    expect(link.searchParams.get('after')).toBe(page.paging!.next.after);
    for (const o of page.results) {
      expect(o).toMatchObject({ type: 'PERSON', archived: false, userIdIncludingInactive: o.userId });
      expect(o.id).toMatch(/^\d+$/);
      expect(o.createdAt).toMatch(ISO_MS);
      expect(o.updatedAt).toMatch(ISO_MS);
      expect(o.updatedAt > o.createdAt).toBe(true);
    }
    expect(page.results.some((o) => o.teams?.some((t) => t.primary))).toBe(true);
  });

  it('filters by exact email', async () => {
    const target = sandbox.control.list({ archived: false })[5];
    const exact = (await call(`/crm/v3/owners?email=${encodeURIComponent(target.email!)}`))
      .body as unknown as Page;
    expect(exact).toEqual({ results: [target] });
    const partial = (await call(`/crm/v3/owners?email=${encodeURIComponent(target.email!.slice(1))}`)).body;
    expect(partial).toEqual({ results: [] });
  });

  it('returns only archived owners with archived=true, and none of them by default', async () => {
    const archived = sandbox.control.list({ archived: true });
    expect(archived.length).toBeGreaterThan(0);
    const page = (await call('/crm/v3/owners?archived=true&limit=500')).body as unknown as Page;
    expect(page.results).toEqual(archived);
    for (const o of page.results) {
      expect(o.archived).toBe(true);
      expect(o.userId).toBeUndefined();
      expect(o.userIdIncludingInactive).toEqual(expect.any(Number));
    }
    const active = (await call('/crm/v3/owners?limit=500')).body as unknown as Page;
    expect(active.results.every((o) => !o.archived)).toBe(true);
  });
});

describe('GET /crm/v3/owners/{ownerId}', () => {
  it('finds an owner by id and by idProperty=userId', async () => {
    const owner = sandbox.control.list({ archived: false })[3];
    expect((await call(`/crm/v3/owners/${owner.id}`)).body).toEqual(owner);
    expect((await call(`/crm/v3/owners/${owner.userId}?idProperty=userId`)).body).toEqual(owner);
  });

  it('shows archived owners only with archived=true', async () => {
    const owner = sandbox.control.list({ archived: true })[0];
    expect((await call(`/crm/v3/owners/${owner.id}`)).status).toBe(404);
    expect((await call(`/crm/v3/owners/${owner.id}?archived=true`)).body).toEqual(owner);
  });

  it('answers an unknown id with 404 and HubSpot’s error body', async () => {
    const { status, body } = await call('/crm/v3/owners/1');
    expect(status).toBe(404);
    expect(body).toEqual({
      status: 'error',
      message: expect.any(String),
      correlationId: expect.any(String),
      category: 'OBJECT_NOT_FOUND',
    });
  });
});

describe('control', () => {
  it('adds, updates and archives owners that the API then serves', async () => {
    const added = sandbox.control.add({ firstName: 'Grace', lastName: 'Hopper', teams: [] });
    expect((await call(`/crm/v3/owners/${added.id}`)).body).toEqual(added);
    const updated = sandbox.control.update(added.id, { lastName: 'Murray Hopper' });
    expect(updated.updatedAt > added.updatedAt).toBe(true);
    expect((await call(`/crm/v3/owners?email=${encodeURIComponent(added.email!)}`)).body).toEqual({
      results: [updated],
    });
    sandbox.control.archive(added.id);
    expect((await call(`/crm/v3/owners/${added.id}`)).status).toBe(404);
    expect(sandbox.control.stats().requests['/crm/v3/owners/{ownerId}']).toBeGreaterThan(0);
  });

  it('generates the same owners from the same seed', async () => {
    const again = await startHubSpotSandbox({ owners: 230, seed: 7, rateLimit: null });
    const fresh = await startHubSpotSandbox({ owners: 230, seed: 7, rateLimit: null });
    try {
      expect(again.control.list()).toEqual(fresh.control.list());
      expect(again.control.list({ archived: true }).length).toBeGreaterThan(0);
    } finally {
      await Promise.all([again.close(), fresh.close()]);
    }
  });
});

describe('rate limits', () => {
  it('sends X-HubSpot-RateLimit-* headers and answers 429 past the window budget', async () => {
    const limited = await startHubSpotSandbox({ owners: 3, rateLimit: { calls: 2, windowMs: 60_000 } });
    try {
      const get = () =>
        fetch(`${limited.url}/crm/v3/owners`, { headers: { authorization: `Bearer ${limited.token}` } });
      const first = await get();
      expect(first.headers.get('x-hubspot-ratelimit-max')).toBe('2');
      expect(first.headers.get('x-hubspot-ratelimit-remaining')).toBe('1');
      expect(first.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('60000');
      expect((await get()).status).toBe(200);
      const third = await get();
      expect(third.status).toBe(429);
      expect(third.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
      expect(await third.json()).toMatchObject({ status: 'error', errorType: 'RATE_LIMIT' });
      expect(limited.control.stats().rateLimited).toBe(1);
    } finally {
      await limited.close();
    }
  });
});
