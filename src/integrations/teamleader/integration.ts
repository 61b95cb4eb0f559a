/**
 * Teamleader Focus: CRM users are Teamleader users (https://developer.focus.teamleader.eu/docs/api/users-list),
 * read with RPC-style `POST /users.list` (JSON body: `filter`, `sort`, `page{size,number}`, no total: a
 * short page is the last). OAuth 2.0 only (scope `users`, chosen on the Marketplace integration), refresh
 * tokens that work once. Teamleader users have no timestamps. Pushed down: `is_active` (`filter.status`)
 * and sorting by email or name; `email` and `name` are narrowed with `filter.term`, matched by Switchboard.
 */
import type { CrmUser } from '../../unified/records.ts';
import type { Caller } from '../../unified/types.ts';
import { oauth2 } from '../kit/auth.ts';
import { defineIntegration } from '../kit/define.ts';
import { pageNumber } from '../kit/paginate/index.ts';
import { resource } from '../kit/resource.ts';
import { equalities, unifiedFrom } from '../kit/unified.ts';

interface TeamleaderUser {
  id: string;
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
  status?: 'active' | 'deactivated';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Without a status filter Teamleader lists active users only. */
const BOTH = ['active', 'deactivated'];

const users = resource({
  description:
    'Users (`POST /users.list`): filter ids/term/status and sort in the JSON body; page size and number',
  list: {
    // A proxy caller's parameters are the body (`filter[term]=…`); paging is added by the paginator.
    request: ({ query }) => ({ method: 'POST', path: '/users.list', body: { ...query } }),
    paginator: pageNumber({ page: 'page.number', size: 'page.size', in: 'body' }),
    records: 'data',
    // Not documented; SDKs use 100 (the emulator refuses more, as a guess).
    maxPageSize: 100,
  },
  get: { request: ({ id }) => ({ method: 'POST', path: '/users.info', body: { id } }), record: 'data' },
});

const crmUsers = unifiedFrom<TeamleaderUser, CrmUser>({
  resource: users,
  pushdown: { is_active: 'eq → users.list `filter.status`' },
  sortable: ['email', 'name'],
  plan(query, base) {
    const eq = equalities(query, ['is_active', 'email', 'name']);
    const active = eq.get('is_active')?.value;
    const filter: Record<string, unknown> = {
      status: active === undefined ? BOTH : [active === 'true' ? 'active' : 'deactivated'],
    };
    // `term` matches first name, last name, email or function as a substring: a superset of an exact
    // email, or of a name's first word. Switchboard then keeps the exact matches.
    const email = eq.get('email')?.value as string | undefined;
    const firstWord = (eq.get('name')?.value as string | undefined)?.trim().split(/\s+/)[0];
    if (email || firstWord) filter.term = email || firstWord;
    const sort = query.sort.flatMap(({ field, direction }) =>
      field === 'name'
        ? [
            { field: 'first_name', order: direction },
            { field: 'last_name', order: direction },
          ]
        : [{ field, order: direction }],
    );
    const body = { ...(base.body as object), filter, ...(sort.length > 0 ? { sort } : {}) };
    return { pushed: active === undefined ? [] : [eq.get('is_active')!], requests: [{ ...base, body }] };
  },
  // `users.list` by id, not `users.info`: the same record shape as the list (info adds a locale and time zone).
  async get(caller: Caller, id: string) {
    if (!UUID.test(id)) return undefined;
    const call = {
      method: 'POST' as const,
      path: '/users.list',
      body: { filter: { ids: [id], status: BOTH } },
    };
    const response = await caller.call(call, { safe: true, primary: true });
    return (response.body as { data?: unknown[] }).data?.[0];
  },
  map: (user) => ({
    id: user.id,
    name: [user.first_name, user.last_name].filter(Boolean).join(' ') || null,
    first_name: user.first_name ?? null,
    last_name: user.last_name ?? null,
    email: user.email ?? null,
    is_active: user.status === undefined ? null : user.status === 'active',
    created_at: null,
    updated_at: null,
    remote_data: user,
  }),
});

export const teamleader = defineIntegration({
  name: 'teamleader',
  label: 'Teamleader Focus',
  category: 'crm',
  docsUrl: 'https://developer.focus.teamleader.eu/docs/api/users-list',
  auth: [
    oauth2({
      authorizeUrl: 'https://focus.teamleader.eu/oauth2/authorize',
      tokenUrl: 'https://focus.teamleader.eu/oauth2/access_token',
      // Chosen on the Marketplace integration, not asked for at authorize; `users` reads users.
      scopes: ['users'],
      pkce: false,
      clientAuth: 'body',
    }),
  ],
  baseUrl: 'https://api.focus.teamleader.eu',
  served: ['https://api.focus.teamleader.eu'],
  validation: { method: 'POST', path: '/users.me', body: {} },
  // 200 calls per sliding minute per integration and account, paced as 50 per 15 s (never more in any
  // minute), so that a 429 without Retry-After costs 15 s rather than a minute.
  rateLimit: {
    calls: 50,
    windowSeconds: 15,
    headers: {
      remaining: 'x-ratelimit-remaining',
      reset: { header: 'x-ratelimit-reset', unit: 'date' },
    },
  },
  errors: { message: 'errors.0.title', code: 'errors.0.code' },
  resources: { users },
  unified: { 'crm/users': crmUsers },
});
