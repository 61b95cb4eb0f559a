/**
 * ActiveCampaign CRM users are its account users (https://developers.activecampaign.com/reference/list-all-users)
 * at the account's own API URL (`https://{account}.api-us1.com/api/3`), read with a user's API key in
 * `Api-Token`. Offset paging (`limit` ≤ 100, `meta.total`). Pushed down: `email` (eq), through the
 * lookup `GET /users/email/{email}`; users carry no status or dates in lists, and the API does not sort.
 */
import { SwitchboardError } from '../../errors.ts';
import type { CrmUser } from '../../unified/records.ts';
import type { Caller } from '../../unified/types.ts';
import type { UpstreamResponse } from '../../upstream/types.ts';
import { apiKeyHeader, type CredentialField } from '../kit/auth.ts';
import { isoUtc } from '../kit/dates.ts';
import { defineIntegration } from '../kit/define.ts';
import { errorRules } from '../kit/errors.ts';
import { offset } from '../kit/paginate/index.ts';
import type { Paginator } from '../kit/paginate/types.ts';
import { resource } from '../kit/resource.ts';
import { valueAt } from '../kit/select.ts';
import { equalities, unifiedFrom } from '../kit/unified.ts';

interface AcUser {
  id: string;
  username?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  /** Only in some answers (a created user); lists and lookups leave the dates out. */
  cdate?: string | null;
  udate?: string | null;
}

const API_URL: CredentialField = {
  name: 'api_url',
  label: 'API URL',
  type: 'text',
  secret: false,
  required: true,
  help: 'Settings › Developer, above the API key: https://<your account>.api-us1.com',
  placeholder: 'https://youraccount.api-us1.com',
  pattern: '^https://[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.api-us1\\.com/?$',
};

const byOffset = offset({ offset: 'offset', limit: 'limit', total: 'meta.total' });
/** Offset paging; an email lookup's single `user` is the only page. */
const paginator: Paginator<number> = {
  describe: byOffset.describe,
  page: byOffset.page,
  next: (outcome) =>
    Array.isArray(valueAt(outcome.response.body, 'users')) ? byOffset.next(outcome) : undefined,
};

const users = resource({
  description: 'Users (`/users`): offset paging by `offset` and `limit` (≤ 100), `meta.total`',
  list: {
    request: { path: '/users' },
    paginator,
    // A list answers `users`; the email lookup answers one `user`.
    records: (body) => {
      const b = body as { users?: unknown[]; user?: unknown };
      return Array.isArray(b.users) ? b.users : b.user ? [b.user] : [];
    },
    maxPageSize: 100,
  },
  get: { request: { path: '/users/{id}' }, record: 'user' },
});

/** An address the lookup path can carry as one segment. */
const PLAIN_EMAIL = /^[^\s/\\?#%]+@[^\s/\\?#%]+$/;
const emailPath = (email: string) => `/users/email/${encodeURIComponent(email)}`;

/** Whether a user has that email (404: none), asked once per request however often the plan is read. */
const lookups = new WeakMap<Caller, Map<string, Promise<boolean>>>();
function hasUser(caller: Caller, email: string): Promise<boolean> {
  const known = lookups.get(caller) ?? new Map<string, Promise<boolean>>();
  lookups.set(caller, known);
  let found = known.get(email);
  if (!found) {
    found = caller.call({ method: 'GET', path: emailPath(email) }).then(
      () => true,
      (error) => {
        if (error instanceof SwitchboardError && error.statusCode === 404) return false;
        throw error;
      },
    );
    known.set(email, found);
  }
  return found;
}

const crmUsers = unifiedFrom<AcUser, CrmUser>({
  resource: users,
  pushdown: { email: 'eq → `GET /users/email/{email}`' },
  async plan(query, base, caller) {
    const email = equalities(query, ['email']).get('email');
    if (!email || !PLAIN_EMAIL.test(email.value as string)) return { pushed: [], requests: [base] };
    const found = await hasUser(caller, email.value as string);
    return {
      pushed: [email],
      requests: found ? [{ method: 'GET', path: emailPath(email.value as string) }] : [],
    };
  },
  map: (u) => ({
    id: String(u.id),
    name: [u.firstName, u.lastName].filter(Boolean).join(' ') || u.username || null,
    first_name: u.firstName || null,
    last_name: u.lastName || null,
    email: u.email || null,
    // ActiveCampaign has no inactive users: a removed user is deleted. Nothing says more.
    is_active: null,
    created_at: isoUtc(u.cdate),
    updated_at: isoUtc(u.udate),
    remote_data: u,
  }),
});

const rules = errorRules('ActiveCampaign', { message: ['message', 'errors.0.title'] });

export const activecampaign = defineIntegration({
  name: 'activecampaign',
  label: 'ActiveCampaign',
  category: 'crm',
  docsUrl: 'https://developers.activecampaign.com/reference/list-all-users',
  auth: [
    apiKeyHeader({
      header: 'Api-Token',
      field: {
        name: 'api_key',
        label: 'API key',
        help: 'Settings › Developer: the key of a user who may see users.',
      },
    }),
  ],
  config: [API_URL],
  // The URL the customer copied, reduced to its origin (the pattern has already pinned its host).
  baseUrl: (context) => {
    try {
      return new URL(String(context['api_url'])).origin;
    } catch {
      return '';
    }
  },
  served: ['https://*.api-us1.com'],
  servedHint: 'https://<account>.api-us1.com',
  basePath: '/api/3',
  validation: { method: 'GET', path: '/users/me' },
  // 5 calls per second per account, shared by every key (https://developers.activecampaign.com/reference/rate-limits).
  rateLimit: { calls: 5, windowSeconds: 1, headers: { remaining: 'ratelimit-remaining' } },
  // ActiveCampaign answers a missing or wrong key with 403 (https://developers.activecampaign.com/reference/errors).
  errors: (response: UpstreamResponse) => {
    const verdict = rules(response);
    return verdict && response.status === 403
      ? { ...verdict, unauthorized: true, clientStatus: 401 }
      : verdict;
  },
  resources: { users },
  unified: { 'crm/users': crmUsers },
});
