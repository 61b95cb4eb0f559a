import type { JsonPath } from '../select.ts';
import { valueAt } from '../select.ts';
import { type Paginator, type ParamPlace, withParam } from './types.ts';

export interface OffsetOptions {
  /** The skip/offset parameter (`_skip`, `offset`, `skip`, `start`). */
  offset: string;
  /** The page-size parameter (`_limit`, `limit`, `top`). */
  limit?: string;
  in?: ParamPlace;
  /** The first offset (default 0). */
  start?: number;
  /** A boolean in the body saying whether more follow (`has_more`). */
  hasMore?: JsonPath;
  /** The total number of records, when the vendor says it. */
  total?: JsonPath;
}

/**
 * Skip/limit paging. The next offset advances by the records actually returned (a vendor may cap the
 * page below the size asked for). It stops at an empty page, when `hasMore` is not true, when `total` is
 * reached, or — with neither — at a page shorter than asked.
 */
export function offset(options: OffsetOptions): Paginator<number> {
  const place = options.in ?? 'query';
  const start = options.start ?? 0;
  return {
    describe: `offset paging (${options.offset}${options.limit ? ` / ${options.limit}` : ''})`,
    page(call, state, pageSize) {
      const withOffset = withParam(call, place, options.offset, state ?? start);
      return options.limit ? withParam(withOffset, place, options.limit, pageSize) : withOffset;
    },
    next({ response, records, state, pageSize }) {
      if (records.length === 0) return undefined;
      const current = state ?? start;
      const following = current + records.length;
      if (options.hasMore) return valueAt(response.body, options.hasMore) === true ? following : undefined;
      if (options.total) {
        const total = Number(valueAt(response.body, options.total));
        if (Number.isFinite(total)) return following - start < total ? following : undefined;
      }
      return pageSize !== undefined && records.length < pageSize ? undefined : following;
    },
  };
}
