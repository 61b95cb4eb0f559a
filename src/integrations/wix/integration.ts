/**
 * Wix: CRM users are a site's **contributors**, the people with access to its dashboard (the owner and
 * invited collaborators), from Query Site Contributors
 * (https://dev.wix.com/docs/rest/account-level/user-management/contributors/query-site-contributors): one
 * unpaged response, filterable only by role or location, so Switchboard applies every unified filter. Two
 * ways in: an app's OAuth client credentials for one app instance (JSON token request, four-hour tokens,
 * no refresh token: Switchboard asks again), or an account API key with the site id. Both credentials go
 * in `Authorization` without a scheme. Team accounts (`isTeam`) are not people and are left out.
 */
import type { CrmUser } from '../../unified/records.ts';
import type { Caller } from '../../unified/types.ts';
import { apiKeyHeaders, oauth2 } from '../kit/auth.ts';
import { defineIntegration } from '../kit/define.ts';
import { none } from '../kit/paginate/index.ts';
import { resource } from '../kit/resource.ts';
import { unifiedFrom } from '../kit/unified.ts';

interface Contributor {
  id: string;
  metaData?: { fullName?: string; email?: string };
  invitedEmail?: string;
  isTeam?: boolean;
  joinedAt?: string;
}

const GUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const PATH = '/roles-management/v2/contributors/query';

const contributors = resource({
  description:
    'Site contributors (`GET /roles-management/v2/contributors/query`): every one at once; filter by role or location',
  list: { request: { path: PATH }, paginator: none(), records: 'contributors' },
});

/** Wix has no single-contributor read: the one with this id from the (unpaged) list. */
async function getContributor(caller: Caller, id: string): Promise<unknown | undefined> {
  const response = await caller.call({ method: 'GET', path: PATH }, { safe: true, primary: true });
  return (response.body as { contributors?: Contributor[] }).contributors?.find((c) => c.id === id);
}

const crmUsers = unifiedFrom<Contributor, CrmUser>({
  resource: contributors,
  get: getContributor,
  map: (c) =>
    c.isTeam
      ? undefined
      : {
          id: c.id,
          name: c.metaData?.fullName ?? null,
          email: c.metaData?.email ?? c.invitedEmail ?? null,
          // Wix lists only people who have access now (removed collaborators disappear).
          is_active: true,
          // When they joined the site; Wix gives no update time.
          created_at: c.joinedAt ?? null,
          updated_at: null,
          remote_data: c,
        },
});

export const wix = defineIntegration({
  name: 'wix',
  label: 'Wix',
  category: 'crm',
  docsUrl: 'https://dev.wix.com/docs/rest/account-level/user-management/contributors/query-site-contributors',
  auth: [
    oauth2({
      label: 'Wix app (OAuth client credentials)',
      grant: 'client_credentials',
      tokenUrl: 'https://www.wixapis.com/oauth2/token',
      // Permissions (Manage Contributors) are set on the app, not asked for in the token request.
      scopes: [],
      tokenFormat: 'json',
      tokenParams: { instance_id: '{instance_id}' },
      fields: [
        {
          name: 'instance_id',
          label: 'App instance ID',
          type: 'text',
          secret: false,
          required: true,
          pattern: GUID,
          help: 'The instanceId of your Wix app on the customer’s site (from the App Instance Installed webhook).',
        },
      ],
      inject: (token) => ({ headers: { authorization: token } }),
    }),
    apiKeyHeaders({
      label: 'API key and site ID',
      help: 'In the Wix API Keys Manager, create a key with the Manage Contributors permission for the site.',
      fields: [
        { name: 'api_key', label: 'API key', type: 'password', secret: true, required: true },
        { name: 'site_id', label: 'Site ID', type: 'text', secret: false, required: true, pattern: GUID },
      ],
      headers: { authorization: 'api_key', 'wix-site-id': 'site_id' },
    }),
  ],
  baseUrl: 'https://www.wixapis.com',
  served: ['https://www.wixapis.com'],
  validation: { method: 'GET', path: PATH },
  // 200 calls per minute per app instance, paced as 50 per 15 s (never more in any minute) so that a 429
  // without Retry-After costs 15 s rather than a minute. Wix documents no rate-limit headers.
  rateLimit: { calls: 50, windowSeconds: 15 },
  errors: { message: 'message', code: 'details.applicationError.code' },
  resources: { contributors },
  unified: { 'crm/users': crmUsers },
});
