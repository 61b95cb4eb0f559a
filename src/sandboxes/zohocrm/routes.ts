/**
 * Zoho CRM's Users API routes (https://www.zoho.com/crm/developer/docs/api/v8/get-users.html): `GET
 * /crm/{version}/users` with `type` (default `AllUsers`), `page` (from 1), `per_page` (at most 200), `ids`
 * and the `If-Modified-Since` header (users modified after it), answering `{ users, info: { per_page,
 * count, page, more_records } }`, or **204 with no body** when nothing matches; `GET
 * /crm/{version}/users/{id}` answering `{ users: [user] }`. Errors are `{ code, details, message, status:
 * "error" }`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { readPageSize } from '../kit/paging.ts';
import type { ZohoUser, ZohoUserStore } from './users.ts';

export const MAX_PER_PAGE = 200;
const VERSIONS = new Set(['v2', 'v2.1', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8']);

export class ZohoApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const zohoError = (code: string, message: string, details: Record<string, unknown> = {}) => ({
  code,
  details,
  message,
  status: 'error',
});

const invalid = (param: string, message = 'invalid data') =>
  new ZohoApiError(400, 'INVALID_DATA', message, { api_name: param });

/** What each `type` selects; `DeletedUsers` is the only one that shows deleted users. */
const TYPES: Record<string, (u: ZohoUser, current: string) => boolean> = {
  AllUsers: (u) => u.status !== 'deleted',
  ActiveUsers: (u) => u.status === 'active',
  DeactiveUsers: (u) => u.status === 'disabled',
  ConfirmedUsers: (u) => u.status !== 'deleted' && u.confirm,
  NotConfirmedUsers: (u) => u.status !== 'deleted' && !u.confirm,
  DeletedUsers: (u) => u.status === 'deleted',
  ActiveConfirmedUsers: (u) => u.status === 'active' && u.confirm,
  AdminUsers: (u) => u.status !== 'deleted' && u.profile.name === 'Administrator',
  ActiveConfirmedAdmins: (u) => u.status === 'active' && u.confirm && u.profile.name === 'Administrator',
  CurrentUser: (u, current) => u.id === current,
};

/** `2019-07-25T15:26:49+05:30` (the docs' form; `Z` is taken too). */
function modifiedSince(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)$/.test(value))
    throw new ZohoApiError(400, 'INVALID_DATA', 'invalid data', { header_name: 'If-Modified-Since' });
  return Date.parse(value);
}

function checkVersion(version: string): void {
  if (!VERSIONS.has(version))
    throw new ZohoApiError(
      404,
      'INVALID_URL_PATTERN',
      'Please check if the URL trying to access is a correct one',
    );
}

export function registerUserRoutes(
  app: FastifyInstance,
  store: ZohoUserStore,
  currentUser: (request: FastifyRequest) => string,
  /** Sees each list request's parameters and `If-Modified-Since` (tests check what a client pushed down). */
  log: (request: { query: Record<string, string>; ifModifiedSince?: string }) => void,
): void {
  app.get('/crm/:version/users', async (request, reply) => {
    checkVersion((request.params as { version: string }).version);
    const q = request.query as Record<string, string>;
    const header = request.headers['if-modified-since'];
    log({ query: { ...q }, ...(typeof header === 'string' ? { ifModifiedSince: header } : {}) });
    const type = q['type'] ?? 'AllUsers';
    const select = TYPES[type];
    if (!select) throw invalid('type');
    const perPage = readPageSize(q['per_page'], { default: MAX_PER_PAGE, max: MAX_PER_PAGE }, () =>
      invalid('per_page'),
    );
    const page = readPageSize(q['page'], { default: 1, max: Number.MAX_SAFE_INTEGER }, () => invalid('page'));
    const since = modifiedSince(header);
    const ids = q['ids'] ? new Set(q['ids'].split(',')) : undefined;
    const current = currentUser(request);
    const matched = store
      .all()
      .filter((u) => select(u, current))
      .filter((u) => !ids || ids.has(u.id))
      .filter((u) => since === undefined || Date.parse(u.Modified_Time) > since);
    const users = matched.slice((page - 1) * perPage, page * perPage);
    if (users.length === 0) return reply.code(204).send();
    return {
      users,
      info: { per_page: perPage, count: users.length, page, more_records: page * perPage < matched.length },
    };
  });

  app.get('/crm/:version/users/:id', async (request) => {
    const { version, id } = request.params as { version: string; id: string };
    checkVersion(version);
    const user = /^\d+$/.test(id) ? store.get(id) : undefined;
    if (!user)
      throw new ZohoApiError(400, 'INVALID_DATA', 'the id given seems to be invalid', {
        resource_path_index: 1,
      });
    return { users: [user] };
  });

  app.setNotFoundHandler((_request, reply) => {
    reply
      .code(404)
      .send(zohoError('INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one'));
  });
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    if (error instanceof ZohoApiError)
      return reply.code(error.status).send(zohoError(error.code, error.message, error.details));
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    return reply
      .code(status)
      .send(zohoError(status >= 500 ? 'INTERNAL_ERROR' : 'INVALID_REQUEST', error.message));
  });
}
