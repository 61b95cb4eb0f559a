/**
 * Salesflare users are the members of the Salesflare team (https://api.salesflare.com/docs): `GET /users`
 * answers a bare array paged by `limit`/`offset`, filtered by `email`, `onlyEnabled` and the free-text
 * `search` (Truto's `search_term`); an API key as a bearer token. Pushed down: `email` (eq), `is_active=true`,
 * `search_term`; Switchboard applies the rest; no sort (the keys `order_by` takes are undocumented).
 */

import type { CrmUser } from '../../unified/records.ts';
import type { Condition } from '../../unified/types.ts';
import { bearerToken } from '../kit/auth.ts';
import { isoUtc } from '../kit/dates.ts';
import { defineIntegration } from '../kit/define.ts';
import { offset } from '../kit/paginate/index.ts';
import { resource } from '../kit/resource.ts';
import { equalities, unifiedFrom } from '../kit/unified.ts';

interface User {
  id: number;
  email?: string | null;
  name?: string | null;
  firstname?: string | null;
  lastname?: string | null;
  disabled?: boolean;
  creation_date?: string | null;
  modification_date?: string | null;
}

const users = resource({
  description: 'Users (`/users`): a bare array, `limit`/`offset` paging, `email`, `search`, `onlyEnabled`',
  list: {
    request: { path: '/users' },
    paginator: offset({ offset: 'offset', limit: 'limit' }),
    records: '',
    // Salesflare states no maximum (only a default of 10): teams are small, 100 a page is plenty.
    maxPageSize: 100,
  },
  get: { request: { path: '/users/{id}' } },
});

const crmUsers = unifiedFrom<User, CrmUser>({
  resource: users,
  pushdown: {
    email: 'eq → `email`',
    is_active: 'eq true → `onlyEnabled=true` (false: Switchboard)',
    search_term: '→ `search` (Salesflare’s own free-text matching)',
  },
  plan(query, base) {
    const eq = equalities(query, ['email', 'is_active', 'search_term']);
    const params: Record<string, string> = {};
    const pushed: Condition[] = [];
    const email = eq.get('email');
    if (email) {
      params['email'] = String(email.value);
      pushed.push(email);
    }
    const active = eq.get('is_active');
    if (active?.value === 'true') {
      params['onlyEnabled'] = 'true';
      pushed.push(active);
    }
    const search = eq.get('search_term');
    if (search) {
      params['search'] = String(search.value);
      pushed.push(search);
    }
    return { pushed, requests: [{ ...base, query: { ...base.query, ...params } }] };
  },
  map: (user) => ({
    id: String(user.id),
    name: user.name ?? ([user.firstname, user.lastname].filter(Boolean).join(' ') || null),
    first_name: user.firstname ?? null,
    last_name: user.lastname ?? null,
    email: user.email ?? null,
    is_active: user.disabled !== true,
    created_at: isoUtc(user.creation_date),
    updated_at: isoUtc(user.modification_date),
    remote_data: user,
  }),
});

export const salesflare = defineIntegration({
  name: 'salesflare',
  label: 'Salesflare',
  category: 'crm',
  docsUrl: 'https://api.salesflare.com/docs',
  auth: [
    bearerToken({
      label: 'API key',
      field: {
        name: 'api_key',
        label: 'API key',
        help: 'Salesflare › Settings › API keys › the orange “+” button.',
      },
    }),
  ],
  baseUrl: 'https://api.salesflare.com',
  served: ['https://api.salesflare.com'],
  validation: { method: 'GET', path: '/me' },
  // Salesflare publishes no limit, only that 429 can happen: a guess, kept low.
  rateLimit: { calls: 5, windowSeconds: 1 },
  errors: { message: 'message', code: 'error' },
  resources: { users },
  unified: { 'crm/users': crmUsers },
});
