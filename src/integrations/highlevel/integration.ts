/**
 * HighLevel (LeadConnector API v2) CRM users are a sub-account's (location's) users
 * (https://marketplace.gohighlevel.com/docs/ghl/users/get-user-by-location): `GET /users/?locationId=`
 * answers them all at once (Switchboard slices pages), `GET /users/{userId}` one. Every call needs
 * `Version: 2021-07-28`. The location is the connected one (from the token response, or given with a
 * Private Integration Token), or `workspace_id` names another the credentials reach. No user dates; the
 * list leaves deleted users out. OAuth 2.0 (sub-account install, scope `users.readonly`) or a Private
 * Integration Token.
 */
import { SwitchboardError } from '../../errors.ts';
import type { CrmUser } from '../../unified/records.ts';
import type { UpstreamResponse } from '../../upstream/types.ts';
import { bearerToken, oauth2 } from '../kit/auth.ts';
import { defineIntegration } from '../kit/define.ts';
import { errorRules } from '../kit/errors.ts';
import { none } from '../kit/paginate/index.ts';
import { resource } from '../kit/resource.ts';
import { equalities, unifiedFrom } from '../kit/unified.ts';
import type { AccountContext, VendorErrorVerdict } from '../types.ts';

const VERSION = '2021-07-28';
const LOCATION_ID = '^[A-Za-z0-9]{1,64}$';

interface HighLevelUser {
  id: string;
  name?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  deleted?: boolean;
}

const users = resource({
  description: 'Users of a location (`/users/?locationId=`, all at once) and one user (`/users/{id}`)',
  list: { request: { path: '/users/' }, paginator: none(), records: 'users' },
  get: { request: { path: '/users/{id}' } },
});

const crmUsers = unifiedFrom<HighLevelUser, CrmUser>({
  resource: users,
  pushdown: { workspace_id: 'eq → `locationId` (default: the connected location)' },
  plan(query, base, caller) {
    const workspace = equalities(query, ['workspace_id']).get('workspace_id');
    const locationId = workspace ? String(workspace.value) : caller.contextValue?.('location_id');
    if (!locationId || !new RegExp(LOCATION_ID).test(locationId)) {
      throw new SwitchboardError(
        'INVALID_REQUEST',
        workspace
          ? 'workspace_id must be a HighLevel location id (letters and digits)'
          : 'this HighLevel account has no location: pass workspace_id=<location id>',
      );
    }
    return {
      pushed: workspace ? [workspace] : [],
      requests: [{ ...base, query: { ...base.query, locationId } }],
    };
  },
  map: (user) => ({
    id: user.id,
    name: user.name ?? ([user.firstName, user.lastName].filter(Boolean).join(' ') || null),
    first_name: user.firstName ?? null,
    last_name: user.lastName ?? null,
    email: user.email || null,
    is_active: user.deleted !== true,
    created_at: null,
    updated_at: null,
    remote_data: user,
  }),
});

const rules = errorRules('HighLevel', { message: ['message', 'message.0', 'error'] });

/** HighLevel answers a missing scope, an agency token and a missing Version with 401s that are no credential problem. */
function detectError(response: UpstreamResponse): VendorErrorVerdict | undefined {
  const verdict = rules(response);
  if (!verdict) return undefined;
  const text = verdict.message.toLowerCase();
  if (response.status === 401 && /not authorized for this scope|authclass type is not allowed/.test(text))
    return { ...verdict, unauthorized: false, forbidden: true, clientStatus: 403 };
  if (response.status === 401 && text.includes('version header'))
    return { ...verdict, unauthorized: false, clientStatus: 502 };
  if (response.status === 400 && /not found/.test(text)) return { ...verdict, clientStatus: 404 };
  return verdict;
}

const privateToken = bearerToken({
  label: 'Private Integration Token',
  field: {
    name: 'access_token',
    label: 'Private Integration Token',
    help: 'In the sub-account: Settings › Private Integrations › create one with the users.readonly scope.',
  },
  extraFields: [
    {
      name: 'location_id',
      label: 'Location (sub-account) ID',
      type: 'text',
      secret: false,
      required: true,
      pattern: LOCATION_ID,
      help: 'In the sub-account: Settings › Business Profile.',
    },
  ],
});

export const highlevel = defineIntegration({
  name: 'highlevel',
  label: 'HighLevel',
  category: 'crm',
  docsUrl: 'https://marketplace.gohighlevel.com/docs/',
  auth: [
    oauth2({
      authorizeUrl: 'https://marketplace.gohighlevel.com/oauth/chooselocation',
      tokenUrl: 'https://services.leadconnectorhq.com/oauth/token',
      scopes: ['users.readonly'],
      pkce: false,
      clientAuth: 'body',
      tokenParams: { user_type: 'Location' },
      refreshParams: { user_type: 'Location' },
      tokenContext: { location_id: 'locationId', company_id: 'companyId' },
      // White-labelled agencies send customers through their own marketplace domain.
      oauthOrigins: [
        'https://marketplace.gohighlevel.com',
        'https://marketplace.leadconnectorhq.com',
        'https://services.leadconnectorhq.com',
      ],
      inject: (token) => ({ headers: { authorization: `Bearer ${token}`, version: VERSION } }),
    }),
    {
      ...privateToken,
      inject: (context: AccountContext) => ({
        headers: { ...privateToken.inject(context).headers, version: VERSION },
      }),
    },
  ],
  baseUrl: 'https://services.leadconnectorhq.com',
  served: ['https://services.leadconnectorhq.com'],
  validation: (context) => ({
    method: 'GET',
    path: '/users/',
    query: { locationId: typeof context.location_id === 'string' ? context.location_id : '' },
  }),
  // Per app and location: 100 requests in 10 seconds and 200,000 a day, announced in X-RateLimit-* headers.
  rateLimit: {
    calls: 100,
    windowSeconds: 10,
    more: [{ calls: 200_000, windowSeconds: 86_400 }],
    headers: { remaining: 'x-ratelimit-remaining' },
  },
  errors: detectError,
  resources: { users },
  unified: { 'crm/users': crmUsers },
});
