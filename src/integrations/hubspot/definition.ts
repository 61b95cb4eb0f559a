/**
 * HubSpot CRM users from the CRM Owners API (reference crm-users-a-to-m §9): a private-app or OAuth token
 * as a Bearer header, cursor pagination (`after`, max 500), `archived` as the active flag, queues skipped.
 */
import type { UpstreamResponse } from '../../upstream/types.ts';
import type { AccountContext, IntegrationDefinition } from '../types.ts';
import { crmUsers } from './owners.ts';

const HUBSPOT_ORIGIN = 'https://api.hubapi.com';

export const hubspot: IntegrationDefinition = {
  name: 'hubspot',
  label: 'HubSpot',
  credentials: [
    {
      name: 'access_token',
      label: 'Private app access token',
      type: 'password',
      secret: true,
      required: true,
      help: 'A private app token with the crm.objects.owners.read scope.',
    },
    {
      name: 'api_origin',
      label: 'API origin',
      type: 'text',
      secret: false,
      required: false,
      help: 'Leave empty for https://api.hubapi.com.',
    },
  ],
  upstreamOrigin: (context: AccountContext) => String(context['api_origin'] || HUBSPOT_ORIGIN),
  servesOrigin: (origin: URL) => origin.origin === HUBSPOT_ORIGIN,
  servedOriginsHint: HUBSPOT_ORIGIN,
  basePath: '',
  authorize: (context: AccountContext) => ({
    headers: { authorization: `Bearer ${String(context['access_token'] ?? '')}` },
  }),
  validation: { method: 'GET', path: '/crm/v3/owners', query: { limit: 1 } },
  // Free/Starter private apps: 100 requests per 10 s (higher tiers allow 190; override per account).
  rateLimit: { calls: 100, windowSeconds: 10 },
  detectError(response: UpstreamResponse) {
    if (response.status < 400) return undefined;
    const body = response.body as { message?: unknown } | null;
    return {
      rateLimited: response.status === 429,
      unauthorized: response.status === 401,
      message: typeof body?.message === 'string' ? body.message : `HubSpot answered HTTP ${response.status}`,
    };
  },
  proxy: {
    owners: {
      description: 'CRM Owners (`/crm/v3/owners`): email, archived; cursor paging by `after`',
      list: {
        maxPageSize: 500,
        request: ({ query, state, limit }) => ({
          method: 'GET',
          path: '/crm/v3/owners',
          query: { ...(query as Record<string, string>), limit, after: state as string | undefined },
        }),
        records: (body) => (body as { results?: unknown[] })?.results ?? [],
        next: ({ body }) => (body as { paging?: { next?: { after?: string } } })?.paging?.next?.after,
      },
      get: {
        request: ({ id, query }) => ({
          method: 'GET',
          path: `/crm/v3/owners/${encodeURIComponent(id)}`,
          query: query as Record<string, string>,
        }),
        record: (body) => body,
      },
    },
  },
  unified: { 'crm/users': crmUsers },
};
