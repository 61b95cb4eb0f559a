/**
 * Outreach CRM users are its JSON:API users resource (https://developers.outreach.io/api/reference/tag/User/):
 * `page[size]` (at most 1000) and `links.next`, `filter[attr]` equality and `filter[date]=from..to` ranges,
 * `sort=attr,-attr`. OAuth 2.0 only (scope `users.read`; 2-hour access tokens, rotating refresh tokens).
 * Pushed down: `email` and `is_active` (eq), `created_at`/`updated_at` ranges, sorts by those three.
 */
import type { CrmUser } from '../../unified/records.ts';
import { oauth2 } from '../kit/auth.ts';
import { isoUtc } from '../kit/dates.ts';
import { defineIntegration } from '../kit/define.ts';
import { jsonApiFilters } from '../kit/filters/jsonapi.ts';
import { nextUrl } from '../kit/paginate/index.ts';
import { resource } from '../kit/resource.ts';
import { equalities, unifiedFrom } from '../kit/unified.ts';

interface OutreachUser {
  id: number;
  attributes: {
    email?: string | null;
    firstName?: string | null;
    lastName?: string | null;
    name?: string | null;
    locked?: boolean | null;
    createdAt?: string | null;
    updatedAt?: string | null;
  };
}

const users = resource({
  description: 'Users (`/api/v2/users`, JSON:API): `page[size]` and `links.next` cursors (at most 1000)',
  list: {
    // `count=false` spares Outreach counting the whole collection on every page.
    request: { path: '/api/v2/users', query: { count: 'false' } },
    paginator: nextUrl({ from: 'links.next', size: 'page[size]' }),
    records: 'data',
    maxPageSize: 1000,
  },
  get: { request: { path: '/api/v2/users/{id}' }, record: 'data' },
});

const SORTS: Record<string, string> = { created_at: 'createdAt', updated_at: 'updatedAt', email: 'email' };
const RANGE_OPS = ['gt', 'gte', 'lt', 'lte'];

const crmUsers = unifiedFrom<OutreachUser, CrmUser>({
  resource: users,
  pushdown: {
    email: 'eq → `filter[email]`',
    is_active: 'eq → `filter[locked]` (negated)',
    created_at: 'gt/gte/lt/lte → `filter[createdAt]=from..to`',
    updated_at: 'gt/gte/lt/lte → `filter[updatedAt]=from..to`',
  },
  sortable: Object.keys(SORTS),
  plan(query, base) {
    // Dates go as ranges only: an exact date-time would have to match Outreach's own rendering.
    const conditions = query.conditions.filter((c) => c.field === 'email' || RANGE_OPS.includes(c.op));
    const filters = jsonApiFilters(conditions, {
      email: { name: 'email', type: 'string' },
      created_at: { name: 'createdAt', type: 'datetime' },
      updated_at: { name: 'updatedAt', type: 'datetime' },
    });
    const active = equalities(query, ['is_active']).get('is_active');
    if (active) filters.query['filter[locked]'] = active.value === 'true' ? 'false' : 'true';
    const sort = query.sort.map((key) => `${key.direction === 'desc' ? '-' : ''}${SORTS[key.field]}`);
    return {
      pushed: [...filters.pushed, ...(active ? [active] : [])],
      requests: [
        {
          ...base,
          query: { ...base.query, ...filters.query, ...(sort.length ? { sort: sort.join(',') } : {}) },
        },
      ],
    };
  },
  map: (user) => {
    const a = user.attributes;
    return {
      id: String(user.id),
      name: a.name ?? ([a.firstName, a.lastName].filter(Boolean).join(' ') || null),
      first_name: a.firstName ?? null,
      last_name: a.lastName ?? null,
      email: a.email ?? null,
      is_active: typeof a.locked === 'boolean' ? !a.locked : null,
      created_at: isoUtc(a.createdAt),
      updated_at: isoUtc(a.updatedAt),
      remote_data: user,
    };
  },
});

export const outreach = defineIntegration({
  name: 'outreach',
  label: 'Outreach',
  category: 'crm',
  docsUrl: 'https://developers.outreach.io/api/reference/tag/User/',
  auth: [
    oauth2({
      authorizeUrl: 'https://api.outreach.io/oauth/authorize',
      tokenUrl: 'https://api.outreach.io/oauth/token',
      scopes: ['users.read'],
      pkce: false,
    }),
  ],
  baseUrl: 'https://api.outreach.io',
  served: ['https://api.outreach.io'],
  validation: { method: 'GET', path: '/api/v2/users', query: { 'page[size]': 1, count: 'false' } },
  // 10,000 calls an hour per user, paced as its even share (25 per 9 s) so a 429 without `Retry-After`
  // pauses the account for seconds, not the hour; `X-RateLimit-Remaining` 0 pauses until the reset.
  rateLimit: {
    calls: 25,
    windowSeconds: 9,
    more: [{ calls: 10_000, windowSeconds: 3_600 }],
    headers: {
      remaining: 'x-ratelimit-remaining',
      reset: { header: 'x-ratelimit-reset', unit: 'epoch-seconds' },
    },
  },
  errors: { message: ['errors.0.detail', 'errors.0.title'], code: 'errors.0.id' },
  resources: { users },
  unified: { 'crm/users': crmUsers },
});
