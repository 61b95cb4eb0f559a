/**
 * OnePageCRM CRM users are the v3 users API (https://github.com/OnePageCRM/swagger, `GET /users`: "the full
 * team is returned, unpaginated"; `GET /users/{user_id}`), with HTTP Basic: the API user's id and API key.
 * Users carry no status and no timestamps, so `is_active`, `created_at` and `updated_at` stay empty, and
 * the API filters and sorts nothing: Switchboard applies every filter. The throttle answers 403 with a
 * plain-text body, which is a rate limit, not a missing permission.
 */

import type { CrmUser } from '../../unified/records.ts';
import type { UpstreamResponse } from '../../upstream/types.ts';
import { basicAuth } from '../kit/auth.ts';
import { defineIntegration } from '../kit/define.ts';
import { errorRules } from '../kit/errors.ts';
import { none } from '../kit/paginate/index.ts';
import { resource } from '../kit/resource.ts';
import { unifiedFrom } from '../kit/unified.ts';
import type { VendorErrorVerdict } from '../types.ts';

interface OnePageCrmUser {
  id: string;
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
}

const users = resource({
  description: 'Users (`/api/v3/users`): the whole team in one unpaginated answer, `data[].user`',
  list: { request: { path: '/users' }, paginator: none(), records: 'data.*.user' },
  get: { request: { path: '/users/{id}' }, record: 'data.user' },
});

const crmUsers = unifiedFrom<OnePageCrmUser, CrmUser>({
  resource: users,
  map: (user) => ({
    id: user.id,
    name: [user.first_name, user.last_name].filter(Boolean).join(' '),
    first_name: user.first_name ?? null,
    last_name: user.last_name ?? null,
    email: user.email ?? null,
    remote_data: user,
  }),
});

const vendorErrors = errorRules('OnePageCRM', { message: ['error_message', 'message'], code: 'error_name' });

/** The throttle's 403 is plain text; OnePageCRM's permission errors are JSON. */
function detectError(response: UpstreamResponse): VendorErrorVerdict | undefined {
  const verdict = vendorErrors(response);
  if (verdict && response.status === 403 && typeof response.body === 'string')
    return { ...verdict, rateLimited: true, forbidden: false };
  return verdict;
}

export const onepagecrm = defineIntegration({
  name: 'onepagecrm',
  label: 'OnePageCRM',
  category: 'crm',
  docsUrl: 'https://developer.onepagecrm.com/',
  auth: [
    basicAuth({
      label: 'User ID and API key',
      help: 'OnePageCRM’s API page (https://app.onepagecrm.com/app/api, the API tab): copy the User ID and the API key.',
      username: {
        name: 'user_id',
        label: 'User ID',
        type: 'text',
        secret: false,
        required: true,
        pattern: '^[0-9a-f]{24}$',
      },
      password: { name: 'api_key', label: 'API key', type: 'password', secret: true, required: true },
    }),
  ],
  baseUrl: 'https://app.onepagecrm.com',
  served: ['https://app.onepagecrm.com'],
  basePath: '/api/v3',
  validation: { method: 'GET', path: '/users' },
  // "An average of 5 requests per second, with bursts of up to 10", per client IP.
  rateLimit: { calls: 5, windowSeconds: 1 },
  errors: detectError,
  resources: { users },
  unified: { 'crm/users': crmUsers },
});
