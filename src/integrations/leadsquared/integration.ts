/**
 * LeadSquared: access key + secret key sent as `x-LSQ-*` headers (the vendor's recommendation; keys in
 * query strings end up in access logs), a regional API host per tenant, 25 calls per 5 s per account
 * on the Enterprise plan, and errors that may arrive with HTTP 200 (reference §1.3–1.5).
 */

import type { UpstreamResponse } from '../../upstream/types.ts';
import { apiKeyHeaders } from '../kit/auth.ts';
import { defineIntegration } from '../kit/define.ts';
import type { AccountContext, VendorErrorVerdict } from '../types.ts';
import { discoverLeadSquaredHost } from './discover-host.ts';
import { directoryGroups } from './groups.ts';
import { checkMembership } from './groups-write.ts';
import { leadsquaredProxy } from './proxy.ts';
import { directoryRoles } from './roles.ts';
import { crmUsers, directoryUsers } from './users.ts';

export const LEADSQUARED_REGIONS = [
  { label: 'Singapore (default)', value: 'api.leadsquared.com' },
  { label: 'United States', value: 'api-us11.leadsquared.com' },
  { label: 'India (Mumbai)', value: 'api-in21.leadsquared.com' },
  { label: 'India (Hyderabad)', value: 'api-in22.leadsquared.com' },
  { label: 'Ireland', value: 'api-ir31.leadsquared.com' },
  { label: 'Canada', value: 'api-ca12.leadsquared.com' },
  { label: 'Middle East', value: 'api-me61.leadsquared.com' },
];

/** LeadSquared reports input and uniqueness errors as HTTP 500 with an MX body (reference §1.5). */
const CLIENT_STATUS: Record<string, number> = {
  MXDuplicateEntryException: 409,
  MXMandatoryAttributeMissingException: 400,
  MXInvalidInputException: 400,
  MXUnAuthorizedAccessException: 403,
  MXUnauthorizedRequestException: 403,
};

const LEADSQUARED_HOST = /^api(-[a-z]{2}\d{1,3})?\.leadsquared\.com$/;

interface MxBody {
  Status?: unknown;
  ExceptionType?: unknown;
  ExceptionMessage?: unknown;
}

function asMxBody(body: unknown): MxBody | undefined {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as MxBody) : undefined;
}

/** LeadSquared errors, including MX bodies sent with HTTP 200 (reference §1.5). */
function detectMxError(response: UpstreamResponse): VendorErrorVerdict | undefined {
  const mx = asMxBody(response.body);
  const isMxError = mx?.Status === 'Error' || typeof mx?.ExceptionType === 'string';
  if (response.status < 400 && !isMxError) return undefined;
  const type = typeof mx?.ExceptionType === 'string' ? mx.ExceptionType : '';
  const message =
    typeof mx?.ExceptionMessage === 'string' && mx.ExceptionMessage
      ? mx.ExceptionMessage
      : `LeadSquared answered HTTP ${response.status}`;
  return {
    rateLimited: response.status === 429 || type === 'MXAPIRateLimitExceededException',
    unauthorized: response.status === 401 || type === 'MXInvalidAccessDetailsException',
    message,
    vendorCode: type || undefined,
    clientStatus: CLIENT_STATUS[type],
  };
}

export function upstreamOriginFromHost(apiHost: string): string {
  // A bare host name means HTTPS (how LeadSquared shows it); a full origin is kept as given.
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(apiHost) ? apiHost : `https://${apiHost}`;
}

export const leadsquared = defineIntegration({
  name: 'leadsquared',
  label: 'LeadSquared',
  category: 'marketing_automation',
  docsUrl: 'https://apidocs.leadsquared.com/',
  auth: [
    apiKeyHeaders({
      label: 'Access key and secret key',
      help: 'LeadSquared › My Account › Settings › API and Webhooks.',
      fields: [
        {
          name: 'access_key',
          label: 'Access Key',
          type: 'text',
          secret: false,
          required: true,
          placeholder: 'u$r…',
        },
        { name: 'secret_key', label: 'Secret Key', type: 'password', secret: true, required: true },
      ],
      headers: { 'x-LSQ-AccessKey': 'access_key', 'x-LSQ-SecretKey': 'secret_key' },
    }),
  ],
  config: [
    {
      name: 'api_host',
      label: 'API Host',
      type: 'select',
      secret: false,
      required: true,
      help: 'Shown in LeadSquared under My Account › Settings › API and Webhooks.',
      options: LEADSQUARED_REGIONS,
    },
  ],
  baseUrl: (context: AccountContext) => upstreamOriginFromHost(String(context['api_host'] ?? '')),
  served: (origin: URL) =>
    origin.protocol === 'https:' && origin.port === '' && LEADSQUARED_HOST.test(origin.hostname),
  servedHint: 'https://api.leadsquared.com or a regional https://api-<region>.leadsquared.com host',
  basePath: '/v2',
  validation: { method: 'GET', path: '/Authentication.svc/UserByAccessKey.Get' },
  discoverOrigin: discoverLeadSquaredHost,
  rateLimit: { calls: 25, windowSeconds: 5 },
  errors: detectMxError,
  resources: leadsquaredProxy,
  unified: {
    'user-directory/users': directoryUsers,
    'user-directory/groups': directoryGroups,
    'user-directory/roles': directoryRoles,
    'crm/users': crmUsers,
  },
  asyncChecks: {
    'leadsquared:sales-group-add-users': (caller, details) => checkMembership(caller, details, 'add'),
    'leadsquared:sales-group-remove-users': (caller, details) => checkMembership(caller, details, 'remove'),
  },
});
