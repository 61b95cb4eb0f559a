/**
 * Zoho CRM users are the Users API's users (https://www.zoho.com/crm/developer/docs/api/v8/get-users.html):
 * page numbers up to 200 a page with `info.more_records`, `type` choosing active or deactivated users (deleted
 * ones never show), `If-Modified-Since` for recently modified ones, date-times in the organisation's offset.
 * OAuth 2.0 with Zoho Accounts of the customer's data centre (scope `ZohoCRM.users.READ`); calls go to the
 * token's `api_domain`. Pushed down: `is_active`; `updated_at` lower bounds narrow the read at Zoho.
 */
import { SwitchboardError } from '../../errors.ts';
import type { CrmUser } from '../../unified/records.ts';
import { oauth2 } from '../kit/auth.ts';
import { isoUtc } from '../kit/dates.ts';
import { defineIntegration } from '../kit/define.ts';
import { errorRules } from '../kit/errors.ts';
import { pageNumber } from '../kit/paginate/index.ts';
import { resource } from '../kit/resource.ts';
import { equalities, unifiedFrom } from '../kit/unified.ts';
import type { VendorErrorVerdict } from '../types.ts';

export const USERS_PATH = '/crm/v8/users';

/** Data centres: accounts server → API domain (https://www.zoho.com/crm/developer/docs/api/v8/multi-dc.html). */
const DATA_CENTRES = [
  ['United States', 'https://accounts.zoho.com', 'https://www.zohoapis.com'],
  ['Europe', 'https://accounts.zoho.eu', 'https://www.zohoapis.eu'],
  ['India', 'https://accounts.zoho.in', 'https://www.zohoapis.in'],
  ['Australia', 'https://accounts.zoho.com.au', 'https://www.zohoapis.com.au'],
  ['Japan', 'https://accounts.zoho.jp', 'https://www.zohoapis.jp'],
  ['China', 'https://accounts.zoho.com.cn', 'https://www.zohoapis.com.cn'],
  ['Canada', 'https://accounts.zohocloud.ca', 'https://www.zohoapis.ca'],
  ['Saudi Arabia', 'https://accounts.zoho.sa', 'https://www.zohoapis.sa'],
] as const;

interface ZohoUser {
  id: string;
  full_name?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
  status?: string;
  created_time?: string;
  Modified_Time?: string;
}

const users = resource({
  description: `Users (\`${USERS_PATH}\`): type, page/per_page (at most 200), If-Modified-Since header`,
  list: {
    request: { path: USERS_PATH, query: { type: 'AllUsers' } },
    paginator: pageNumber({ page: 'page', size: 'per_page', more: 'info.more_records' }),
    records: 'users',
    maxPageSize: 200,
  },
  get: { request: { path: `${USERS_PATH}/{id}` }, record: 'users.0' },
});

function invalidPathSegment(error: SwitchboardError): boolean {
  const raw = error.extras.raw_response as { code?: string; details?: Record<string, unknown> } | undefined;
  return raw?.code === 'INVALID_DATA' && raw.details?.['resource_path_index'] !== undefined;
}

/** `2024-01-31T09:30:00+00:00`, whole seconds: the form Zoho's docs give for `If-Modified-Since`. */
function headerDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
}

