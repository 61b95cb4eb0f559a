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
}

/** A cursor the vendor returns in the body; stops when there is none. */
export function cursor(options: CursorOptions): Paginator<string> {
  const place = options.in ?? 'query';
  return {
    describe: `cursor paging (${options.from} → ${options.param})`,
    page(call, state, pageSize) {
      const sized = options.size ? withParam(call, place, options.size, pageSize) : call;
      return withParam(sized, place, options.param, state);
    },
    next: ({ response }) => nonEmpty(valueAt(response.body, options.from)),
  };
}
