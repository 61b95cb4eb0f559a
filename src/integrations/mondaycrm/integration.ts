/**
 * monday CRM users are the users of the monday.com account, read through the platform API's GraphQL
 * `users` query (https://developer.monday.com/api-reference/reference/users): `limit`/`page` variables (at
 * most 1000 a page), `non_active` listing only deactivated users, `emails`, a fuzzy `name`. OAuth 2.0
 * (scopes `users:read me:read`; tokens do not expire and cannot be refreshed) or a personal API token,
 * both sent bare in `Authorization`. GraphQL errors come with HTTP 200. Pushed down: `email` and
 * `is_active` (eq); `name` narrows the vendor's search but Switchboard checks it; no sort.
 */
import type { CrmUser } from '../../unified/records.ts';
import type { UpstreamCall } from '../../upstream/types.ts';
import { apiKeyHeader, oauth2 } from '../kit/auth.ts';
import { isoUtc } from '../kit/dates.ts';
import { defineIntegration } from '../kit/define.ts';
import { graphqlPage } from '../kit/paginate/index.ts';
import { resource } from '../kit/resource.ts';
import { valueAt } from '../kit/select.ts';
import { equalities, unifiedFrom } from '../kit/unified.ts';

/** Fields present in every API version up to 2026-07 (the version pinned below). */
export const USER_FIELDS: readonly string[] = (
  'id name email enabled created_at join_date last_activity is_admin is_guest is_pending is_view_only ' +
  'is_verified title time_zone_identifier url photo_thumb'
).split(' ');
const SELECTION = USER_FIELDS.join(' ');
const API_VERSION = { 'api-version': '2026-07' };

const LIST_QUERY = `query ($limit: Int!, $page: Int!, $non_active: Boolean, $emails: [String], $name: String) {
  users(limit: $limit, page: $page, kind: all, non_active: $non_active, emails: $emails, name: $name) { ${SELECTION} }
}`;
// Deactivated users appear only with `non_active: true`: one call asks both ways.
const GET_QUERY = `query ($ids: [ID!]) {
  active: users(ids: $ids, kind: all) { ${SELECTION} }
  inactive: users(ids: $ids, kind: all, non_active: true) { ${SELECTION} }
}`;

/** The fields the mapping reads (the record holds every selected field). */
interface MondayUser {
  id: string;
  name?: string | null;
  email?: string | null;
  enabled?: boolean | null;
  created_at?: string | null;
  url?: string | null;
}

const graphql = (query: string, variables: Record<string, unknown>): UpstreamCall => ({
  method: 'POST',
  path: '/v2',
  headers: API_VERSION,
  body: { query, variables },
});

const users = resource({
  description: 'Users (GraphQL `users` on `POST /v2`): `limit`/`page` variables, at most 1000 a page',
  list: {
    request: {
      method: 'POST',
      path: '/v2',
      headers: API_VERSION,
      body: { query: LIST_QUERY, variables: {} },
    },
    paginator: graphqlPage({ page: 'page', limit: 'limit' }),
    records: 'data.users',
    maxPageSize: 1000,
  },
  get: {
    request: ({ id }) => graphql(GET_QUERY, { ids: [id] }),
    record: (body) => valueAt(body, 'data.active.0') ?? valueAt(body, 'data.inactive.0'),
  },
});

const withVariables = (call: UpstreamCall, variables: Record<string, unknown>): UpstreamCall => {
  const body = call.body as { query: string; variables: Record<string, unknown> };
  return { ...call, body: { ...body, variables: { ...body.variables, ...variables } } };
};

const crmUsers = unifiedFrom<MondayUser, CrmUser>({
  resource: users,
  pushdown: { email: 'eq → `users(emails: [...])`', is_active: 'eq → `users(non_active: …)`' },
  plan(query, base) {
    const eq = equalities(query, ['email', 'is_active', 'name']);
    const narrowed: Record<string, unknown> = {};
    const email = eq.get('email')?.value;
    if (typeof email === 'string') narrowed['emails'] = [email];
    // monday's `name` search is fuzzy: it narrows the walk, and Switchboard keeps only exact matches.
    const name = eq.get('name')?.value;
    if (typeof name === 'string') narrowed['name'] = name;
    const request = withVariables(base, narrowed);
    const active = eq.get('is_active');
    const requests = active
      ? [withVariables(request, { non_active: active.value === 'false' })]
      : [withVariables(request, { non_active: false }), withVariables(request, { non_active: true })];
    return { pushed: [eq.get('email'), active].filter((c) => c !== undefined), requests };
  },
  map: (user) => ({
    id: String(user.id),
    name: user.name ?? null,
    email: user.email ?? null,
    is_active: user.enabled ?? null,
    created_at: isoUtc(user.created_at),
    // monday keeps no modification time for users.
    updated_at: null,
    urls: user.url ? [{ type: 'profile', url: user.url }] : [],
    remote_data: user,
  }),
});

const bareToken = (token: string) => ({ headers: { authorization: token } });

export const mondaycrm = defineIntegration({
  name: 'mondaycrm',
  label: 'monday CRM',
  category: 'crm',
  docsUrl: 'https://developer.monday.com/api-reference/reference/users',
  auth: [
    oauth2({
      authorizeUrl: 'https://auth.monday.com/oauth2/authorize',
      tokenUrl: 'https://auth.monday.com/oauth2/token',
      scopes: ['users:read', 'me:read'],
      pkce: false,
      inject: bareToken,
    }),
    apiKeyHeader({
      label: 'Personal API token',
      header: 'authorization',
      field: {
        name: 'api_token',
        label: 'Personal API token',
        help: 'In monday.com: your avatar › Developers › API token › Show (an admin’s or member’s token).',
      },
    }),
  ],
  baseUrl: 'https://api.monday.com',
  served: ['https://api.monday.com'],
  validation: graphql('query { me { id } }', {}),
  // The minute limit's size is not published: 100 a minute, as 10 per 6 s, stays well inside it and lets a
  // bare 429 cost seconds. Daily: the Basic/Standard plans' 1,000 calls (resetting at midnight UTC).
  rateLimit: { calls: 10, windowSeconds: 6, more: [{ calls: 1_000, windowSeconds: 86_400 }] },
  errors: {
    message: ['errors.0.message', 'error_message'],
    code: ['errors.0.extensions.code', 'error_code'],
    errorIn2xx: 'errors',
    rateLimited: {
      status: [429],
      codes: [
        'COMPLEXITY_BUDGET_EXHAUSTED',
        'ComplexityException',
        'DAILY_LIMIT_EXCEEDED',
        'RATE_LIMIT_EXCEEDED',
        'maxConcurrencyExceeded',
        'IP_RATE_LIMIT_EXCEEDED',
      ],
    },
    unauthorized: { status: [401], codes: ['UNAUTHENTICATED'] },
    forbidden: { status: [403], codes: ['missingRequiredPermissions', 'USER_ACCESS_DENIED'] },
    clientStatus: {
      GRAPHQL_VALIDATION_FAILED: 400,
      GRAPHQL_PARSE_FAILED: 400,
      INVALID_ARGUMENT: 400,
      maxComplexityExceeded: 400,
    },
  },
  resources: { users },
  unified: { 'crm/users': crmUsers },
});
