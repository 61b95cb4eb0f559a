import { describe, expect, it } from 'vitest';
import type { UpstreamCall, UpstreamResponse } from '../../../upstream/types.ts';
import { cursor, graphqlPage, linkHeader, nextUrl, none, odata, offset, pageNumber } from './index.ts';
import { linkTarget } from './link-header.ts';

const base: UpstreamCall = { method: 'GET', path: '/users', query: { active: true } };
const response = (body: unknown, headers: Record<string, string> = {}): UpstreamResponse => ({
  status: 200,
  headers,
  body,
});
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i }));

describe('paginators', () => {
  it('none: one call, no next page', () => {
    const p = none();
    expect(p.page(base, undefined, 10)).toBe(base);
    expect(
      p.next({ response: response([]), records: rows(3), state: undefined, pageSize: 10 }),
    ).toBeUndefined();
  });

  it('offset: skip/limit in the query, by records returned, stopping on has_more, total or a short page', () => {
    const p = offset({ offset: '_skip', limit: '_limit', hasMore: 'has_more' });
    expect(p.page(base, undefined, 100).query).toEqual({ active: true, _skip: 0, _limit: 100 });
    expect(p.page(base, 200, 100).query).toMatchObject({ _skip: 200 });
    expect(
      p.next({ response: response({ has_more: true }), records: rows(90), state: 200, pageSize: 100 }),
    ).toBe(290);
    expect(
      p.next({ response: response({ has_more: false }), records: rows(100), state: 0, pageSize: 100 }),
    ).toBeUndefined();
    const byTotal = offset({ offset: 'skip', limit: 'top', total: 'count' });
    expect(
      byTotal.next({ response: response({ count: 250 }), records: rows(100), state: 100, pageSize: 100 }),
    ).toBe(200);
    expect(
      byTotal.next({ response: response({ count: 200 }), records: rows(100), state: 100, pageSize: 100 }),
    ).toBeUndefined();
    const plain = offset({ offset: 'offset', limit: 'limit' });
    expect(plain.next({ response: response([]), records: rows(100), state: 0, pageSize: 100 })).toBe(100);
    expect(
      plain.next({ response: response([]), records: rows(99), state: 0, pageSize: 100 }),
    ).toBeUndefined();
    expect(plain.next({ response: response([]), records: [], state: 0, pageSize: 100 })).toBeUndefined();
  });

  it('pageNumber: in the query or in the body, stopping on more_records, totals or a short page', () => {
    const zoho = pageNumber({ page: 'page', size: 'per_page', more: 'info.more_records' });
    expect(zoho.page(base, undefined, 200).query).toMatchObject({ page: 1, per_page: 200 });
    expect(
      zoho.next({
        response: response({ info: { more_records: true } }),
        records: rows(200),
        state: 3,
        pageSize: 200,
      }),
    ).toBe(4);
    expect(
      zoho.next({
        response: response({ info: { more_records: false } }),
        records: rows(200),
        state: 3,
        pageSize: 200,
      }),
    ).toBeUndefined();
    const lsq = pageNumber({
      page: 'Paging.PageIndex',
      size: 'Paging.PageSize',
      in: 'body',
      total: 'RecordCount',
    });
    const call = lsq.page(
      { method: 'POST', path: '/search', body: { Paging: { PageIndex: 9 }, Keep: 1 } },
      2,
      50,
    );
    expect(call.body).toEqual({ Paging: { PageIndex: 2, PageSize: 50 }, Keep: 1 });
    expect(
      lsq.next({ response: response({ RecordCount: 120 }), records: rows(50), state: 2, pageSize: 50 }),
    ).toBe(3);
    expect(
      lsq.next({ response: response({ RecordCount: 100 }), records: rows(50), state: 2, pageSize: 50 }),
    ).toBeUndefined();
    const zeroBased = pageNumber({
      page: 'page[page]',
      size: 'page[limit]',
      start: 0,
      totalPages: 'meta.pages',
    });
    expect(zeroBased.page(base, undefined, 10).query).toMatchObject({ 'page[page]': 0 });
    expect(
      zeroBased.next({
        response: response({ meta: { pages: 2 } }),
        records: rows(10),
        state: 0,
        pageSize: 10,
      }),
    ).toBe(1);
    expect(
      zeroBased.next({
        response: response({ meta: { pages: 2 } }),
        records: rows(10),
        state: 1,
        pageSize: 10,
      }),
    ).toBeUndefined();
  });

  it('cursor: from the body back into the query', () => {
    const p = cursor({ from: 'paging.next.after', param: 'after', size: 'limit' });
    expect(p.page(base, undefined, 500).query).toEqual({ active: true, limit: 500 });
    expect(p.page(base, 'MTAw', 500).query).toMatchObject({ after: 'MTAw' });
    expect(
      p.next({
        response: response({ paging: { next: { after: 'MjAw' } } }),
        records: rows(1),
        state: undefined,
        pageSize: 500,
      }),
    ).toBe('MjAw');
    expect(
      p.next({ response: response({ results: [] }), records: [], state: 'x', pageSize: 500 }),
    ).toBeUndefined();
  });

  it('cursor with hasMore: a cursor on the last page is not followed', () => {
    const p = cursor({
      from: 'page_info.end_cursor',
      param: 'after',
      size: 'first',
      hasMore: 'page_info.has_next_page',
    });
    const page = (more: unknown) => response({ page_info: { end_cursor: 'WyJ4Il0=', has_next_page: more } });
    expect(p.page(base, undefined, 100).query).toEqual({ active: true, first: 100 });
    expect(p.next({ response: page(true), records: rows(100), state: undefined, pageSize: 100 })).toBe(
      'WyJ4Il0=',
    );
    for (const more of [false, undefined, 'true'])
      expect(p.next({ response: page(more), records: rows(3), state: 'x', pageSize: 100 })).toBeUndefined();
  });

  it('nextUrl and odata: follow the vendor link (the origin guard checks it when it is sent)', () => {
    const sf = nextUrl({ from: 'nextRecordsUrl' });
    const next = sf.next({
      response: response({ done: false, nextRecordsUrl: '/services/data/v59.0/query/01g-2000' }),
      records: rows(2),
      state: undefined,
      pageSize: undefined,
    });
    expect(next).toBe('/services/data/v59.0/query/01g-2000');
    expect(sf.page(base, next, undefined)).toEqual({ method: 'GET', path: '/users', absoluteUrl: next });
    const d = odata();
    expect(d.page(base, undefined, 250).headers).toEqual({ prefer: 'odata.maxpagesize=250' });
    expect(
      d.next({
        response: response({
          '@odata.nextLink': 'https://org.crm.dynamics.com/api/data/v9.2/systemusers?$skiptoken=x',
        }),
        records: rows(1),
        state: undefined,
        pageSize: 250,
      }),
    ).toContain('$skiptoken');
  });

  it('linkHeader: reads rel="next" among several links', () => {
    expect(linkTarget('<https://a/x?page=1>; rel="prev", <https://a/x?page=3>; rel="next"', 'next')).toBe(
      'https://a/x?page=3',
    );
    expect(linkTarget('<https://a/x?page=3>; rel=next', 'next')).toBe('https://a/x?page=3');
    expect(linkTarget('<https://a/x?page=3>; rel="last"', 'next')).toBeUndefined();
    const p = linkHeader({ size: 'perPage' });
    expect(p.page(base, undefined, 100).query).toMatchObject({ perPage: 100 });
    expect(
      p.next({
        response: response({}, { link: '<https://api.capsulecrm.com/api/v2/users?page=2>; rel="next"' }),
        records: rows(1),
        state: undefined,
        pageSize: 100,
      }),
    ).toBe('https://api.capsulecrm.com/api/v2/users?page=2');
  });

  it('graphqlPage: pages through the query variables', () => {
    const p = graphqlPage({ page: 'page', limit: 'limit' });
    const call = p.page(
      { method: 'POST', path: '/v2', body: { query: 'q', variables: { kind: 'all' } } },
      3,
      50,
    );
    expect(call.body).toEqual({ query: 'q', variables: { kind: 'all', page: 3, limit: 50 } });
    expect(p.next({ response: response({}), records: rows(50), state: 3, pageSize: 50 })).toBe(4);
    expect(p.next({ response: response({}), records: rows(49), state: 3, pageSize: 50 })).toBeUndefined();
  });
});
