/**
 * User Advanced Search: the paged, filterable user list. 1-based paging, PageSize at most 1000,
 * `Include_CSV` projection, condition groups, a Sorting array. The filtered and sorted id list is
 * cached per query (search/run-search.ts), so each page costs a slice plus serialization.
 */
import type { FastifyInstance } from 'fastify';
import { endpoint } from '../http/endpoint.ts';
import { readPaging } from '../http/parse.ts';
import { accountOf } from '../http/request-context.ts';
import { bodyObject, sendJson } from '../http/respond.ts';
import { searchUsers } from '../search/run-search.ts';
import { parseProjection, searchUserJson } from '../views/user-views.ts';

export const ADVANCED_SEARCH_PAGE_CAP = 1000;
/** Page size when a request sends no Paging (UNCONFIRMED: integrators who omit it still get users). */
export const ADVANCED_SEARCH_DEFAULT_PAGE_SIZE = 100;

export function registerUserSearchRoutes(app: FastifyInstance): void {
  endpoint(app, ['POST'], '/v2/UserManagement.svc/User/AdvancedSearch', (request, reply) => {
    const t = accountOf(request).tenant;
    const body = bodyObject(request);
    const paging = readPaging(body.Paging, ADVANCED_SEARCH_DEFAULT_PAGE_SIZE, ADVANCED_SEARCH_PAGE_CAP);
    const columns = body.Columns as Record<string, unknown> | undefined;
    const projection = parseProjection(t, columns?.Include_CSV);
    const ids = searchUsers(t, {
      groupConditions: body.GroupConditions,
      groupOperator: body.GroupOperator,
      sorting: body.Sorting,
    });
    const start = (paging.index - 1) * paging.size;
    const end = Math.min(start + paging.size, ids.length);
    // The list key is left out entirely when the page is empty.
    if (start >= end) return sendJson(request, reply, 200, `{"RecordCount":${ids.length}}`);
    let out = `{"RecordCount":${ids.length},"Users":[`;
    for (let k = start; k < end; k++) out += (k > start ? ',' : '') + searchUserJson(t, ids[k], projection);
    return sendJson(request, reply, 200, `${out}]}`);
  });
}
