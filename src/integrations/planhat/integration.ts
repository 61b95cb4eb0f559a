/**
 * Planhat users are the team members who use Planhat (https://www.planhat.com/developers/api/user):
 * `GET /users` answers a bare array paged by `limit`/`offset`, filtered by `email`; a static API access token
 * (a service account's, or a personal one) as a bearer token. Pushed down: `email` (eq); Switchboard applies
 * the rest; no sort.
 */
import type { CrmUser } from '../../unified/records.ts';
import { bearerToken } from '../kit/auth.ts';
import { isoUtc } from '../kit/dates.ts';
import { defineIntegration } from '../kit/define.ts';
import { offset } from '../kit/paginate/index.ts';
import { resource } from '../kit/resource.ts';
import { equalities, unifiedFrom } from '../kit/unified.ts';

interface User {
  _id: string;
  email?: string | null;
  nickName?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  inactive?: boolean;
  createdAt?: string | null;
  createDate?: string | null;
  updatedAt?: string | null;
}

const users = resource({
  description: 'Users (`/users`): a bare array, `limit`/`offset` paging, `email` filter',
  list: {
    request: { path: '/users' },
    paginator: offset({ offset: 'offset', limit: 'limit' }),
    records: '',
    // Planhat states no maximum for /users; 2,000 stays well under what integrators use (10,000).
    maxPageSize: 2000,
  },
  get: { request: { path: '/users/{id}' } },
});

const crmUsers = unifiedFrom<User, CrmUser>({
  resource: users,
  pushdown: { email: 'eq → `email`' },
  plan(query, base) {
    const email = equalities(query, ['email']).get('email');
    if (!email) return { pushed: [], requests: [base] };
    return { pushed: [email], requests: [{ ...base, query: { ...base.query, email: String(email.value) } }] };
  },
  map: (user) => {
    const name = [user.firstName, user.lastName].filter(Boolean).join(' ') || user.nickName || null;
    return {
      id: user._id,
      name,
      first_name: user.firstName ?? null,
      last_name: user.lastName ?? null,
      email: user.email ?? null,
      is_active: user.inactive !== true,
      created_at: isoUtc(user.createdAt ?? user.createDate),
      updated_at: isoUtc(user.updatedAt),
      remote_data: user,
    };
  },
});

export const planhat = defineIntegration({
  name: 'planhat',
  label: 'Planhat',
  category: 'crm',
  docsUrl: 'https://www.planhat.com/developers/api/user',
  auth: [
    bearerToken({
      label: 'API access token',
      field: {
        name: 'api_token',
        label: 'API access token',
        help: 'Planhat › Settings › Service Accounts: a service account allowed to read users, and its API access token.',
      },
    }),
  ],
  baseUrl: 'https://api.planhat.com',
  served: ['https://api.planhat.com'],
  validation: { method: 'GET', path: '/myprofile' },
  // 200 calls a minute (Planhat's quota; 150 a second is the hard limit), paced at 3 a second so that no
  // sliding minute holds more than 180; the minute is also counted, and `X-Rate-Limit-Remaining` honoured.
  rateLimit: {
    calls: 3,
    windowSeconds: 1,
    more: [{ calls: 200, windowSeconds: 60 }],
    headers: { remaining: 'x-rate-limit-remaining' },
  },
  errors: { message: ['message', 'error'] },
  resources: { users },
  unified: { 'crm/users': crmUsers },
});
