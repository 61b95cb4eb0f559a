/** The Pipeliner sandbox over real HTTP, checked against Pipeliner's documented REST API v100 behaviour. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DOCS_EXAMPLE_ID,
  type PipelinerClient,
  type PipelinerSandbox,
  startPipelinerSandbox,
} from './index.ts';

const PIPELINER_DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}[+-]\d{2}:\d{2}$/;

interface Page {
  success: boolean;
  total: number;
  page_info: { start_cursor: string | null; end_cursor: string | null; has_next_page: boolean };
  data: PipelinerClient[];
}

let sandbox: PipelinerSandbox;

async function call(path: string, init: { auth?: string | null; headers?: Record<string, string> } = {}) {
  const auth =
    init.auth === undefined
      ? `Basic ${Buffer.from(`${sandbox.username}:${sandbox.password}`).toString('base64')}`
      : init.auth;
  const res = await fetch(`${sandbox.baseUrl}${path}`, {
    headers: { ...(auth === null ? {} : { authorization: auth }), ...init.headers },
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  sandbox = await startPipelinerSandbox({ users: 140, seed: 5, rateLimit: null });
});
afterAll(() => sandbox.close());

describe('auth', () => {
  it.each([
    ['no Authorization header', null],
    ['a wrong password', `Basic ${Buffer.from('nobody:wrong').toString('base64')}`],
    ['a bearer token', 'Bearer abc'],
  ])('answers %s with 401 and WWW-Authenticate: Basic realm="restapi"', async (_, auth) => {
    const { status, headers, body } = await call('/entities/Clients', { auth });
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe('Basic realm="restapi"');
    expect(body).toMatchObject({ status: 401, errorcode: null, traceback: null });
  });

  it('refuses the keys of one space on another space', async () => {
    const res = await fetch(`${sandbox.url}/api/v100/rest/spaces/fr_Other/entities/Clients`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${sandbox.username}:${sandbox.password}`).toString('base64')}`,
      },
    });
    expect(res.status).toBe(401);
  });
});

describe('GET /entities/Clients', () => {
  it('pages by cursor: 30 by default, at most 100, has_next_page false on the last page', async () => {
    const first = (await call('/entities/Clients')).body as unknown as Page;
    expect(first.data).toHaveLength(30);
    expect(first.page_info.has_next_page).toBe(true);
    expect(JSON.parse(Buffer.from(first.page_info.end_cursor!, 'base64').toString())).toEqual([
      first.data[29]!.id,
    ]);
    const tooMany = await call('/entities/Clients?first=101');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ success: false, http_status: 400, name: 'ERROR_INVALID_PARAMETER' });

    const seen: string[] = [];
    let after: string | null = null;
    let last: Page;
    do {
      last = (await call(`/entities/Clients?first=100${after ? `&after=${encodeURIComponent(after)}` : ''}`))
        .body as unknown as Page;
      seen.push(...last.data.map((c) => c.id));
      after = last.page_info.has_next_page ? last.page_info.end_cursor : null;
    } while (after);
    expect(last.page_info.end_cursor).not.toBeNull();
    expect(seen).toEqual(sandbox.control.list().map((c) => c.id));
    expect(last.total).toBe(seen.length);
  });

  it('lists deleted users only with include-deleted=true', async () => {
    const active = (await call('/entities/Clients?first=100&filter[is_deleted]=true'))
      .body as unknown as Page;
    expect(active.data).toEqual([]);
    const deleted = (await call('/entities/Clients?first=100&include-deleted=true&filter[is_deleted]=true'))
      .body as unknown as Page;
    expect(deleted.data.length).toBeGreaterThan(0);
    expect(deleted.data.every((c) => c.is_deleted)).toBe(true);
  });

  it('filters with filter[...] and filter-op[...], and sorts with order-by', async () => {
    const doc = (await call('/entities/Clients?filter[email]=JOHN.DOE@example.com&filter-op[email]=ieq'))
      .body as unknown as Page;
    expect(doc.data.map((c) => c.id)).toEqual([DOCS_EXAMPLE_ID]);
    const exact = (await call('/entities/Clients?filter[email]=JOHN.DOE@example.com'))
      .body as unknown as Page;
    expect(exact.data).toEqual([]);

    const cut = '2022-01-01 00:00:00.000000+00:00';
    const recent = (
      await call(
        `/entities/Clients?first=100&include-deleted=true&filter[modified]=${encodeURIComponent(cut)}&filter-op[modified]=gte&order-by=-modified`,
      )
    ).body as unknown as Page;
    expect(recent.total).toBeGreaterThan(0);
    const times = recent.data.map((c) => c.modified);
    expect(times.every((t) => t >= cut)).toBe(true);
    expect([...times].sort().reverse()).toEqual(times);

    const badField = await call('/entities/Clients?filter[nope]=1');
    expect(badField.status).toBe(400);
    const badOp = await call('/entities/Clients?filter[created]=x&filter-op[created]=icontains');
    expect(badOp.status).toBe(400);
  });

  it('returns Pipeliner’s Client shape: microsecond UTC dates, URIs to relations, support accounts', async () => {
    const page = (await call('/entities/Clients?first=100&include-deleted=true')).body as unknown as Page;
    for (const c of page.data) {
      expect(c.created).toMatch(PIPELINER_DATE);
      expect(c.modified).toMatch(PIPELINER_DATE);
      expect(c.default_unit).toBe(`${sandbox.baseUrl}/entities/SalesUnits/${c.default_unit_id}`);
      expect(c.name).toBe(`${c.first_name} ${c.last_name}`);
    }
    const doc = page.data.find((c) => c.id === DOCS_EXAMPLE_ID)!;
    expect(doc).toMatchObject({ email: 'john.doe@example.com', created: '2019-02-01 07:41:49.529970+00:00' });
    const support = sandbox.control.list().filter((c) => c.type === 1);
    expect(support).toHaveLength(2);
  });

  it('converts dates to the zone named in a Timezone header', async () => {
    const { body } = await call(`/entities/Clients/${DOCS_EXAMPLE_ID}`, {
      headers: { Timezone: 'America/Chicago' },
    });
    expect((body as { data: PipelinerClient }).data.created).toBe('2019-02-01 01:41:49.529970-06:00');
  });
});

describe('GET /entities/Clients/{id}', () => {
  it('finds a user, and a deleted one only with include-deleted=true', async () => {
    const deleted = sandbox.control.list({ includeDeleted: true }).find((c) => c.is_deleted)!;
    expect((await call(`/entities/Clients/${deleted.id}`)).status).toBe(404);
    const found = await call(`/entities/Clients/${deleted.id}?include-deleted=true`);
    expect(found.body).toEqual({ success: true, data: deleted });
    const missing = await call('/entities/Clients/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ success: false, name: 'ERROR_ENTITY_NOT_FOUND', http_status: 404 });
  });
});

describe('control and limits', () => {
  it('changes users the API then serves, and revokes the keys', async () => {
    const added = sandbox.control.add({ first_name: 'Grace', last_name: 'Hopper' });
    const updated = sandbox.control.update(added.id, { position: 'Admiral' });
    expect(updated.modified > added.modified).toBe(true);
    expect((await call(`/entities/Clients/${added.id}`)).body).toEqual({ success: true, data: updated });
    const other = await startPipelinerSandbox({
      users: 3,
      rateLimit: [{ name: 'space', limit: 2, windowMs: 60_000 }],
    });
    try {
      const get = () =>
        fetch(`${other.baseUrl}/entities/Clients`, {
          headers: {
            authorization: `Basic ${Buffer.from(`${other.username}:${other.password}`).toString('base64')}`,
          },
        });
      expect((await get()).status).toBe(200);
      expect((await get()).status).toBe(200);
      const refused = await get();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      other.control.revokeKeys();
      expect((await get()).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});