const crmUsers = unifiedFrom<ZohoUser, CrmUser>({
  resource: users,
  pushdown: { is_active: 'type=ActiveUsers or DeactiveUsers' },
  plan(query, base) {
    const active = equalities(query, ['is_active']).get('is_active');
    const type =
      active === undefined ? 'AllUsers' : active.value === 'true' ? 'ActiveUsers' : 'DeactiveUsers';
    // A lower bound on updated_at narrows the read at Zoho (If-Modified-Since, one second early whatever its
    // exact edge); Switchboard still applies the bound exactly.
    const bounds = query.conditions
      .filter((c) => c.field === 'updated_at' && ['gt', 'gte', 'eq'].includes(c.op))
      .map((c) => Date.parse(String(c.value)))
      .filter(Number.isFinite);
    const since = bounds.length ? headerDate(Math.max(...bounds) - 1000) : undefined;
    const request = {
      ...base,
      query: { ...base.query, type },
      ...(since ? { headers: { ...base.headers, 'if-modified-since': since } } : {}),
    };
    return { pushed: active ? [active] : [], requests: [request] };
  },
  // Zoho calls an id it does not know "invalid" (400 INVALID_DATA on the id's path segment).
  async get(caller, id) {
    if (!/^\d{1,25}$/.test(id)) return undefined;
    try {
      const response = await caller.call({ method: 'GET', path: `${USERS_PATH}/${id}` }, { primary: true });
      return (response.body as { users?: unknown[] } | undefined)?.users?.[0];
    } catch (error) {
      if (error instanceof SwitchboardError && error.statusCode === 400 && invalidPathSegment(error))
        return undefined;
      throw error;
    }
  },
  map: (user) => ({
    id: user.id,
    name: user.full_name ?? null,
    first_name: user.first_name ?? null,
    last_name: user.last_name ?? null,
    email: user.email ?? null,
    is_active: user.status === undefined ? null : user.status === 'active',
    created_at: isoUtc(user.created_time),
    updated_at: isoUtc(user.Modified_Time),
    remote_data: user,
  }),
});

const zohoErrors = errorRules('Zoho CRM', {
  message: ['message', 'error_description', 'error'],
  code: ['code', 'error'],
  rateLimited: { codes: ['TOO_MANY_REQUESTS'] },
  forbidden: { status: [403], codes: ['NO_PERMISSION', 'OAUTH_SCOPE_MISMATCH'] },
  errorIn2xx: (body) => (body as { status?: unknown } | null)?.status === 'error',
});

/** Zoho answers a missing scope with 401 too: that is a permission, not dead credentials. */
function detectError(response: Parameters<typeof zohoErrors>[0]): VendorErrorVerdict | undefined {
  const verdict = zohoErrors(response);
  return verdict?.vendorCode === 'OAUTH_SCOPE_MISMATCH' ? { ...verdict, unauthorized: false } : verdict;
}

export const zohocrm = defineIntegration({
  name: 'zohocrm',
  label: 'Zoho CRM',
  category: 'crm',
  docsUrl: 'https://www.zoho.com/crm/developer/docs/api/v8/',
  auth: [
    oauth2({
      authorizeUrl: '{accounts_server}/oauth/v2/auth',
      tokenUrl: '{accounts_server}/oauth/v2/token',
      scopes: ['ZohoCRM.users.READ'],
      scopeSeparator: ',',
      pkce: false,
      authorizeParams: { access_type: 'offline', prompt: 'consent' },
      tokenContext: { api_domain: 'api_domain' },
      revokedErrors: ['invalid_code'],
      fields: [
        {
          name: 'accounts_server',
          label: 'Zoho data centre',
          type: 'select',
          secret: false,
          required: true,
          options: DATA_CENTRES.map(([label, accounts]) => ({ label, value: accounts })),
          pattern: '^https://accounts\\.(zoho\\.(com|eu|in|com\\.au|jp|com\\.cn|sa)|zohocloud\\.ca)$',
        },
      ],
      oauthOrigins: DATA_CENTRES.map(([, accounts]) => accounts),
      inject: (token) => ({ headers: { authorization: `Zoho-oauthtoken ${token}` } }),
    }),
  ],
  baseUrl: '{api_domain}',
  served: DATA_CENTRES.map(([, , api]) => api),
  validation: { method: 'GET', path: USERS_PATH, query: { type: 'CurrentUser' } },
  // No per-second limit is documented (concurrency is 5 to 25 by edition); API credits are counted over a
  // rolling 24 hours: 5,000 on the Free edition, 50,000 plus per-licence credits on paid ones.
  rateLimit: { calls: 5, windowSeconds: 1, more: [{ calls: 5_000, windowSeconds: 86_400 }] },
  errors: detectError,
  resources: { users },
  unified: { 'crm/users': crmUsers },
});
