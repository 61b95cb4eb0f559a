/**
 * Insightly CRM users are its users (https://api.na1.insightly.com/v3.1/Help#!/Users) on the customer's pod,
 * `https://api.{pod}.insightly.com/v3.1`, read with a user's API key as the HTTP Basic user name. Paged by
 * `skip` and `top` (≤ 500). Pushed down: `email` (eq, `Users/Search` on `EMAIL_ADDRESS`); an `updated_at`
 * lower bound narrows the walk with `updated_after_utc`, Switchboard applying the exact condition.
 */
import type { CrmUser } from '../../unified/records.ts';
import type { Condition } from '../../unified/types.ts';
import { basicAuth, type CredentialField } from '../kit/auth.ts';
import { isoUtc } from '../kit/dates.ts';
import { defineIntegration } from '../kit/define.ts';
import { offset } from '../kit/paginate/index.ts';
import { resource } from '../kit/resource.ts';
import { equalities, unifiedFrom } from '../kit/unified.ts';

interface InsightlyUser {
  USER_ID: number;
  FIRST_NAME?: string | null;
  LAST_NAME?: string | null;
  EMAIL_ADDRESS?: string | null;
  ACTIVE?: boolean | null;
  /** UTC, `2024-01-31 09:30:00`. */
  DATE_CREATED_UTC?: string | null;
  DATE_UPDATED_UTC?: string | null;
}

const POD = /^[a-z]{2,4}[0-9]{1,2}$/;
const POD_FIELD: CredentialField = {
  name: 'pod',
  label: 'Pod',
  type: 'text',
  secret: false,
  required: true,
  help: 'User Settings › API: the part after "api." in the API URL (na1 for https://api.na1.insightly.com).',
  placeholder: 'na1',
  pattern: POD.source,
};

const users = resource({
  description: 'Users (`/Users`, `/Users/Search`): paged by `skip` and `top` (≤ 500)',
  list: {
    request: { path: '/Users' },
    paginator: offset({ offset: 'skip', limit: 'top' }),
    records: '',
    maxPageSize: 500,
  },
  get: { request: { path: '/Users/{id}' } },
});

/** The latest lower bound an `updated_at` condition sets, in whole UTC seconds (Insightly's precision). */
function updatedSince(conditions: Condition[]): string | undefined {
  const bounds = conditions
    .filter(
      (c) => c.field === 'updated_at' && ['gt', 'gte', 'eq'].includes(c.op) && typeof c.value === 'string',
    )
    .map((c) => Date.parse(c.value as string))
    .filter(Number.isFinite);
  if (bounds.length === 0) return undefined;
  return `${new Date(Math.floor(Math.max(...bounds) / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

const crmUsers = unifiedFrom<InsightlyUser, CrmUser>({
  resource: users,
  pushdown: {
    email: 'eq → `Users/Search` field_name=EMAIL_ADDRESS',
    updated_at:
      'gt|gte|eq → `Users/Search` updated_after_utc narrows the walk; Switchboard applies the condition',
  },
  plan(query, base) {
    const search = { ...base, path: '/Users/Search' };
    // Search takes one field: the email, which narrows most; else the update date as a pre-filter.
    const email = equalities(query, ['email']).get('email');
    if (email)
      return {
        pushed: [email],
        requests: [{ ...search, query: { field_name: 'EMAIL_ADDRESS', field_value: email.value as string } }],
      };
    const since = updatedSince(query.conditions);
    return { pushed: [], requests: [since ? { ...search, query: { updated_after_utc: since } } : base] };
  },
  map: (u) => ({
    id: String(u.USER_ID),
    name: [u.FIRST_NAME, u.LAST_NAME].filter(Boolean).join(' ') || null,
    first_name: u.FIRST_NAME || null,
    last_name: u.LAST_NAME || null,
    email: u.EMAIL_ADDRESS || null,
    is_active: typeof u.ACTIVE === 'boolean' ? u.ACTIVE : null,
    created_at: isoUtc(u.DATE_CREATED_UTC),
    updated_at: isoUtc(u.DATE_UPDATED_UTC),
    remote_data: u,
  }),
});

export const insightly = defineIntegration({
  name: 'insightly',
  label: 'Insightly',
  category: 'crm',
  docsUrl: 'https://api.na1.insightly.com/v3.1/Help#!/Users',
  auth: [
    basicAuth({
      label: 'API key',
      username: {
        name: 'api_key',
        label: 'API key',
        type: 'password',
        secret: true,
        required: true,
        help: 'User Settings › API: the key of a user who may see the instance’s users.',
      },
      fixedPassword: '',
    }),
  ],
  config: [POD_FIELD],
  baseUrl: 'https://api.{pod}.insightly.com',
  // `api.<pod>.insightly.com` only, over HTTPS on the default port.
  served: (origin) =>
    origin.protocol === 'https:' &&
    origin.port === '' &&
    /^api\.([a-z0-9]+)\.insightly\.com$/.test(origin.hostname) &&
    POD.test(origin.hostname.split('.')[1]!),
  servedHint: 'https://api.<pod>.insightly.com',
  basePath: '/v3.1',
  validation: { method: 'GET', path: '/Users/Me' },
  rateLimit: { calls: 10, windowSeconds: 1, headers: { remaining: 'x-ratelimit-remaining' } },
  errors: { message: ['Message', 'message'] },
  resources: { users },
  unified: { 'crm/users': crmUsers },
});
