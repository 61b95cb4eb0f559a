/**
 * Outreach's users routes: `GET /api/v2/users` (JSON:API filters, sort, `page[size]` and `page[after]`
 * cursors, `count`) and `GET /api/v2/users/{id}`, with Outreach's JSON:API error documents.
 */
import type { FastifyInstance } from 'fastify';
import { decodeCursor, encodeCursor, nextPageUrl, queryValue, readPageSize } from '../kit/paging.ts';
import {
  FILTERABLE,
  type Filter,
  type Filterable,
  type OutreachUser,
  queryUsers,
  type SortKey,
  type StoredUser,
} from './users.ts';

export const JSON_API = 'application/vnd.api+json; charset=utf-8';

/** Outreach's JSON:API error document. */
export function outreachErrors(id: string, title: string, detail: string, source?: Record<string, string>) {
  return { errors: [{ id, title, detail, ...(source ? { source } : {}) }] };
}

class BadRequest extends Error {
  readonly id: string;
  readonly parameter: string;
  constructor(id: string, parameter: string, detail: string) {
    super(detail);
    this.id = id;
    this.parameter = parameter;
  }
}

type Query = Record<string, unknown>;

function readBound(text: string, parameter: string, open: number): number {
  if (text === (open < 0 ? 'neginf' : 'inf')) return open < 0 ? -Infinity : Infinity;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new BadRequest('filterInvalid', parameter, `"${text}" is not a date-time`);
  return ms;
}

function readFilters(q: Query): Filter[] {
  const filters: Filter[] = [];
  for (const [key, raw] of Object.entries(q)) {
    const name = /^filter\[([A-Za-z]+)\]$/.exec(key)?.[1];
    if (!key.startsWith('filter')) continue;
    const value = queryValue(raw) ?? '';
    if (name !== 'id' && !(name && name in FILTERABLE))
      throw new BadRequest('filterInvalid', key, `${key} is not a filterable attribute of user`);
    const attribute = name as Filterable | 'id';
    if (attribute !== 'id' && FILTERABLE[attribute] === 'datetime' && value.includes('..')) {
      const [from, to] = value.split('..');
      filters.push({ attribute, range: { from: readBound(from!, key, -1), to: readBound(to!, key, 1) } });
    } else filters.push({ attribute, values: value.split(',') });
  }
  return filters;
}

function readSort(q: Query): SortKey[] {
  const raw = queryValue(q.sort);
  if (!raw) return [];
  return raw.split(',').map((part) => {
    const descending = part.startsWith('-');
    const attribute = descending ? part.slice(1) : part;
    if (attribute !== 'id' && !(attribute in FILTERABLE))
      throw new BadRequest('sortInvalid', 'sort', `"${attribute}" is not a sortable attribute of user`);
    return { attribute: attribute as Filterable | 'id', descending };
  });
}

const SIZE_PROBLEMS = {
  'not-an-integer': 'must be an integer',
  'too-large': 'must be less than or equal to 1000',
  'too-small': 'must be greater than or equal to 1',
} as const;

export function registerRoutes(
  app: FastifyInstance,
  users: () => StoredUser[],
  present: (u: StoredUser, origin: string) => OutreachUser,
) {
  const originOf = (request: { protocol: string; host: string }) => `${request.protocol}://${request.host}`;
  const needsScope = (request: { principal: { scopes?: string[] } | null }) =>
    !request.principal?.scopes?.includes('users.read') && !request.principal?.scopes?.includes('users.all');

  app.get('/api/v2/users', async (request, reply) => {
    reply.type(JSON_API);
    if (needsScope(request))
      return reply
        .code(403)
        .send(outreachErrors('forbidden', 'Forbidden', 'The OAuth token lacks the users.read scope.'));
    const q = request.query as Query;
    const size = readPageSize(
      queryValue(q['page[size]']),
      { default: 50, max: 1000 },
      (p) => new BadRequest('pageSizeInvalid', 'page[size]', `page[size] ${SIZE_PROBLEMS[p.kind]}`),
    );
    const after = queryValue(q['page[after]']);
    const offset = after === undefined ? 0 : decodeCursor<{ o: number }>(after)?.o;
    if (typeof offset !== 'number' || offset < 0)
      throw new BadRequest('pageAfterInvalid', 'page[after]', 'page[after] is not a valid cursor');
    const matched = queryUsers(users(), readFilters(q), readSort(q));
    const page = matched.slice(offset, offset + size);
    const origin = originOf(request);
    const more = offset + size < matched.length;
    return {
      data: page.map((u) => present(u, origin)),
      links: {
        first: nextPageUrl(request, { 'page[after]': undefined }),
        ...(more
          ? { next: nextPageUrl(request, { 'page[after]': encodeCursor({ o: offset + size }) }) }
          : {}),
      },
      ...(queryValue(q.count) === 'false' ? {} : { meta: { count: matched.length, count_truncated: false } }),
    };
  });

  app.get('/api/v2/users/:id', async (request, reply) => {
    reply.type(JSON_API);
    if (needsScope(request))
      return reply
        .code(403)
        .send(outreachErrors('forbidden', 'Forbidden', 'The OAuth token lacks the users.read scope.'));
    const { id } = request.params as { id: string };
    const user = /^\d+$/.test(id) ? users().find((u) => u.id === Number(id)) : undefined;
    if (!user)
      return reply
        .code(404)
        .send(
          outreachErrors('resourceNotFound', 'Resource Not Found', `Could not find 'user' with ID '${id}'.`),
        );
    return { data: present(user, originOf(request)) };
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type(JSON_API)
      .send(
        outreachErrors(
          'routeNotFound',
          'Route Not Found',
          `No route matches ${request.method} ${request.url.split('?')[0]}`,
        ),
      ),
  );
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    reply.type(JSON_API);
    if (error instanceof BadRequest)
      return reply
        .code(400)
        .send(outreachErrors(error.id, 'Bad Request', error.message, { parameter: error.parameter }));
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    return reply
      .code(status)
      .send(outreachErrors(status === 500 ? 'internalServerError' : 'badRequest', 'Error', error.message));
  });
}
