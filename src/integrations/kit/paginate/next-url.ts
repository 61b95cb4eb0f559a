import { type JsonPath, valueAt } from '../select.ts';
import { followLink, nonEmpty, type Paginator, type ParamPlace, withParam } from './types.ts';

export interface NextUrlOptions {
  /** Where the answer holds the next page's URL (`nextRecordsUrl`, `links.next`, `@odata.nextLink`). */
  from: JsonPath;
  /** The page-size parameter of the first call (later pages' URLs carry their own). */
  size?: string;
  in?: ParamPlace;
}

/**
 * The vendor links the next page (Salesforce `nextRecordsUrl`, JSON:API `links.next`). The link is
 * followed only if it stays on the account's origin and base path: the origin guard checks it like any
 * other URL.
 */
export function nextUrl(options: NextUrlOptions): Paginator<string> {
  return {
    describe: `next-page links (${options.from})`,
    page(call, state, pageSize) {
      if (state !== undefined) return followLink(call, state);
      return options.size ? withParam(call, options.in ?? 'query', options.size, pageSize) : call;
    },
    next: ({ response }) => nonEmpty(valueAt(response.body, options.from)),
  };
}
