/**
 * Pipedrive CRM users are Pipedrive's users (https://developers.pipedrive.com/docs/api/v1/Users): one
 * unpaged `GET /v1/users`, `GET /v1/users/{id}`, and `GET /v1/users/find?term=` (names, or emails with
 * `search_by_email=1`). OAuth 2.0 (scope `users:read`; the API lives on the company's `api_domain` from the
 * token response) or a personal API token. An `email` or `name` equality is sent to `/users/find`, which
 * narrows the directory; Switchboard then keeps the exact matches. Everything else is Switchboard's.
 */
import type { CrmUser } from '../../unified/records.ts';
import { apiKeyHeader, oauth2 } from '../kit/auth.ts';
import { isoUtc } from '../kit/dates.ts';
import { defineIntegration } from '../kit/define.ts';
import { none } from '../kit/paginate/index.ts';
import { resource } from '../kit/resource.ts';
import { equalities, unifiedFrom } from '../kit/unified.ts';
import type { AccountContext } from '../types.ts';

interface PipedriveUser {
  id: number;
  name?: string | null;
  email?: string | null;
  active_flag?: boolean;
  is_deleted?: boolean;
  created?: string | null;
  modified?: string | null;
}

const users = resource({
  description: 'Users (`/v1/users`): every user of the company at once, no paging; `/v1/users/{id}`',
  list: { request: { path: '/users' }, paginator: none(), records: 'data' },
  get: { request: { path: '/users/{id}' }, record: 'data' },
});

const crmUsers = unifiedFrom<PipedriveUser, CrmUser>({
  resource: users,
  pushdown: {
    email: 'eq → `/users/find?term=…&search_by_email=1` narrows; Switchboard keeps exact matches',
    name: 'eq → `/users/find?term=…` narrows; Switchboard keeps exact matches',
  },
  plan(query, base) {
    // `/users/find` matches parts of names and emails, so the equality itself stays Switchboard's to apply.
    const eq = equalities(query, ['email', 'name']);
    const [field, condition] = eq.has('email') ? ['email', eq.get('email')] : ['name', eq.get('name')];
    if (!condition) return { pushed: [], requests: [base] };
    const term = String(condition.value);
    const search_by_email = field === 'email' ? 1 : 0;
    return {
      pushed: [],
      requests: [{ ...base, path: '/users/find', query: { ...base.query, term, search_by_email } }],
    };
  },
  map: (user) => ({
    id: String(user.id),
    name: user.name ?? null,
    // Pipedrive keeps one `name`; splitting it would be a guess.
    first_name: null,
    last_name: null,
    email: user.email ?? null,
    is_active: user.active_flag === true && user.is_deleted !== true,
    // v1 dates are `YYYY-MM-DD HH:MM:SS` in UTC.
    created_at: isoUtc(user.created),
    updated_at: isoUtc(user.modified),
    remote_data: user,
  }),
});

/** OAuth accounts call their company's `api_domain` (lifted from the token response); API tokens the shared host. */
const originOf = (context: AccountContext): string =>
  typeof context['api_domain'] === 'string' && context['api_domain'] !== ''
    ? context['api_domain']
    : 'https://api.pipedrive.com';

export const pipedrive = defineIntegration({
  name: 'pipedrive',
  label: 'Pipedrive',
  category: 'crm',
  docsUrl: 'https://developers.pipedrive.com/docs/api/v1/Users',
  auth: [
    oauth2({
      authorizeUrl: 'https://oauth.pipedrive.com/oauth/authorize',
      tokenUrl: 'https://oauth.pipedrive.com/oauth/token',
      scopes: ['users:read'],
      clientAuth: 'basic',
      pkce: false,
      tokenContext: { api_domain: 'api_domain' },
    }),
    apiKeyHeader({
      label: 'API token',
      header: 'x-api-token',
      field: {
        name: 'api_token',
        label: 'API token',
        help: 'Pipedrive › Personal preferences › API: your personal API token.',
      },
    }),
  ],
  baseUrl: originOf,
  // Every company's `api_domain` is one label under pipedrive.com (e.g. https://acme.pipedrive.com).
  served: ['https://*.pipedrive.com'],
  servedHint: 'https://api.pipedrive.com or https://<company>.pipedrive.com',
  basePath: '/api/v1',
  validation: { method: 'GET', path: '/users/me' },
  // Lite plan with API tokens: 20 calls per 2 s; a one-seat company's 30,000 daily tokens buy 1,500 user lists.
  rateLimit: {
    calls: 20,
    windowSeconds: 2,
    more: [{ calls: 1_500, windowSeconds: 86_400 }],
    headers: {
      remaining: 'x-ratelimit-remaining',
      reset: { header: 'x-ratelimit-reset', unit: 'seconds' },
    },
  },
  errors: {
    message: ['error', 'message'],
    code: ['code', 'errorCode'],
    errorIn2xx: (body) => (body as { success?: unknown } | null)?.success === false,
  },
  resources: { users },
  unified: { 'crm/users': crmUsers },
});
