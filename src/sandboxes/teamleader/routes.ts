/**
 * Teamleader's users methods, RPC-style with a JSON body: `POST /users.list` (filter `ids`/`term`/`status`,
 * `sort` by first_name/last_name/email/function, `page` size and number), `POST /users.info` and
 * `POST /users.me`, each answering `{ data }`. The `users` scope is required. Bodies Teamleader would
 * refuse get its `{ errors: [...] }` 400. https://developer.focus.teamleader.eu/docs/api/users-list
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { apiError, invalidError, missingScopeError, notFoundError } from './errors.ts';
import { SORT_FIELDS, type SortField, type UserQuery, type UserStore } from './users.ts';

export const DEFAULT_PAGE_SIZE = 20;
/** Not documented: the largest size SDKs use (a guess; larger sizes are refused like other bad input). */
export const MAX_PAGE_SIZE = 100;
const STATUSES = ['active', 'deactivated'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class InvalidBody extends Error {
  readonly field: string;
  constructor(field: string, problem: string) {
    super(problem);
    this.field = field;
  }
}

type Body = Record<string, unknown>;

function objectAt(body: Body, key: string): Body | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidBody(key, 'must be an object');
  return value as Body;
}

function stringList(value: unknown, field: string, test: (v: string) => boolean, problem: string): string[] {
  if (!Array.isArray(value)) throw new InvalidBody(field, 'must be an array');
  return value.map((v, i) => {
    if (typeof v !== 'string' || !test(v)) throw new InvalidBody(`${field}.${i}`, problem);
    return v;
  });
}

function positiveInteger(value: unknown, field: string, fallback: number, max?: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new InvalidBody(field, 'must be a positive integer');
  if (max !== undefined && value > max) throw new InvalidBody(field, `must be at most ${max}`);
  return value;
}

export function parseListBody(raw: unknown): UserQuery {
  const body = (raw ?? {}) as Body;
  if (typeof body !== 'object' || Array.isArray(body)) throw new InvalidBody('body', 'must be an object');
  const filter = objectAt(body, 'filter') ?? {};
  const page = objectAt(body, 'page') ?? {};
  const query: UserQuery = {
    // Without a status filter Teamleader lists active users only (API additions, April 2019).
    status: ['active'],
    sort: [],
    size: positiveInteger(page.size, 'page.size', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
    number: positiveInteger(page.number, 'page.number', 1),
  };
  if (filter.ids !== undefined)
    query.ids = stringList(filter.ids, 'filter.ids', (v) => UUID.test(v), 'must be a valid UUID');
  if (filter.term !== undefined) {
    if (typeof filter.term !== 'string') throw new InvalidBody('filter.term', 'must be a string');
    query.term = filter.term;
  }
  if (filter.status !== undefined)
    query.status = stringList(
      filter.status,
      'filter.status',
      (v) => (STATUSES as readonly string[]).includes(v),
      `must be one of: ${STATUSES.join(', ')}`,
    ) as UserQuery['status'];
  if (body.sort !== undefined) {
    if (!Array.isArray(body.sort)) throw new InvalidBody('sort', 'must be an array');
    query.sort = body.sort.map((entry: unknown, i) => {
      const item = (entry ?? {}) as Body;
      if (!(SORT_FIELDS as readonly unknown[]).includes(item.field))
        throw new InvalidBody(`sort.${i}.field`, `must be one of: ${SORT_FIELDS.join(', ')}`);
      if (item.order !== undefined && item.order !== 'asc' && item.order !== 'desc')
        throw new InvalidBody(`sort.${i}.order`, 'must be one of: asc, desc');
      return { field: item.field as SortField, order: (item.order as 'asc' | 'desc' | undefined) ?? 'asc' };
    });
  }
  return query;
}

function requireScope(request: FastifyRequest, scope: string): void {
  const scopes = request.principal?.scopes;
  if (scopes && !scopes.includes(scope)) throw Object.assign(new Error(scope), { missingScope: scope });
}

/** The bodies of recent `users.list` calls, oldest first, so tests can see what a client pushed down. */
export class RequestLog {
  #bodies: unknown[] = [];
  record(body: unknown): void {
    this.#bodies.push(structuredClone(body ?? {}));
    if (this.#bodies.length > 200) this.#bodies.shift();
  }
  bodies(): unknown[] {
    return structuredClone(this.#bodies);
  }
  clear(): void {
    this.#bodies = [];
  }
}

export function registerUserRoutes(app: FastifyInstance, store: UserStore, log: RequestLog): void {
  app.post('/users.list', async (request) => {
    log.record(request.body);
    requireScope(request, 'users');
    return { data: store.page(parseListBody(request.body)) };
  });

  app.post('/users.info', async (request, reply) => {
    requireScope(request, 'users');
    const id = ((request.body ?? {}) as Body).id;
    if (typeof id !== 'string' || id === '') throw new InvalidBody('id', 'is required');
    if (!UUID.test(id)) throw new InvalidBody('id', 'must be a valid UUID');
    const user = store.info(id);
    return user ? { data: user } : reply.code(404).send(notFoundError('User'));
  });

  app.post('/users.me', async (request) => {
    requireScope(request, 'users');
    return { data: store.me() };
  });

  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).send(apiError(404, 'Not Found'));
  });
  app.setErrorHandler((error: Error & { statusCode?: number; missingScope?: string }, _request, reply) => {
    if (error.missingScope) return reply.code(403).send(missingScopeError(error.missingScope));
    if (error instanceof InvalidBody) return reply.code(400).send(invalidError(error.field, error.message));
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    return reply
      .code(status)
      .send(apiError(status, status === 500 ? 'Internal Server Error' : error.message));
  });
}
