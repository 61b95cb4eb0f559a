/**
 * Close's user and organization routes under `/api/v1`: `GET /me/`, `GET /user/` (offset paging by `_skip`
 * and `_limit`, at most 100 a page, `has_more`; `_order_by` by names; `_fields`), `GET /user/{id}/` and
 * `GET /organization/{id}/` with `memberships` and `inactive_memberships`. OAuth tokens need
 * `all.full_access`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { offsetSlice, queryValue, readPageSize } from '../kit/paging.ts';
import { closeError, missingScope, notFound } from './errors.ts';
import { type CloseUser, type MemberStore, ORGANIZATION_ID, OWNER_ID } from './users.ts';

export const MAX_LIMIT = 100;
const ORDERS = ['last_name,first_name', 'first_name,last_name'] as const;

class BadParameter extends Error {}
class MissingScope extends Error {}

function requireFullAccess(request: FastifyRequest): void {
  const principal = request.principal;
  if (principal?.kind === 'oauth' && !principal.scopes?.includes('all.full_access')) throw new MissingScope();
}

/** `_fields=id,email`: only those fields of each object. */
function fieldsOf(q: Record<string, unknown>): ((o: object) => object) | undefined {
  const raw = queryValue(q._fields);
  if (!raw) return undefined;
  const wanted = raw.split(',').map((f) => f.trim());
  return (o) => Object.fromEntries(Object.entries(o).filter(([k]) => wanted.includes(k)));
}

function nonNegative(raw: string | undefined, name: string): number {
  if (raw === undefined || raw === '') return 0;
  if (!/^\d+$/.test(raw)) throw new BadParameter(`${name}: A valid integer is required.`);
  return Number(raw);
}

function byNames(order: (typeof ORDERS)[number]): (a: CloseUser, b: CloseUser) => number {
  const keys = order.split(',') as Array<'first_name' | 'last_name'>;
  return (a, b) => {
    for (const key of keys) {
      const c = a[key].localeCompare(b[key], 'en', { sensitivity: 'base' });
      if (c !== 0) return c;
    }
    return 0;
  };
}

export function registerRoutes(app: FastifyInstance, store: MemberStore): void {
  app.get('/api/v1/me/', async (request) => {
    const pick = fieldsOf(request.query as Record<string, unknown>);
    const me = {
      ...store.get(OWNER_ID)!,
      email_accounts: [],
      last_used_timezone: 'America/Denver',
      memberships: store.memberships(true).filter((m) => m.user_id === OWNER_ID),
      organizations: [{ id: ORGANIZATION_ID, name: 'Sample Data' }],
      phone_numbers: [],
    };
    return pick ? pick(me) : me;
  });

  app.get('/api/v1/user/', async (request) => {
    requireFullAccess(request);
    const q = request.query as Record<string, unknown>;
    const limit = readPageSize(
      queryValue(q._limit),
      { default: 100, max: MAX_LIMIT },
      (p) =>
        new BadParameter(
          p.kind === 'too-large'
            ? `_limit: Ensure this value is less than or equal to ${MAX_LIMIT}.`
            : p.kind === 'too-small'
              ? '_limit: Ensure this value is greater than or equal to 1.'
              : '_limit: A valid integer is required.',
        ),
    );
    const skip = nonNegative(queryValue(q._skip), '_skip');
    const order = queryValue(q._order_by);
    if (order !== undefined && !(ORDERS as readonly string[]).includes(order))
      throw new BadParameter(`_order_by: must be one of ${ORDERS.join(' or ')}.`);
    const users = store.listActive();
    if (order) users.sort(byNames(order as (typeof ORDERS)[number]));
    const page = offsetSlice(users, skip, limit);
    const pick = fieldsOf(q);
    return { has_more: page.nextOffset !== undefined, data: pick ? page.items.map(pick) : page.items };
  });

  app.get('/api/v1/user/:id/', async (request, reply) => {
    requireFullAccess(request);
    const user = store.get((request.params as { id: string }).id);
    if (!user) return reply.code(404).send(notFound());
    const pick = fieldsOf(request.query as Record<string, unknown>);
    return pick ? pick(user) : user;
  });

  app.get('/api/v1/organization/:id/', async (request, reply) => {
    requireFullAccess(request);
    if ((request.params as { id: string }).id !== ORGANIZATION_ID) return reply.code(404).send(notFound());
    return {
      created_by: null,
      date_created: '2013-02-01T00:54:51.097000+00:00',
      date_updated: '2013-02-20T04:38:01.961000+00:00',
      id: ORGANIZATION_ID,
      inactive_memberships: store.memberships(false),
      lead_statuses: [
        { id: 'stat_1ZdiZqcSIkoGVnNOyxiEY58eTGQmFNG3LPlEVQ4V7Nk', label: 'Potential' },
        { id: 'stat_2ZdiZqcSIkoGVnNOyxiEY58eTGQmFNG3LPlEVQ4V7Nk', label: 'Bad Fit' },
        { id: 'stat_3ZdiZqcSIkoGVnNOyxiEY58eTGQmFNG3LPlEVQ4V7Nk', label: 'Qualified' },
      ],
      memberships: store.memberships(true),
      name: 'Sample Data',
      plan_type: 'lite',
      updated_by: null,
    };
  });

  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).send(notFound());
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    if (error instanceof MissingScope) return reply.code(403).send(missingScope());
    if (error instanceof BadParameter) return reply.code(400).send(closeError(error.message));
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    return reply.code(status).send(closeError(error.message));
  });
}
