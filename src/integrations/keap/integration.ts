/**
 * Keap (Infusionsoft) CRM users are REST v2 users (https://developer.keap.com/docs/restv2/): cursor paging
 * by `page_token` (at most 100), a `filter` grammar (`email==…;include_inactive==true`), `order_by`
 * (`create_time`, `email`, `name` = family name). Inactive users and partners are listed only when asked
 * for; `NOT_A_USER` records are not people who log in and are left out. OAuth 2.0 (scope `full`, the only
 * one) or a Personal Access Token / Service Account Key. Pushed down: `email` (eq) and the `created_at` and
 * `email` sorts; `is_active` narrows the listing and Switchboard checks it.
 */
import { SwitchboardError } from '../../errors.ts';
import type { CrmUser } from '../../unified/records.ts';
import type { Condition } from '../../unified/types.ts';
import { apiKeyHeader, oauth2 } from '../kit/auth.ts';
import { isoUtc } from '../kit/dates.ts';
import { defineIntegration } from '../kit/define.ts';
import { cursor } from '../kit/paginate/index.ts';
import { resource } from '../kit/resource.ts';
import { equalities, unifiedFrom } from '../kit/unified.ts';

interface KeapUser {
  id: string;
  given_name?: string | null;
  family_name?: string | null;
  status?: 'ACTIVE' | 'INVITED' | 'INACTIVE' | 'NOT_A_USER';
  email_addresses?: Array<{ email?: string; field?: string }>;
  create_time?: string | null;
  update_time?: string | null;
}

const users = resource({
  description: 'Users (`/crm/rest/v2/users`): `filter`, `order_by`; cursor paging by `page_token`',
  list: {
    request: { path: '/crm/rest/v2/users' },
    paginator: cursor({ from: 'next_page_token', param: 'page_token', size: 'page_size' }),
    records: 'users',
    maxPageSize: 100,
  },
  get: { request: { path: '/crm/rest/v2/users/{id}' } },
});

const SORTS: Record<string, string> = { created_at: 'create_time', email: 'email' };

/** A value the filter grammar can carry (`;` separates clauses, `*` means a prefix). */
const plain = (value: string) => !/[;*]|==/.test(value);

const crmUsers = unifiedFrom<KeapUser, CrmUser>({
  resource: users,
  pushdown: {
    email: 'eq → `filter=email==…`',
    is_active: 'true leaves out inactive users (`include_inactive`); Switchboard checks the status',
  },
  sortable: ['created_at', 'email'],
  plan(query, base) {
    const eq = equalities(query, ['email', 'is_active']);
    const email = eq.get('email');
    const pushed: Condition[] = email && plain(String(email.value)) ? [email] : [];
    const clauses = [
      ...pushed.map((c) => `email==${c.value}`),
      // INVITED users are listed with the active ones, so Switchboard still checks is_active.
      ...(eq.get('is_active')?.value === 'true' ? [] : ['include_inactive==true']),
      'include_partners==true',
    ];
    if (query.sort.length > 1) {
      throw new SwitchboardError('UNSUPPORTED_FILTER', 'Keap sorts users by one field at a time');
    }
    const sort = query.sort[0];
    const order = sort ? { order_by: `${SORTS[sort.field]} ${sort.direction}` } : {};
    return { pushed, requests: [{ ...base, query: { ...base.query, filter: clauses.join(';'), ...order } }] };
  },
  map: (user) => {
    if (user.status === 'NOT_A_USER') return undefined;
    const emails = user.email_addresses ?? [];
    const email = (emails.find((e) => e.field === 'EMAIL1') ?? emails[0])?.email;
    return {
      id: String(user.id),
      name: [user.given_name, user.family_name].filter(Boolean).join(' '),
      first_name: user.given_name ?? null,
      last_name: user.family_name ?? null,
      email: email ?? null,
      is_active: user.status === 'ACTIVE',
      created_at: isoUtc(user.create_time),
      updated_at: isoUtc(user.update_time),
      remote_data: user,
    };
  },
});

export const keap = defineIntegration({
  name: 'keap',
  label: 'Keap',
  category: 'crm',
  docsUrl: 'https://developer.keap.com/docs/restv2/',
  auth: [
    oauth2({
      authorizeUrl: 'https://accounts.infusionsoft.com/app/oauth/authorize',
      tokenUrl: 'https://api.infusionsoft.com/token',
      scopes: ['full'],
      // Keap documents no PKCE; the code goes with body credentials, refreshes with Basic.
      pkce: false,
      clientAuth: 'body',
      refreshClientAuth: 'basic',
      // A refresh token Keap no longer takes comes back `invalid_request` ("Invalid Refresh Token").
      revokedErrors: ['invalid_request'],
    }),
    apiKeyHeader({
      label: 'Personal Access Token or Service Account Key',
      header: 'x-keap-api-key',
      field: {
        name: 'api_key',
        label: 'Personal Access Token or Service Account Key',
        help: 'In Keap: Settings › API Settings › add a key. A Service Account Key (admins only) sees every user.',
      },
    }),
  ],
  baseUrl: 'https://api.infusionsoft.com',
  served: ['https://api.infusionsoft.com', 'https://api.keap.com'],
  validation: { method: 'GET', path: '/crm/rest/v2/oauth/connect/userinfo' },
  // The key budgets are the tighter ones: 10/s (a spike arrest, which spreads calls evenly), 240/min and
  // 30,000/day. One call every 250 ms keeps any minute at 240 and any second at 4. (OAuth apps: 1,500/min
  // and 150,000/day per client, across every tenant.)
  rateLimit: {
    calls: 1,
    windowSeconds: 0.25,
    more: [{ calls: 30_000, windowSeconds: 86_400 }],
    headers: { remaining: 'x-keap-product-throttle-available' },
  },
  errors: { message: ['fault.faultstring', 'message'], code: ['fault.detail.errorcode', 'status'] },
  resources: { users },
  unified: { 'crm/users': crmUsers },
});
