/**
 * Accelo's staff routes under `/api/v0` (https://api.accelo.com/docs/#staff): list (paged by `_page` from
 * 0 and `_limit` ≤ 100, `_offset` when no `_page`), count, the token's own staff (`whoami`), one staff
 * member, and `/tokeninfo`. Parameters come from the query string or a JSON body; a POST with
 * `_method=get` is a GET (https://api.accelo.com/docs/#overriding-the-request-method).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OAuthServer } from '../kit/oauth/server.ts';
import { queryValue, readPageSize } from '../kit/paging.ts';
import { envelope } from './errors.ts';
import { FilterError, matches, parseJsonFilters, parseQueryFilters, type StaffFilter } from './filters.ts';
import { readableResources } from './oauth.ts';
import { type AcceloStaff, project } from './staff.ts';

export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 100;

class BadRequest extends Error {}

/** One list call as the sandbox read it (for tests: did a filter reach the vendor, and how). */
export interface ListCall {
  method: string;
  filters: StaffFilter[];
  /** Where the filters came from. */
  filtersIn: 'query' | 'body' | 'none';
  page?: number;
  limit?: number;
}

export interface StaffDirectory {
  list(): readonly AcceloStaff[];
  /** Records each list call. */
  logListCall(call: ListCall): void;
  get(id: string): AcceloStaff | undefined;
  /** The staff member the OAuth consent was given by. */
  currentUserId: string;
  deployment: string;
}

type Params = Record<string, unknown>;

/** Query string and JSON body together (the body wins), as Accelo reads either. */
function paramsOf(request: FastifyRequest): Params {
  const body = request.body;
  const fromBody = body && typeof body === 'object' && !Array.isArray(body) ? (body as Params) : {};
  return { ...(request.query as Params), ...fromBody };
}

function fieldsOf(params: Params): string[] {
  const raw = params['_fields'];
  if (raw === undefined) return [];
  if (typeof raw !== 'string') throw new BadRequest('_fields must be a string');
  return raw
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
}

function filtersOf(params: Params): StaffFilter[] {
  const raw = params['_filters'];
  if (raw === undefined || raw === '') return [];
  return typeof raw === 'string' ? parseQueryFilters(raw) : parseJsonFilters(raw);
}

function nonNegative(raw: unknown, name: string): number | undefined {
  const value = queryValue(raw);
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw new BadRequest(`${name} must be a non-negative integer`);
  return Number(value);
}

function page(params: Params, staff: readonly AcceloStaff[]): AcceloStaff[] {
  const limit = readPageSize(
    queryValue(params['_limit']),
    { default: DEFAULT_LIMIT, max: MAX_LIMIT },
    (problem) =>
      new BadRequest(
        problem.kind === 'too-large'
          ? `_limit may be at most ${MAX_LIMIT}`
          : '_limit must be a positive integer',
      ),
  );
  const pageNumber = nonNegative(params['_page'], '_page');
  const start =
    pageNumber !== undefined ? pageNumber * limit : (nonNegative(params['_offset'], '_offset') ?? 0);
  return staff.slice(start, start + limit);
}

/** A POST that is not an overridden GET (creating staff is not emulated). */
function overridden(request: FastifyRequest): boolean {
  return request.method === 'GET' || String(paramsOf(request)['_method'] ?? '').toLowerCase() === 'get';
}

export function registerStaffRoutes(
  app: FastifyInstance,
  directory: StaffDirectory,
  oauth: OAuthServer,
): void {
  const send = (request: FastifyRequest, reply: FastifyReply, response: unknown) => {
    const answer = envelope(request, 'ok', response);
    return reply.code(answer.status).send(answer.body);
  };
  const one = (request: FastifyRequest, reply: FastifyReply, staff: AcceloStaff | undefined) => {
    if (!staff) {
      const answer = envelope(request, 'invalid_request', null);
      return reply.code(answer.status).send(answer.body);
    }
    return send(request, reply, project(staff, fieldsOf(paramsOf(request))));
  };
  // A token whose scopes do not cover staff is refused like any permission the user lacks.
  app.addHook('preHandler', async (request, reply) => {
    if (!request.url.startsWith('/api/v0/staff') || !request.principal) return;
    // No scope at all is Accelo's default, `read(all)`.
    const scopes = request.principal.scopes?.length ? request.principal.scopes : ['read(all)'];
    const readable = readableResources(scopes);
    if (readable.has('all') || readable.has('staff')) return;
    const answer = envelope(request, 'invalid_permission', null);
    return reply.code(answer.status).send(answer.body);
  });
  const matching = (request: FastifyRequest) => {
    const filters = filtersOf(paramsOf(request));
    return directory.list().filter((s) => matches(s, filters));
  };

  app.route({
    method: ['GET', 'POST'],
    url: '/api/v0/staff',
    handler: async (request, reply) => {
      if (!overridden(request)) throw new BadRequest('creating staff is not supported by this sandbox');
      const params = paramsOf(request);
      const fields = fieldsOf(params);
      const rows = page(params, matching(request));
      const body = request.body as Params | undefined;
      directory.logListCall({
        method: request.method,
        filters: filtersOf(params),
        filtersIn:
          body?.['_filters'] !== undefined ? 'body' : params['_filters'] !== undefined ? 'query' : 'none',
        page: nonNegative(params['_page'], '_page'),
        limit: nonNegative(params['_limit'], '_limit'),
      });
      return send(
        request,
        reply,
        rows.map((s) => project(s, fields)),
      );
    },
  });
  app.route({
    method: ['GET', 'POST'],
    url: '/api/v0/staff/count',
    handler: async (request, reply) => {
      if (!overridden(request)) throw new BadRequest('unsupported method');
      return send(request, reply, { count: String(matching(request).length) });
    },
  });
  app.get('/api/v0/staff/whoami', async (request, reply) =>
    one(request, reply, directory.get(directory.currentUserId)),
  );
  app.get('/api/v0/staff/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    return one(request, reply, /^\d+$/.test(id) ? directory.get(id) : undefined);
  });
  app.get('/api/v0/tokeninfo', async (request, reply) => {
    const grant = request.principal?.grant;
    const user = directory.get(directory.currentUserId);
    if (!grant || !user) return one(request, reply, undefined);
    const live = oauth.validateAccessToken(grant.token);
    return send(request, reply, {
      email: user.email,
      expiry_date: live?.expiresAt ? String(Math.floor(live.expiresAt / 1000)) : null,
      firstname: user.firstname,
      surname: user.surname,
      deployment: directory.deployment,
      locale: { currency_symbol: '$', timezone: user.timezone },
      staff_id: user.id,
    });
  });

  app.setNotFoundHandler((request, reply) => {
    const answer = envelope(request, 'invalid_request', null);
    reply.code(answer.status).send(answer.body);
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    const known = error instanceof BadRequest || error instanceof FilterError;
    const status = known || (error.statusCode ?? 500) < 500 ? 'invalid_request' : 'server_error';
    const answer = envelope(request, status, null, known ? { message: error.message } : {});
    reply.code(answer.status).send(answer.body);
  });
}
