import { type JsonPath, valueAt } from '../select.ts';
import { nonEmpty, type Paginator, type ParamPlace, withParam } from './types.ts';

export interface CursorOptions {
  /** Where the answer holds the next cursor (`paging.next.after`, `next_page_token`, `meta.next_cursor`). */
  from: JsonPath;
  /** The parameter that sends it back (`after`, `page_token`, `variables.cursor`). */
  param: string;
  /** The page-size parameter. */
  size?: string;
  in?: ParamPlace;
  /**
   * A boolean in the body saying whether more follow (Pipeliner's `page_info.has_next_page`), for vendors
   * that send a cursor on the last page too: only `true` continues.
   */
  hasMore?: JsonPath;
}

/** A cursor the vendor returns in the body; stops when there is none (or `hasMore` is not true). */
export function cursor(options: CursorOptions): Paginator<string> {
  const place = options.in ?? 'query';
  return {
    describe: `cursor paging (${options.from} → ${options.param})`,
    page(call, state, pageSize) {
      const sized = options.size ? withParam(call, place, options.size, pageSize) : call;
      return withParam(sized, place, options.param, state);
    },
    next({ response }) {
      if (options.hasMore !== undefined && valueAt(response.body, options.hasMore) !== true) return undefined;
      return nonEmpty(valueAt(response.body, options.from));
    },
  };
}
