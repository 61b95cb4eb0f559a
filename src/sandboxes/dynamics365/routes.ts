/**
 * The Dataverse Web API routes for users: `GET /api/data/v9.x/systemusers` with `$select`, `$filter`,
 * `$orderby` and `$top`, paged by `Prefer: odata.maxpagesize=N` (at most 5,000, the default) and
 * `@odata.nextLink` carrying a `$skiptoken` paging cookie; `GET …/systemusers(<guid>)`; and `GET …/WhoAmI`
 * (the current user). `$skip` is refused, as Dataverse does
 * (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/page-results).
 * Errors are `{ error: { code, message } }`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { matches, ODataError, parseFilter, parseOrderBy, parseSelect, sortRows } from './odata.ts';
import { COLUMNS, type SystemUser, type SystemUserStore } from './users.ts';

export const MAX_PAGE = 5000;
const VERSIONS = new Set(['v9.0', 'v9.1', 'v9.2']);
const QUERY_SYNTAX = '0x80060888';

class WebApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

type Query = Record<string, string | undefined>;

/** A row as the Web API returns it: its ETag, the selected columns and always the primary key. */
export function shape(row: SystemUser, select: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.etag': `W/"${row['versionnumber']}"` };
  for (const column of select) out[column] = row[column] ?? null;
  out['systemuserid'] = row['systemuserid'];
  return out;
}

function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function pageSize(request: FastifyRequest): number {
  const prefer = request.headers.prefer;
  const match = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(
    Array.isArray(prefer) ? prefer.join(',') : (prefer ?? ''),
  );
  return match ? Math.max(1, Math.min(MAX_PAGE, Number(match[1]))) : MAX_PAGE;
}

/** Dataverse's paging cookie: the page number and the last row's key. */
function skipToken(page: number, last: string, first: string): string {
  const inner = `<cookie page="${page - 1}"><systemuserid last="{${last.toUpperCase()}}" first="{${first.toUpperCase()}}" /></cookie>`;
  return `<cookie pagenumber="${page}" pagingcookie="${encodeURIComponent(encodeURIComponent(inner))}" istracking="False" />`;
}

function readSkipToken(token: string): { page: number; last: string } {
  const page = /pagenumber="(\d+)"/.exec(token)?.[1];
  const cookie = /pagingcookie="([^"]*)"/.exec(token)?.[1];
  const last = cookie
    ? /last="\{([0-9A-F-]{36})\}"/i.exec(decodeURIComponent(decodeURIComponent(cookie)))?.[1]
    : undefined;
  if (!page || !last) throw new WebApiError(400, QUERY_SYNTAX, 'The $skiptoken is not valid.');
  return { page: Number(page), last: last.toLowerCase() };
}

function checkVersion(version: string): void {
  if (!VERSIONS.has(version))
    throw new WebApiError(404, '0x8006088a', `Resource not found for the segment '${version}'.`);
}

export function registerWebApiRoutes(
  app: FastifyInstance,
  store: SystemUserStore,
  who: (request: FastifyRequest) => { userId: string; organizationId: string },
  /** Sees each list request's query options (tests check what a client pushed down). */
  log: (options: Record<string, string | undefined>) => void,
): void {
  app.get('/api/data/:version/systemusers', async (request, reply) => {
    const { version } = request.params as { version: string };
    checkVersion(version);
    const q = request.query as Query;
    log({ ...q });
    if (q.$skip !== undefined)
      throw new WebApiError(400, QUERY_SYNTAX, 'The query parameter $skip is not supported');
    const select = parseSelect(q.$select, COLUMNS);
    const filter = q.$filter === undefined ? undefined : parseFilter(q.$filter, COLUMNS);
    const order = parseOrderBy(q.$orderby, COLUMNS);
    let rows = store.all().filter((row) => !filter || matches(row, filter, COLUMNS));
    rows = sortRows(rows, order, COLUMNS);
    const context = `${origin(request)}/api/data/${version}/$metadata#systemusers(${select.join(',')})`;
    if (q.$top !== undefined) {
      const top = Number(q.$top);
      if (!Number.isInteger(top) || top < 0)
        throw new WebApiError(400, QUERY_SYNTAX, `Invalid value for $top: '${q.$top}'.`);
      // With $top there is no paging: at most that many rows, no nextLink.
      return {
        '@odata.context': context,
        value: rows.slice(0, Math.min(top, MAX_PAGE)).map((r) => shape(r, select)),
      };
    }
    const size = pageSize(request);
    let start = 0;
    let page = 1;
    if (q.$skiptoken !== undefined) {
      const token = readSkipToken(q.$skiptoken);
      page = token.page;
      const at = rows.findIndex((row) => row['systemuserid'] === token.last);
      start = at >= 0 ? at + 1 : (page - 1) * size;
    }
    const slice = rows.slice(start, start + size);
    if (request.headers.prefer) reply.header('preference-applied', `odata.maxpagesize=${size}`);
    const body: Record<string, unknown> = {
      '@odata.context': context,
      value: slice.map((r) => shape(r, select)),
    };
    if (start + size < rows.length && slice.length > 0) {
      const next = new URL(`${origin(request)}${request.url}`);
      next.searchParams.set(
        '$skiptoken',
        skipToken(page + 1, String(slice.at(-1)!['systemuserid']), String(slice[0]!['systemuserid'])),
      );
      body['@odata.nextLink'] = next.toString();
    }
    return body;
  });

  const whoAmI = (request: FastifyRequest, version: string) => {
    const { userId, organizationId } = who(request);
    return {
      '@odata.context': `${origin(request)}/api/data/${version}/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
      BusinessUnitId: store.businessUnitId,
      UserId: userId,
      OrganizationId: organizationId,
    };
  };

  // `systemusers(<guid>)` and `WhoAmI` are one path segment each.
  app.get('/api/data/:version/:segment', async (request) => {
    const { version, segment } = request.params as { version: string; segment: string };
    checkVersion(version);
    if (segment === 'WhoAmI' || segment === 'WhoAmI()') return whoAmI(request, version);
    const key = /^systemusers\((.*)\)$/.exec(segment)?.[1];
    if (key === undefined)
      throw new WebApiError(404, '0x8006088a', `Resource not found for the segment '${segment}'.`);
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(key))
      throw new WebApiError(400, QUERY_SYNTAX, 'Bad Request - Error in query syntax.');
    const row = store.get(key);
    if (!row)
      throw new WebApiError(
        404,
        '0x80040217',
        `Entity 'systemuser' With Id = ${key.toLowerCase()} Does Not Exist`,
      );
    const select = parseSelect((request.query as Query).$select, COLUMNS);
    return {
      '@odata.context': `${origin(request)}/api/data/${version}/$metadata#systemusers(${select.join(',')})/$entity`,
      ...shape(row, select),
    };
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      error: {
        code: '0x8006088a',
        message: `Resource not found for the segment '${request.url.split('?')[0]}'.`,
      },
    });
  });
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    if (error instanceof WebApiError)
      return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
    if (error instanceof ODataError)
      return reply.code(400).send({ error: { code: QUERY_SYNTAX, message: error.message } });
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    return reply.code(status).send({ error: { code: '0x80040216', message: error.message } });
  });
}
