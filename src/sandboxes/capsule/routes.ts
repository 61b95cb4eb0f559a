/**
 * Capsule API v2 routes: `GET /api/v2/users` (page-number paging with `page` and `perPage` 1–100, the next
 * page in a `Link` header, `embed=party`), `GET /api/v2/users/current`, `GET /api/v2/users/{id}`, and
 * `GET /api/v2/parties/{ids}` (one party, or up to ten comma-separated). Errors are `{"message": …}`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { nextPageUrl, pageSlice, queryValue, readPageSize } from '../kit/paging.ts';
import type { CapsuleParty, CapsuleUser } from './data.ts';

export const API = '/api/v2';
export const MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 50;
const MAX_PARTY_IDS = 10;

class BadRequest extends Error {}

export interface CapsuleRoutesOptions {
  users(): CapsuleUser[];
  user(id: number): CapsuleUser | undefined;
  party(id: number): CapsuleParty | undefined;
  /** The user the request's credentials belong to. */
  currentUser(request: FastifyRequest): CapsuleUser | undefined;
  /** Whether the request's credentials carry `scope`; a 403 otherwise. */
  hasScope(request: FastifyRequest, scope: string): boolean;
}

function notFound(reply: import('fastify').FastifyReply) {
  return reply.code(404).send({ message: 'Could not find resource' });
}

export function registerCapsuleRoutes(app: FastifyInstance, options: CapsuleRoutesOptions): void {
  // Every route here reads: a token without the `read` scope is refused.
  app.addHook('preHandler', async (request, reply) => {
    if (!request.url.startsWith(API) || options.hasScope(request, 'read')) return;
    return reply
      .code(403)
      .header('www-authenticate', 'Bearer realm="Capsule API", error="insufficient_scope", scope="read"')
      .send({ message: 'insufficient scope: this request needs the read scope' });
  });

  app.get(`${API}/users`, async (request, reply) => {
    const q = request.query as Record<string, string | string[] | undefined>;
    const perPage = readPageSize(
      queryValue(q.perPage),
      { default: DEFAULT_PER_PAGE, max: MAX_PER_PAGE },
      () => new BadRequest(`perPage must be between 1 and ${MAX_PER_PAGE}`),
    );
    const embed = (queryValue(q.embed) ?? '').split(',').filter(Boolean);
    const unknown = embed.find((value) => value !== 'party');
    if (unknown) throw new BadRequest(`embed ${unknown} is not supported here; supported: party`);
    const pageText = queryValue(q.page) ?? '1';
    if (!/^\d+$/.test(pageText) || Number(pageText) < 1)
      throw new BadRequest('page must be a positive number');
    const page = pageSlice(options.users(), Number(pageText), perPage);
    if (page.hasMore) {
      const next = nextPageUrl(request, { page: String(page.page + 1), perPage: String(perPage) });
      reply.header('link', `<${next}>; rel="next"`);
    }
    return { users: page.items };
  });

  app.get(`${API}/users/current`, async (request, reply) => {
    const user = options.currentUser(request);
    return user ? { user } : notFound(reply);
  });

  app.get(`${API}/users/:id`, async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!/^\d{1,18}$/.test(id)) return notFound(reply);
    const user = options.user(Number(id));
    return user ? { user } : notFound(reply);
  });

  app.get(`${API}/parties/:ids`, async (request, reply) => {
    const { ids } = request.params as { ids: string };
    if (!/^\d{1,18}(,\d{1,18})*$/.test(ids))
      throw new BadRequest('party ids must be a comma-separated list of numbers');
    const list = ids.split(',').map(Number);
    if (list.length > MAX_PARTY_IDS)
      throw new BadRequest(`at most ${MAX_PARTY_IDS} party ids can be requested`);
    const parties = list.map((id) => options.party(id));
    if (parties.some((p) => p === undefined)) return notFound(reply);
    return list.length === 1 ? { party: parties[0] } : { parties };
  });

  app.setNotFoundHandler((_request, reply) => notFound(reply));
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    if (error instanceof BadRequest) return reply.code(400).send({ message: error.message });
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    reply.code(status).send({ message: error.message });
  });
}
