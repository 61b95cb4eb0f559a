import { followLink, nonEmpty, type Paginator } from './types.ts';

/**
 * OData v4 server-driven paging (Dynamics 365 / Dataverse): the page size is asked for with
 * `Prefer: odata.maxpagesize=N` and the next page is `@odata.nextLink`.
 */
export function odata(): Paginator<string> {
  return {
    describe: 'OData paging (Prefer: odata.maxpagesize, @odata.nextLink)',
    page(call, state, pageSize) {
      const sized = pageSize
        ? { ...call, headers: { ...call.headers, prefer: `odata.maxpagesize=${pageSize}` } }
        : call;
      return state === undefined ? sized : followLink(sized, state);
    },
    // The key itself holds a dot, so it is read directly rather than as a path.
    next: ({ response }) => nonEmpty((response.body as Record<string, unknown> | null)?.['@odata.nextLink']),
  };
}
