/**
 * Attio CRM users are Attio's workspace members
 * (https://docs.attio.com/rest-api/endpoint-reference/workspace-members/list-workspace-members): one
 * unpaged `GET /v2/workspace_members`, `GET /v2/workspace_members/{id}`, scope `user_management:read`.
 * Members are never deleted: suspended ones (`access_level: suspended`) are inactive. OAuth 2.0 (tokens
 * that never expire and cannot be refreshed: a refused one means reconnecting) or a workspace API key.
 * Attio filters and sorts members by nothing, so Switchboard applies every filter and refuses sorts.
 */
import { SwitchboardError } from '../../errors.ts';
import type { CrmUser } from '../../unified/records.ts';
import type { UpstreamResponse } from '../../upstream/types.ts';
import { bearerToken, oauth2 } from '../kit/auth.ts';
import { isoUtc } from '../kit/dates.ts';
import { defineIntegration } from '../kit/define.ts';
import { errorRules } from '../kit/errors.ts';
import { none } from '../kit/paginate/index.ts';
import { resource } from '../kit/resource.ts';
import { unifiedFrom } from '../kit/unified.ts';

interface WorkspaceMember {
  id: { workspace_id: string; workspace_member_id: string };
  first_name?: string | null;
  last_name?: string | null;
  email_address?: string | null;
  created_at?: string | null;
  access_level?: 'admin' | 'member' | 'suspended';
}

const members = resource({
  description: 'Workspace members (`/v2/workspace_members`): every member at once, no paging',
  list: { request: { path: '/v2/workspace_members' }, paginator: none(), records: 'data' },
  get: { request: { path: '/v2/workspace_members/{id}' }, record: 'data' },
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const crmUsers = unifiedFrom<WorkspaceMember, CrmUser>({
  resource: members,
  // Member ids are UUIDs: anything else is no member (Attio would refuse it as malformed).
  async get(caller, id) {
    if (!UUID.test(id)) return undefined;
    try {
      const path = `/v2/workspace_members/${id}`;
      return ((await caller.call({ method: 'GET', path }, { safe: true })).body as { data?: unknown }).data;
    } catch (error) {
      if (error instanceof SwitchboardError && error.statusCode === 404) return undefined;
      throw error;
    }
  },
  map: (member) => {
    const name = [member.first_name, member.last_name].filter(Boolean).join(' ');
    return {
      id: member.id.workspace_member_id,
      name: name || null,
      first_name: member.first_name ?? null,
      last_name: member.last_name ?? null,
      email: member.email_address ?? null,
      is_active: member.access_level === undefined ? null : member.access_level !== 'suspended',
      // Nanosecond timestamps (`…49.061281000Z`) to milliseconds.
      created_at: isoUtc(member.created_at),
      // Attio keeps no update time for members.
      updated_at: null,
      remote_data: member,
    };
  },
});

const attioErrors = errorRules('Attio', { message: 'message', code: 'code' });

/** `/v2/self` answers an unknown or revoked token with 200 `{ "active": false }`: that is a refusal. */
function detectError(response: UpstreamResponse) {
  if (response.status < 400 && (response.body as { active?: unknown } | null)?.active === false) {
    return {
      unauthorized: true,
      rateLimited: false,
      forbidden: false,
      message: 'Attio says the access token is not active (unknown, revoked or deleted)',
    };
  }
  return attioErrors(response);
}

export const attio = defineIntegration({
  name: 'attio',
  label: 'Attio',
  category: 'crm',
  docsUrl: 'https://docs.attio.com/rest-api/endpoint-reference/workspace-members/list-workspace-members',
  auth: [
    oauth2({
      authorizeUrl: 'https://app.attio.com/authorize',
      tokenUrl: 'https://app.attio.com/oauth/token',
      // Set on the app at build.attio.com; Attio's authorize URL takes no scope.
      scopes: ['user_management:read'],
      pkce: false,
    }),
    bearerToken({
      label: 'API key',
      field: {
        name: 'access_token',
        label: 'Workspace API key',
        help: 'Attio › Workspace settings › Developers: an access token with the user_management:read scope.',
      },
    }),
  ],
  baseUrl: 'https://api.attio.com',
  served: ['https://api.attio.com'],
  validation: { method: 'GET', path: '/v2/self' },
  // 100 reads per second; a 429 carries Retry-After as an HTTP date.
  rateLimit: { calls: 100, windowSeconds: 1 },
  errors: detectError,
  resources: { members },
  unified: { 'crm/users': crmUsers },
});
