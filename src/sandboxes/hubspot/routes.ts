/**
 * HubSpot's CRM Owners routes: `GET /crm/v3/owners` (cursor paging, email filter, archived) and
 * `GET /crm/v3/owners/{ownerId}`, with HubSpot's 400/404 bodies. Auth, limits and faults are the kit's.
 */
import type { FastifyInstance } from 'fastify';
import { nextPageUrl, readPageSize } from '../kit/paging.ts';
import { notFoundError, validationError } from './errors.ts';
import type { OwnerStore } from './owners.ts';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 500;
/** The date-versioned alias serves the same resource. */
const BASES = ['/crm/v3/owners', '/crm/owners/2026-03'];

type Query = Record<string, string | string[] | undefined>;

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** A bad query or path parameter; the error handler turns it into HubSpot's 400 `VALIDATION_ERROR`. */
class InvalidParam extends Error {
  param: string;
  location: 'query' | 'path';
  constructor(param: string, problem: string, location: 'query' | 'path' = 'query') {
    super(problem);
    this.param = param;
    this.location = location;
  }
}

function parseArchived(q: Query): boolean {
  const v = one(q.archived)?.toLowerCase();
  if (v === undefined || v === '' || v === 'false') return false;
  if (v === 'true') return true;
  throw new InvalidParam('archived', 'Must be true or false');
}

const PROBLEMS = {
  'not-an-integer': 'Must be an integer',
  'too-large': `Must be less than or equal to ${MAX_LIMIT}`,
  'too-small': 'Must be greater than or equal to 1',
} as const;

function parseLimit(q: Query): number {
  return readPageSize(
    one(q.limit),
    { default: DEFAULT_LIMIT, max: MAX_LIMIT },
    (problem) => new InvalidParam('limit', PROBLEMS[problem.kind]),
  );
}

/** `after` is opaque to clients: base64 of the last owner id on the previous page. */
export function encodeAfter(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64');
}

function decodeAfter(after: string): number | undefined {
  const id = Buffer.from(after, 'base64').toString('utf8');
  return /^\d{1,15}$/.test(id) ? Number(id) : undefined;
}

export function registerOwnerRoutes(app: FastifyInstance, store: OwnerStore): void {
  for (const base of BASES) {
    app.get(base, async (request) => {
      const q = request.query as Query;
      const limit = parseLimit(q);
      const archived = parseArchived(q);
      const after = one(q.after) || undefined;
      const afterId = after === undefined ? undefined : decodeAfter(after);
      if (after !== undefined && afterId === undefined)
        throw new InvalidParam('after', 'Must be a valid paging cursor');
      const email = one(q.email) || undefined;

      const page = store.page({ archived, email, afterId, limit });
      if (page.lastId === undefined) return { results: page.owners };
      const next = encodeAfter(page.lastId);
      const link = nextPageUrl(request, { after: next });
      return { results: page.owners, paging: { next: { after: next, link } } };
    });

    app.get(`${base}/:ownerId`, async (request, reply) => {
      const { ownerId } = request.params as { ownerId: string };
      const q = request.query as Query;
      const idProperty = one(q.idProperty) || 'id';
      if (idProperty !== 'id' && idProperty !== 'userId') {
        throw new InvalidParam('idProperty', 'Must be one of id, userId');
      }
      const archived = parseArchived(q);
      if (!/^\d{1,15}$/.test(ownerId)) throw new InvalidParam('ownerId', 'Must be a valid ID', 'path');
      const owner = store.find(ownerId, idProperty, archived);
      if (owner) return owner;
      return reply.code(404).send(notFoundError(request.id, `Owner with ${idProperty} ${ownerId} not found`));
    });
  }

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ status: 'error', message: 'resource not found', correlationId: request.id });
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    if (error instanceof InvalidParam) {
      return reply.code(400).send(validationError(request.id, error.param, error.message, error.location));
    }
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    reply.code(status).send({ status: 'error', message: error.message, correlationId: request.id });
  });
}
