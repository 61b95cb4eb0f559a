import { type Paginator, withParam } from './types.ts';

export interface GraphqlPageOptions {
  /** The page variable (monday: `page`, from 1). */
  page: string;
  /** The page-size variable (monday: `limit`). */
  limit: string;
  start?: number;
}

/** A GraphQL query paged through its variables; stops at a page shorter than asked. */
export function graphqlPage(options: GraphqlPageOptions): Paginator<number> {
  const start = options.start ?? 1;
  return {
    describe: `GraphQL variables paging ($${options.page} / $${options.limit})`,
    page(call, state, pageSize) {
      const paged = withParam(call, 'body', `variables.${options.page}`, state ?? start);
      return withParam(paged, 'body', `variables.${options.limit}`, pageSize);
    },
    next({ records, state, pageSize }) {
      if (records.length === 0 || (pageSize !== undefined && records.length < pageSize)) return undefined;
      return (state ?? start) + 1;
    },
  };
}
