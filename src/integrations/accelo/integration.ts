/**
 * Accelo CRM users are its staff (https://api.accelo.com/docs/#staff) on the customer's own deployment,
 * `https://{deployment}.api.accelo.com`: OAuth 2.0 on the same host (scope `read(staff)`, client
 * authenticated with Basic), pages by `_page` (from 0) and `_limit` (≤ 100), every field with
 * `_fields=_ALL`, the `{ meta, response }` envelope. Pushed down: `email` and `is_active` (basic filters
 * `email`, `standing`); staff carry no dates and Accelo does not sort them.
 */
import type { CrmUser } from '../../unified/records.ts';
import type { UpstreamCall } from '../../upstream/types.ts';
import { type CredentialField, oauth2 } from '../kit/auth.ts';
import { defineIntegration } from '../kit/define.ts';
import { pageNumber } from '../kit/paginate/index.ts';
import { resource } from '../kit/resource.ts';
import { valueAt } from '../kit/select.ts';
import { equalities, unifiedFrom } from '../kit/unified.ts';

interface Staff {
  id: string;
  firstname?: string | null;
  surname?: string | null;
  email?: string | null;
  standing?: 'active' | 'inactive' | 'lockout' | null;
}

const DEPLOYMENT: CredentialField = {
  name: 'deployment',
  label: 'Accelo deployment',
  type: 'text',
  secret: false,
  required: true,
  help: 'The first part of your Accelo address: "acme" for acme.accelo.com.',
  placeholder: 'acme',
  pattern: '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$',
};

const staff = resource({
  description: 'Staff (`/staff`, every field): pages by `_page` from 0 and `_limit` (≤ 100)',
  list: {
    request: { path: '/staff', query: { _fields: '_ALL' } },
    paginator: pageNumber({ page: '_page', size: '_limit', start: 0 }),
    records: 'response',
    maxPageSize: 100,
  },
  get: { request: { path: '/staff/{id}', query: { _fields: '_ALL' } }, record: 'response' },
});

/**
 * Filter values holding "@" or "." must travel in a JSON body (https://api.accelo.com/docs/#json-content-types);
 * a GET carries none, so the list is asked for with POST and the documented `_method=get` override.
 */
function withFilters(base: UpstreamCall, filters: Record<string, string[]>): UpstreamCall {
  return { ...base, method: 'POST', query: { ...base.query, _method: 'get' }, body: { _filters: filters } };
}

const crmUsers = unifiedFrom<Staff, CrmUser>({
  resource: staff,
  pushdown: {
    email: 'eq → staff filter `email` (JSON body)',
    is_active: 'eq → staff filter `standing` (active; inactive or lockout)',
  },
  plan(query, base) {
    const eq = equalities(query, ['email', 'is_active']);
    const filters: Record<string, string[]> = {};
    const email = eq.get('email')?.value as string | undefined;
    if (email) filters['email'] = [email];
    const active = eq.get('is_active')?.value;
    if (active !== undefined) filters['standing'] = active === 'true' ? ['active'] : ['inactive', 'lockout'];
    const pushed = [...eq.values()];
    return { pushed, requests: [pushed.length > 0 ? withFilters(base, filters) : base] };
  },
  // One staff member by the `id` filter: an unknown id is then an empty list, not Accelo's invalid_request.
  async get(caller, id) {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const query = { _fields: '_ALL', _filters: `id(${id})` };
    const response = await caller.call({ method: 'GET', path: '/staff', query }, { primary: true });
    return valueAt(response.body, 'response.0');
  },
  map: (s) => ({
    id: String(s.id),
    name: [s.firstname, s.surname].filter(Boolean).join(' ') || null,
    first_name: s.firstname ?? null,
    last_name: s.surname ?? null,
    email: s.email || null,
    is_active: s.standing ? s.standing === 'active' : null,
    created_at: null,
    updated_at: null,
    remote_data: s,
  }),
});

export const accelo = defineIntegration({
  name: 'accelo',
  label: 'Accelo',
  category: 'crm',
  docsUrl: 'https://api.accelo.com/docs/#staff',
  auth: [
    oauth2({
      authorizeUrl: 'https://{deployment}.api.accelo.com/oauth2/v0/authorize',
      tokenUrl: 'https://{deployment}.api.accelo.com/oauth2/v0/token',
      scopes: ['read(staff)'],
      scopeSeparator: ',',
      pkce: false,
      clientAuth: 'basic',
      fields: [DEPLOYMENT],
      oauthOrigins: ['https://*.api.accelo.com'],
    }),
  ],
  baseUrl: 'https://{deployment}.api.accelo.com',
  served: ['https://*.api.accelo.com'],
  basePath: '/api/v0',
  validation: { method: 'GET', path: '/staff/whoami' },
  rateLimit: {
    calls: 5000,
    windowSeconds: 3600,
    headers: {
      remaining: 'x-ratelimit-remaining',
      reset: { header: 'x-ratelimit-reset', unit: 'epoch-seconds' },
    },
  },
  errors: {
    message: 'meta.message',
    code: 'meta.status',
    unauthorized: { status: [401], codes: ['invalid_client'] },
    forbidden: { status: [403], codes: ['invalid_permission'] },
    rateLimited: { status: [429], codes: ['too_many_requests'] },
    // `_suppress_http_status` answers errors with HTTP 200: the meta status still tells.
    errorIn2xx: (body) => {
      const status = valueAt(body, 'meta.status');
      return typeof status === 'string' && status !== 'ok';
    },
  },
  resources: { staff },
  unified: { 'crm/users': crmUsers },
});
