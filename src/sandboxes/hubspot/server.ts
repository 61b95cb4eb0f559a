/**
 * The HubSpot CRM Owners API as a Fastify app: Bearer auth, HubSpot's rolling 10-second and daily
 * limits with their `X-HubSpot-RateLimit-*` headers, `GET /crm/v3/owners` and `GET /crm/v3/owners/{ownerId}`.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { authenticationError, notFoundError, rateLimitError, validationError } from './errors.ts';
import type { OwnerStore } from './owners.ts';

export interface RateLimit {
  calls: number;
  windowMs: number;
}

export interface SandboxStats {
  /** Every request, answered or refused. */
  total: number;
  /** Requests per route, e.g. `/crm/v3/owners` and `/crm/v3/owners/{ownerId}` (raw path for unknown routes). */
  requests: Record<string, number>;
  unauthorized: number;
  rateLimited: number;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 500;
/** Free/Starter private apps: 250k calls a day. */
export const DAILY_LIMIT = 250_000;
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

function parseLimit(q: Query): number {
  const v = one(q.limit);
  if (v === undefined || v === '') return DEFAULT_LIMIT;
  if (!/^-?\d+$/.test(v)) throw new InvalidParam('limit', 'Must be an integer');
  const limit = Number(v);
  if (limit > MAX_LIMIT) throw new InvalidParam('limit', `Must be less than or equal to ${MAX_LIMIT}`);
  if (limit < 1) throw new InvalidParam('limit', 'Must be greater than or equal to 1');
  return limit;
}

/** `after` is opaque to clients: base64 of the last owner id on the previous page. */
export function encodeAfter(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64');
}

function decodeAfter(after: string): number | undefined {
  const id = Buffer.from(after, 'base64').toString('utf8');
  return /^\d{1,15}$/.test(id) ? Number(id) : undefined;
}

export function buildApp(opts: {
  store: OwnerStore;
  token: string;
  rateLimit: RateLimit | null;
  stats: SandboxStats;
}): FastifyInstance {
  const { store, token, rateLimit, stats } = opts;
  const app = Fastify({
    logger: false,
    genReqId: () => randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
  });
  const hits: number[] = []; // accepted calls inside the rolling window, oldest first
  let daily = 0;

  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url?.replace(':ownerId', '{ownerId}') ?? request.url.split('?')[0];
    stats.total++;
    stats.requests[route] = (stats.requests[route] ?? 0) + 1;
    reply.header('x-hubspot-correlation-id', request.id);

    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (match?.[1] !== token) {
      stats.unauthorized++;
      return reply.code(401).send(authenticationError(request.id));
    }
    if (!rateLimit) return;

    const now = Date.now();
    while (hits.length > 0 && hits[0] <= now - rateLimit.windowMs) hits.shift();
    const policy =
      daily >= DAILY_LIMIT ? 'DAILY' : hits.length >= rateLimit.calls ? 'TEN_SECONDLY_ROLLING' : null;
    if (!policy) {
      hits.push(now);
      daily++;
    }
    reply.headers({
      'x-hubspot-ratelimit-max': rateLimit.calls,
      'x-hubspot-ratelimit-remaining': rateLimit.calls - hits.length,
      'x-hubspot-ratelimit-interval-milliseconds': rateLimit.windowMs,
      'x-hubspot-ratelimit-daily': DAILY_LIMIT,
      'x-hubspot-ratelimit-daily-remaining': DAILY_LIMIT - daily,
    });
    if (policy) {
      stats.rateLimited++;
      return reply.code(429).send(rateLimitError(request.id, policy));
    }
  });

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
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(q)) {
        if (k !== 'after' && v !== undefined) params.set(k, one(v) ?? '');
      }
      params.set('after', next);
      const link = `${request.protocol}://${request.host}${request.url.split('?')[0]}?${params}`;
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
  return app;
}
