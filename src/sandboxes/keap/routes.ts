/**
 * Keap REST v2 users: `GET /crm/rest/v2/users` (the `filter` grammar — `field==value` clauses joined by
 * `;` — `order_by`, `page_size` 1–100, opaque `page_token` / `next_page_token`), `GET /users/{user_id}`,
 * and `GET /oauth/connect/userinfo` (who the credentials act as). Inactive users are left out unless
 * `include_inactive==true`, partners unless `include_partners==true`.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { decodeCursor, encodeCursor, queryValue, readPageSize } from '../kit/paging.ts';
import { InvalidArgument, keapError } from './errors.ts';
import { type KeapUser, primaryEmail, type UserStore } from './users.ts';

export const API = '/crm/rest/v2';
export const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 10;

/** A text clause: exact (case-insensitive), or a prefix with a trailing `*`. */
interface TextMatch {
  value: string;
  prefix: boolean;
}

export interface UserFilter {
  email?: TextMatch;
  givenName?: TextMatch;
  includeInactive: boolean;
  includePartners: boolean;
  userIds?: Set<string>;
}

function text(value: string): TextMatch {
  const prefix = value.endsWith('*');
  return { value: (prefix ? value.slice(0, -1) : value).toLowerCase(), prefix };
}

function bool(field: string, value: string): boolean {
  if (value !== 'true' && value !== 'false') throw new InvalidArgument(`${field} must be true or false`);
  return value === 'true';
}

export function parseFilter(raw: string | undefined): UserFilter {
  const filter: UserFilter = { includeInactive: false, includePartners: false };
  for (const clause of (raw ?? '').split(';').filter(Boolean)) {
    const match = /^([a-z_]+)==(.*)$/.exec(clause);
    if (!match) throw new InvalidArgument(`Invalid filter: ${clause}; use field==value`);
    const [, field, value] = match as unknown as [string, string, string];
    switch (field) {
      case 'email':
        filter.email = text(value);
        break;
      case 'given_name':
        filter.givenName = text(value);
        break;
      case 'include_inactive':
        filter.includeInactive = bool(field, value);
        break;
      case 'include_partners':
        filter.includePartners = bool(field, value);
        break;
      case 'user_ids':
        if (!/^\d+(,\d+)*$/.test(value)) throw new InvalidArgument('user_ids must be a list of user ids');
        filter.userIds = new Set(value.split(','));
        break;
      default:
        throw new InvalidArgument(
          `Invalid filter field: ${field}. Allowed: email, given_name, include_inactive, include_partners, user_ids`,
        );
    }
  }
  return filter;
}

function matchesText(actual: string | undefined, match: TextMatch | undefined): boolean {
  if (!match) return true;
  const value = (actual ?? '').toLowerCase();
  return match.prefix ? value.startsWith(match.value) : value === match.value;
}

export function matchesFilter(user: KeapUser, filter: UserFilter): boolean {
  if (user.status === 'INACTIVE' && !filter.includeInactive) return false;
  if (user.partner && !filter.includePartners) return false;
  if (filter.userIds && !filter.userIds.has(user.id)) return false;
  return matchesText(primaryEmail(user), filter.email) && matchesText(user.given_name, filter.givenName);
}

const collator = new Intl.Collator('en', { sensitivity: 'base' });

/** `create_time`, `email` or `name` (family name), optionally followed by `asc` or `desc`; ties by id. */
export function sorter(orderBy: string | undefined): (a: KeapUser, b: KeapUser) => number {
  const byId = (a: KeapUser, b: KeapUser) => Number(a.id) - Number(b.id);
  if (orderBy === undefined || orderBy === '') return byId;
  const match = /^(create_time|email|name)(?:\s+(asc|desc))?$/i.exec(orderBy.trim());
  if (!match)
    throw new InvalidArgument(
      `Invalid order_by: ${orderBy}. Use create_time, email or name, then asc or desc`,
    );
  const field = match[1]!.toLowerCase();
  const sign = match[2]?.toLowerCase() === 'desc' ? -1 : 1;
  const key = (user: KeapUser): string =>
    field === 'create_time'
      ? user.create_time
      : field === 'email'
        ? (primaryEmail(user) ?? '')
        : user.family_name;
  return (a, b) => sign * collator.compare(key(a), key(b)) || byId(a, b);
}

function fingerprint(filter: string | undefined, orderBy: string | undefined): string {
  return createHash('sha256')
    .update(`${filter ?? ''}\u0000${orderBy ?? ''}`)
    .digest('base64url')
    .slice(0, 12);
}

type Query = Record<string, string | string[] | undefined>;

export interface KeapRoutesOptions {
  store: UserStore;
  /** Recent list queries as received, newest last (what the tests check pushdown against). */
  log: Array<Record<string, string>>;
  /** The user a request's credentials act as, for userinfo. */
  userOf(request: FastifyRequest): KeapUser | undefined;
  tenant: string;
}

export function registerKeapRoutes(app: FastifyInstance, options: KeapRoutesOptions): void {
  const { store } = options;

  app.get(`${API}/users`, async (request) => {
    const q = request.query as Query;
    const raw = {
      filter: queryValue(q.filter),
      order_by: queryValue(q.order_by),
      page_size: queryValue(q.page_size),
      page_token: queryValue(q.page_token),
    };
    options.log.push(
      Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)) as Record<string, string>,
    );
    if (options.log.length > 200) options.log.shift();
    const size = readPageSize(
      raw.page_size,
      { default: DEFAULT_PAGE_SIZE, max: MAX_PAGE_SIZE },
      () => new InvalidArgument(`page_size must be between 1 and ${MAX_PAGE_SIZE}`),
    );
    const filter = parseFilter(raw.filter);
    const order = sorter(raw.order_by);
    const scope = fingerprint(raw.filter, raw.order_by);
    let offset = 0;
    if (raw.page_token) {
      const token = decodeCursor<{ o: number; s: string }>(raw.page_token);
      if (!token || token.s !== scope || !Number.isInteger(token.o) || token.o < 0)
        throw new InvalidArgument('Invalid page_token');
      offset = token.o;
    }
    const users = store
      .all()
      .filter((u) => matchesFilter(u, filter))
      .sort(order);
    const page = users.slice(offset, offset + size);
    const next =
      offset + page.length < users.length ? encodeCursor({ o: offset + page.length, s: scope }) : '';
    return { users: page, next_page_token: next };
  });

  app.get(`${API}/users/:user_id`, async (request, reply) => {
    const { user_id } = request.params as { user_id: string };
    if (!/^\d{1,18}$/.test(user_id)) throw new InvalidArgument(`Invalid user_id: ${user_id}`);
    const user = store.get(user_id);
    if (!user) return reply.code(404).send(keapError(404, `User not found: ${user_id}`));
    return user;
  });

  app.get(`${API}/oauth/connect/userinfo`, async (request) => {
    const user = options.userOf(request);
    return {
      sub: user?.global_user_id ?? null,
      id: user ? Number(user.id) : null,
      keap_id: user?.keap_id ?? null,
      email: user ? (primaryEmail(user) ?? null) : null,
      given_name: user?.given_name ?? null,
      family_name: user?.family_name ?? null,
      middle_name: user?.middle_name ?? null,
      preferred_name: user?.nickname ?? null,
      is_admin: user?.admin ?? false,
      tenant_id: options.tenant,
    };
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(keapError(404, `No resource at ${request.method} ${request.url.split('?')[0]}`));
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    if (error instanceof InvalidArgument) return reply.code(400).send(keapError(400, error.message));
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    reply.code(status).send(keapError(status, error.message));
  });
}
