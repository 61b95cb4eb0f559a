/**
 * Pipedrive's v1 user routes, under `/api/v1` and the older `/v1` alike: `GET /users` (every user at once,
 * no paging), `GET /users/find?term=&search_by_email=0|1`, `GET /users/me`, `GET /users/{id}`. OAuth
 * tokens need the app's `users:read` scope except for `/users/me` (scope `base`, always granted).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { queryValue } from '../kit/paging.ts';
import { badRequest, notFound, pipedriveError, scopeMismatch } from './errors.ts';
import { OWNER_ID, type UserStore } from './users.ts';

const BASES = ['/api/v1', '/v1'];

export interface CompanyInfo {
  id: number;
  name: string;
  domain: string;
  country: string;
}

/** Refused before any data is read: the OAuth app was not granted `scope`. */
class MissingScope extends Error {}
class BadParameter extends Error {}

function requireScope(request: FastifyRequest, scope: string): void {
  const principal = request.principal;
  if (principal?.kind === 'oauth' && !principal.scopes?.includes(scope)) throw new MissingScope(scope);
}

/** Pipedrive answers an empty result with `data: null`, not `[]`. */
const listBody = <T>(items: T[], extra: Record<string, unknown> = {}) => ({
  success: true,
  data: items.length > 0 ? items : null,
  ...extra,
});

/** A `/users/find` call as received, so tests can see which filters reached the vendor. */
export interface Search {
  term: string;
  searchByEmail: boolean;
}

export function registerUserRoutes(
  app: FastifyInstance,
  store: UserStore,
  company: CompanyInfo,
  searches: Search[],
): void {
  for (const base of BASES) {
    app.get(`${base}/users`, async (request) => {
      requireScope(request, 'users:read');
      return listBody(store.list(), { additional_data: { company_id: company.id } });
    });

    app.get(`${base}/users/find`, async (request) => {
      requireScope(request, 'users:read');
      const q = request.query as Record<string, unknown>;
      const term = queryValue(q.term);
      if (term === undefined || term === '') throw new BadParameter('term is a required parameter');
      const byEmail = queryValue(q.search_by_email) ?? '0';
      if (byEmail !== '0' && byEmail !== '1') throw new BadParameter('search_by_email must be 0 or 1');
      searches.push({ term, searchByEmail: byEmail === '1' });
      return listBody(store.find(term, byEmail === '1'));
    });

    app.get(`${base}/users/me`, async () => {
      const me = store.get(OWNER_ID)!;
      return {
        success: true,
        data: {
          ...me,
          company_id: company.id,
          company_name: company.name,
          company_domain: company.domain,
          company_country: company.country,
          company_industry: 'Software',
          language: { language_code: 'en', country_code: 'US' },
        },
      };
    });

    app.get(`${base}/users/:id`, async (request, reply) => {
      requireScope(request, 'users:read');
      const { id } = request.params as { id: string };
      if (!/^\d{1,15}$/.test(id)) throw new BadParameter('id must be an integer');
      const user = store.get(Number(id));
      if (!user) return reply.code(404).send(notFound('User not found'));
      return { success: true, data: user };
    });
  }

  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).send(notFound('Unknown method .'));
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    if (error instanceof MissingScope) return reply.code(403).send(scopeMismatch());
    if (error instanceof BadParameter) return reply.code(400).send(badRequest(error.message));
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    return reply.code(status).send(pipedriveError(status, error.message));
  });
}
