/** Paging helpers inside a small emulator over real HTTP: sizes, slices, cursors, next URLs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from './emulator.ts';
import {
  decodeCursor,
  encodeCursor,
  nextPageUrl,
  offsetSlice,
  pageSlice,
  queryValue,
  readPageSize,
} from './paging.ts';

const ITEMS = Array.from({ length: 23 }, (_, i) => i);
let emulator: Emulator;

class VendorError extends Error {}

beforeAll(async () => {
  emulator = await startEmulator({
    name: 'Paged',
    authenticators: [],
    unauthorized: () => ({ body: {} }),
    publicPaths: () => true,
    routes: (app) => {
      app.setErrorHandler((error: Error, _request, reply) =>
        reply.code(400).send({ vendorError: error.message }),
      );
      app.get('/offset', async (request) => {
        const q = request.query as Record<string, string>;
        const limit = readPageSize(
          queryValue(q.limit),
          { default: 10, max: 20 },
          (p) => new VendorError(`limit ${p.kind}`),
        );
        const page = offsetSlice(ITEMS, Number(q.start ?? 0), limit);
        return {
          ...page,
          next:
            page.nextOffset === undefined ? null : nextPageUrl(request, { start: String(page.nextOffset) }),
        };
      });
      app.get('/cursor', async (request) => {
        const q = request.query as Record<string, string>;
        const after = q.cursor === undefined ? -1 : decodeCursor<{ after: number }>(q.cursor)?.after;
        if (after === undefined) throw new VendorError('bad cursor');
        const items = ITEMS.filter((i) => i > after).slice(0, 10);
        const more = items.length === 10 && items[9] < ITEMS[ITEMS.length - 1];
        return { items, cursor: more ? encodeCursor({ after: items[9] }) : null };
      });
      app.get('/pages', async (request) =>
        pageSlice(ITEMS, Number((request.query as { page?: string }).page ?? 1), 10),
      );
    },
  });
});
afterAll(() => emulator.close());

const get = async (path: string) => {
  const res = await fetch(`${emulator.url}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('paging helpers', () => {
  it('walks offset pages through absolute next URLs that keep the other parameters', async () => {
    const seen: unknown[] = [];
    let next: string | null = `${emulator.url}/offset?limit=10&filter=x`;
    while (next) {
      const page = (await (await fetch(next)).json()) as { items: unknown[]; next: string | null };
      seen.push(...page.items);
      if (page.next) expect(new URL(page.next).searchParams.get('filter')).toBe('x');
      next = page.next;
    }
    expect(seen).toEqual(ITEMS);
  });

  it('errors the vendor’s way on bad page sizes, or clamps', async () => {
    expect((await get('/offset?limit=21')).body).toEqual({ vendorError: 'limit too-large' });
    expect((await get('/offset?limit=0')).body).toEqual({ vendorError: 'limit too-small' });
    expect((await get('/offset?limit=ten')).body).toEqual({ vendorError: 'limit not-an-integer' });
    expect(readPageSize('500', { default: 10, max: 100, overMax: 'clamp' }, () => new Error())).toBe(100);
  });

  it('pages by opaque cursor and rejects cursors that are not ours', async () => {
    const first = await get('/cursor');
    const second = await get(`/cursor?cursor=${first.body.cursor}`);
    const third = await get(`/cursor?cursor=${second.body.cursor}`);
    expect([
      ...(first.body.items as number[]),
      ...(second.body.items as number[]),
      ...(third.body.items as number[]),
    ]).toEqual(ITEMS);
    expect(third.body.cursor).toBeNull();
    expect((await get('/cursor?cursor=%%%')).status).toBe(400);
  });

  it('numbers pages from 1', async () => {
    expect((await get('/pages?page=3')).body).toEqual({
      items: [20, 21, 22],
      page: 3,
      perPage: 10,
      total: 23,
      totalPages: 3,
      hasMore: false,
    });
    expect((await get('/pages?page=1')).body).toMatchObject({ hasMore: true });
  });
});
