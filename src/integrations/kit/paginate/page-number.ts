import { type JsonPath, valueAt } from '../select.ts';
import { type Paginator, type ParamPlace, withParam } from './types.ts';

export interface PageNumberOptions {
  /** The page parameter (`page`, `Paging.PageIndex` in the body, `page[number]`). */
  page: string;
  /** The page-size parameter. */
  size?: string;
  in?: ParamPlace;
  /** The first page's number (default 1). */
  start?: number;
  /** A boolean in the body saying whether more follow (Zoho `info.more_records`). */
  more?: JsonPath;
  /** The total number of records. */
  total?: JsonPath;
  /** The total number of pages. */
  totalPages?: JsonPath;
}

/** Page-number paging; stops at an empty page, on `more` not true, past the totals, or at a short page. */
export function pageNumber(options: PageNumberOptions): Paginator<number> {
  const place = options.in ?? 'query';
  const start = options.start ?? 1;
  return {
    describe: `page-number paging (${options.page}${options.size ? ` / ${options.size}` : ''}, from ${start})`,
    page(call, state, pageSize) {
      const withPage = withParam(call, place, options.page, state ?? start);
      return options.size ? withParam(withPage, place, options.size, pageSize) : withPage;
    },
    next({ response, records, state, pageSize }) {
      if (records.length === 0) return undefined;
      const current = state ?? start;
      if (options.more) return valueAt(response.body, options.more) === true ? current + 1 : undefined;
      if (options.totalPages) {
        const pages = Number(valueAt(response.body, options.totalPages));
        if (Number.isFinite(pages)) return current - start + 1 < pages ? current + 1 : undefined;
      }
      if (options.total && pageSize !== undefined) {
        const total = Number(valueAt(response.body, options.total));
        if (Number.isFinite(total)) return (current - start + 1) * pageSize < total ? current + 1 : undefined;
      }
      return pageSize !== undefined && records.length < pageSize ? undefined : current + 1;
    },
  };
}
