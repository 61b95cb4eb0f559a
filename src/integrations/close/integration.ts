/**
 * Close CRM users are Close's users (https://developer.close.com/api/resources/users): `GET /user/` paged
 * by `_skip`/`_limit` (at most 100) with `has_more`, `GET /user/{id}/`. A user has no active flag: whether
 * they are still on the team is their organization's membership (`memberships` vs `inactive_memberships`
 * of `GET /organization/{id}/`, https://developer.close.com/api/resources/organizations), read once per
 * account and cached briefly. OAuth 2.0 (`all.full_access offline_access`) or an API key sent as the HTTP
 * Basic user name. Close filters users by nothing and sorts them only ascending by name, so every filter
 * and sort is Switchboard's (sorting is refused).
 */

import type { CrmUser } from '../../unified/records.ts';
import type { Caller, UnifiedResourceMapping } from '../../unified/types.ts';
import { basicAuth, oauth2 } from '../kit/auth.ts';
import { isoUtc } from '../kit/dates.ts';
import { defineIntegration } from '../kit/define.ts';
import { offset } from '../kit/paginate/index.ts';
import { resource } from '../kit/resource.ts';
import { unifiedFrom } from '../kit/unified.ts';

interface CloseUser {
  id: string;
  email?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  date_created?: string | null;
  date_updated?: string | null;
}

interface Membership {
  user_id: string;
}

const users = resource({
  description: 'Users (`/user/`): `_skip`/`_limit` paging up to 100 with `has_more`; `/user/{id}/`',
  list: {
    request: { path: '/user/' },
    paginator: offset({ offset: '_skip', limit: '_limit', hasMore: 'has_more' }),
    records: 'data',
    maxPageSize: 100,
  },
  get: { request: { path: '/user/{id}/' } },
});

/** User id → still a member (true) or removed (false), over every organization the credentials see. */
function membershipStates(caller: Caller): Promise<Map<string, boolean>> {
  return caller.memo('close:memberships', async () => {
    const me = await caller.call({ method: 'GET', path: '/me/', query: { _fields: 'organizations' } });
    const orgs = ((me.body as { organizations?: Array<string | { id: string }> }).organizations ?? []).map(
      (org) => (typeof org === 'string' ? org : org.id),
    );
    const states = new Map<string, boolean>();
    for (const org of orgs) {
      const path = `/organization/${encodeURIComponent(org)}/`;
      const body = (await caller.call({ method: 'GET', path })).body as {
        memberships?: Membership[];
        inactive_memberships?: Membership[];
      };
      for (const m of body.inactive_memberships ?? [])
        if (!states.has(m.user_id)) states.set(m.user_id, false);
      // A current member of any of the organizations is active.
      for (const m of body.memberships ?? []) states.set(m.user_id, true);
    }
    return states;
  });
}

function toCrmUser(user: CloseUser, active: boolean | undefined): CrmUser {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return {
    id: user.id,
    name: name || null,
    first_name: user.first_name ?? null,
    last_name: user.last_name ?? null,
    email: user.email ?? null,
    // Unknown when the user is in neither membership list (an organization the credentials cannot read).
    is_active: active ?? null,
    created_at: isoUtc(user.date_created),
    updated_at: isoUtc(user.date_updated),
    remote_data: user,
  };
}

const paged = unifiedFrom<CloseUser, CrmUser>({ resource: users, map: (user) => toCrmUser(user, undefined) });

const crmUsers: UnifiedResourceMapping = {
  ...paged,
  async mapper(caller) {
    const states = await membershipStates(caller);
    return (record) => toCrmUser(record as CloseUser, states.get((record as CloseUser).id));
  },
};

export const close = defineIntegration({
  name: 'close',
  label: 'Close',
  category: 'crm',
  docsUrl: 'https://developer.close.com/api/resources/users',
  auth: [
    oauth2({
      authorizeUrl: 'https://app.close.com/oauth2/authorize/',
      tokenUrl: 'https://api.close.com/oauth2/token/',
      // Close has one data scope; offline_access is what brings a refresh token.
      scopes: ['all.full_access', 'offline_access'],
      pkce: false,
    }),
    basicAuth({
      label: 'API key',
      help: 'Close › Settings › Developer › API Keys: create a key for the organization.',
      username: {
        name: 'api_key',
        label: 'API key',
        type: 'password',
        secret: true,
        required: true,
      },
      fixedPassword: '',
    }),
  ],
  baseUrl: 'https://api.close.com',
  served: ['https://api.close.com'],
  basePath: '/api/v1',
  validation: { method: 'GET', path: '/me/', query: { _fields: 'id' } },
  // Per API key and endpoint group; the docs' example key limit is 20 calls per second (3× per organization).
  rateLimit: {
    calls: 20,
    windowSeconds: 1,
    headers: {
      remaining: 'ratelimit-remaining',
      reset: { header: 'ratelimit-reset', unit: 'seconds' },
    },
  },
  errors: { message: ['error.message', 'error', 'errors.0'] },
  resources: { users },
  unified: { 'crm/users': crmUsers },
});
