/**
 * Zendesk Sell CRM users are Sell's Users API (https://developer.zendesk.com/api-reference/sales-crm/resources/users/):
 * `items[].data` envelopes paged by `page`/`per_page` (at most 100), strict `email` and `status` filters,
 * `sort_by=field[:desc]`. OAuth 2.0 (scope `read`, client authenticated with HTTP Basic) or a personal
 * access token. Pushed down: `email` and `is_active` (eq), one sort key; Switchboard applies the rest.
 */
import { SwitchboardError } from '../../errors.ts';
import type { CrmUser } from '../../unified/records.ts';
import { bearerToken, oauth2 } from '../kit/auth.ts';
import { isoUtc } from '../kit/dates.ts';
import { defineIntegration } from '../kit/define.ts';
import { pageNumber } from '../kit/paginate/index.ts';
import { resource } from '../kit/resource.ts';
import { equalities, unifiedFrom } from '../kit/unified.ts';

interface SellUser {
  id: number;
  name?: string | null;
  email?: string | null;
  status?: 'active' | 'inactive';
  created_at?: string | null;
  updated_at?: string | null;
}

const users = resource({
  description: 'Users (`/v2/users`): `items[].data` envelopes; `page`/`per_page` paging (at most 100)',
  list: {
    request: { path: '/v2/users' },
    paginator: pageNumber({ page: 'page', size: 'per_page' }),
    records: 'items.*.data',
    maxPageSize: 100,
  },
  get: { request: { path: '/v2/users/{id}' }, record: 'data' },
});

/** Unified sort fields and Sell's names for them. */
const SORTS: Record<string, string> = {
  created_at: 'created_at',
  updated_at: 'updated_at',
  name: 'name',
  email: 'email',
};

const crmUsers = unifiedFrom<SellUser, CrmUser>({
  resource: users,
  pushdown: { email: 'eq → users `email` (strict)', is_active: 'eq → users `status`' },
  sortable: Object.keys(SORTS),
  plan(query, base) {
    const eq = equalities(query, ['email', 'is_active']);
    const params: Record<string, string> = {};
    const email = eq.get('email')?.value;
    if (typeof email === 'string') params['email'] = email;
    const active = eq.get('is_active')?.value;
    if (active !== undefined) params['status'] = active === 'true' ? 'active' : 'inactive';
    if (query.sort.length > 1)
      throw new SwitchboardError('UNSUPPORTED_FILTER', 'Zendesk Sell sorts users by one field at a time');
    const sort = query.sort[0];
    if (sort) params['sort_by'] = `${SORTS[sort.field]}:${sort.direction}`;
    return { pushed: [...eq.values()], requests: [{ ...base, query: { ...base.query, ...params } }] };
  },
  map: (user) => ({
    id: String(user.id),
    name: user.name ?? null,
    email: user.email ?? null,
    is_active: user.status === undefined ? null : user.status === 'active',
    created_at: isoUtc(user.created_at),
    updated_at: isoUtc(user.updated_at),
    remote_data: user,
  }),
});

export const zendesksell = defineIntegration({
  name: 'zendesksell',
  label: 'Zendesk Sell',
  category: 'crm',
  docsUrl: 'https://developer.zendesk.com/api-reference/sales-crm/resources/users/',
  auth: [
    oauth2({
      authorizeUrl: 'https://api.getbase.com/oauth2/authorize',
      tokenUrl: 'https://api.getbase.com/oauth2/token',
      scopes: ['read'],
      clientAuth: 'basic',
      pkce: false,
    }),
    bearerToken({
      label: 'Personal access token',
      field: {
        name: 'access_token',
        label: 'Personal access token',
        help: 'In Sell: Settings › Integrations › OAuth › Access Tokens › Add Access Token (scope read).',
      },
    }),
  ],
  baseUrl: 'https://api.getbase.com',
  served: ['https://api.getbase.com'],
  validation: { method: 'GET', path: '/v2/users/self' },
  // 36,000 requests per hour per token, and no budget headers. Paced as its even share (10 a second) so
  // that a 429, which names no wait, pauses the account for a second rather than an hour.
  rateLimit: { calls: 10, windowSeconds: 1, more: [{ calls: 36_000, windowSeconds: 3_600 }] },
  errors: {
    message: ['errors.0.error.details', 'errors.0.error.message'],
    code: 'errors.0.error.code',
  },
  resources: { users },
  unified: { 'crm/users': crmUsers },
});
