/**
 * HubSpot CRM users are the CRM Owners API (https://developers.hubspot.com/docs/api/crm/owners): cursor
 * paging by `after` (at most 500), `archived=true` listing only deactivated owners, queues among the
 * owners (skipped: they are not people who log in). OAuth 2.0 (scope `crm.objects.owners.read`) or a
 * private app's token. Pushed down: `email` and `is_active` (eq); Switchboard applies the rest; no sort.
 */
import { SwitchboardError } from '../../errors.ts';
import type { CrmUser } from '../../unified/records.ts';
import type { UpstreamCall } from '../../upstream/types.ts';
import { bearerToken, oauth2 } from '../kit/auth.ts';
import { defineIntegration } from '../kit/define.ts';
import { cursor } from '../kit/paginate/index.ts';
import { resource } from '../kit/resource.ts';
import { equalities, unifiedFrom } from '../kit/unified.ts';

interface Owner {
  id: string;
  email?: string | null;
  type?: string;
  firstName?: string | null;
  lastName?: string | null;
  archived?: boolean;
  createdAt?: string;
  updatedAt?: string;
}

const owners = resource({
  description: 'CRM Owners (`/crm/v3/owners`): email, archived; cursor paging by `after`',
  list: {
    request: { path: '/crm/v3/owners' },
    paginator: cursor({ from: 'paging.next.after', param: 'after', size: 'limit' }),
    records: 'results',
    maxPageSize: 500,
  },
  get: { request: { path: '/crm/v3/owners/{id}' } },
});

const archived = (call: UpstreamCall, value: boolean): UpstreamCall => ({
  ...call,
  query: { ...call.query, archived: value },
});

const crmUsers = unifiedFrom<Owner, CrmUser>({
  resource: owners,
  pushdown: { email: 'eq → owners `email`', is_active: 'eq → owners `archived`' },
  plan(query, base) {
    const eq = equalities(query, ['email', 'is_active']);
    const email = eq.get('email')?.value as string | undefined;
    const request = email ? { ...base, query: { ...base.query, email } } : base;
    const active = eq.get('is_active')?.value;
    // `archived=true` lists only archived owners: without an is_active filter, walk both.
    const requests =
      active === undefined
        ? [archived(request, false), archived(request, true)]
        : [archived(request, active === 'false')];
    return { pushed: [...eq.values()], requests };
  },
  // Archived owners are found only with `archived=true`.
  async get(caller, id) {
    for (const value of [false, true]) {
      try {
        const path = `/crm/v3/owners/${encodeURIComponent(id)}`;
        return (await caller.call({ method: 'GET', path, query: { archived: value } }, { primary: true }))
          .body;
      } catch (error) {
        if (!(error instanceof SwitchboardError && error.statusCode === 404)) throw error;
      }
    }
    return undefined;
  },
  map: (owner) =>
    owner.type === 'QUEUE'
      ? undefined
      : {
          id: String(owner.id),
          name: [owner.firstName, owner.lastName].filter(Boolean).join(' '),
          first_name: owner.firstName ?? null,
          last_name: owner.lastName ?? null,
          email: owner.email ?? null,
          is_active: owner.archived !== true,
          created_at: owner.createdAt ?? null,
          updated_at: owner.updatedAt ?? null,
          remote_data: owner,
        },
});

export const hubspot = defineIntegration({
  name: 'hubspot',
  label: 'HubSpot',
  category: 'crm',
  docsUrl: 'https://developers.hubspot.com/docs/api/crm/owners',
  auth: [
    oauth2({
      authorizeUrl: 'https://app.hubspot.com/oauth/authorize',
      tokenUrl: 'https://api.hubapi.com/oauth/v1/token',
      scopes: ['crm.objects.owners.read'],
      tokenContext: { hub_id: 'hub_id' },
      // HubSpot's name for a refresh token it no longer accepts.
      revokedErrors: ['BAD_REFRESH_TOKEN'],
    }),
    bearerToken({
      label: 'Private app token',
      field: {
        name: 'access_token',
        label: 'Private app access token',
        help: 'Settings › Integrations › Private Apps: a token with the crm.objects.owners.read scope.',
      },
    }),
  ],
  baseUrl: 'https://api.hubapi.com',
  served: ['https://api.hubapi.com'],
  validation: { method: 'GET', path: '/crm/v3/owners', query: { limit: 1 } },
  // Free/Starter apps: 100 requests per 10 s and 250,000 a day (higher tiers: override per account).
  rateLimit: {
    calls: 100,
    windowSeconds: 10,
    more: [{ calls: 250_000, windowSeconds: 86_400 }],
    headers: { remaining: 'x-hubspot-ratelimit-remaining' },
  },
  errors: { message: 'message', code: 'category' },
  resources: { owners },
  unified: { 'crm/users': crmUsers },
});
