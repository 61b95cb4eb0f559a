/**
 * Microsoft Dynamics 365 Sales users are the environment's Dataverse `systemuser` rows, read with the Web
 * API (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/overview): OData `$filter`,
 * `$orderby`, paging by `Prefer: odata.maxpagesize` and `@odata.nextLink`. Application users (`applicationid`
 * set), non-interactive, support and delegated-admin users are left out. OAuth 2.0 with Microsoft Entra ID
 * v2.0, scope `<environment>/.default offline_access`; the environment URL is asked for and pinned to
 * `https://*.crm*.dynamics.com`. Every filter but `ne`/`nin` and all four sorts are applied by Dataverse.
 */
import { SwitchboardError } from '../../errors.ts';
import type { CrmUser } from '../../unified/records.ts';
import type { Condition } from '../../unified/types.ts';
import { oauth2 } from '../kit/auth.ts';
import { isoUtc } from '../kit/dates.ts';
import { defineIntegration } from '../kit/define.ts';
import { type ODataField, odataCondition } from '../kit/filters/odata.ts';
import { odata } from '../kit/paginate/index.ts';
import { buildRequest, recordOf, resource } from '../kit/resource.ts';
import { unifiedFrom } from '../kit/unified.ts';

export const API = '/api/data/v9.2';
export const COLUMNS = [
  'systemuserid',
  'fullname',
  'firstname',
  'lastname',
  'internalemailaddress',
  'isdisabled',
  'accessmode',
  'applicationid',
  'createdon',
  'modifiedon',
] as const;
const ODATA_HEADERS = { 'odata-maxversion': '4.0', 'odata-version': '4.0' };
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Read-Write, Administrative and Read users are people; 3 Support, 4 Non-interactive, 5 Delegated Admin are not. */
const INTERACTIVE = new Set([0, 1, 2]);

interface SystemUser {
  systemuserid: string;
  fullname?: string | null;
  firstname?: string | null;
  lastname?: string | null;
  internalemailaddress?: string | null;
  isdisabled?: boolean | null;
  accessmode?: number | null;
  applicationid?: string | null;
  createdon?: string | null;
  modifiedon?: string | null;
}

const systemusers = resource({
  description: `Users (\`${API}/systemusers\`): OData $select/$filter/$orderby; Prefer odata.maxpagesize, @odata.nextLink`,
  list: {
    request: { path: `${API}/systemusers`, query: { $select: COLUMNS.join(',') }, headers: ODATA_HEADERS },
    paginator: odata(),
    records: 'value',
    maxPageSize: 5000,
  },
  get: {
    request: {
      path: `${API}/systemusers({id})`,
      query: { $select: COLUMNS.join(',') },
      headers: ODATA_HEADERS,
    },
    // The row without the response's `@odata.context`, so it equals the row in a list.
    record: (body) => {
      const { '@odata.context': _context, ...row } = body as Record<string, unknown>;
      return row;
    },
  },
});

const FIELDS: Record<string, ODataField> = {
  email: { name: 'internalemailaddress', type: 'string' },
  name: { name: 'fullname', type: 'string' },
  first_name: { name: 'firstname', type: 'string' },
  last_name: { name: 'lastname', type: 'string' },
  created_at: { name: 'createdon', type: 'datetime' },
  updated_at: { name: 'modifiedon', type: 'datetime' },
};

/** `is_active eq true` is `isdisabled eq false`; `ne`/`nin` stay local (OData and Switchboard differ on nulls). */
function filterPart(condition: Condition): string | undefined {
  if (condition.op === 'ne' || condition.op === 'nin') return undefined;
  if (condition.field === 'is_active')
    return condition.value === 'true' || condition.value === 'false'
      ? `isdisabled eq ${condition.value === 'false'}`
      : undefined;
  const field = FIELDS[condition.field];
  return field && odataCondition(condition, field);
}

const crmUsers = unifiedFrom<SystemUser, CrmUser>({
  resource: systemusers,
  pushdown: {
    ...Object.fromEntries(Object.entries(FIELDS).map(([field, { name }]) => [field, `$filter on ${name}`])),
    is_active: '$filter on isdisabled (negated)',
  },
  sortable: ['created_at', 'email', 'name', 'updated_at'],
  plan(query, base) {
    const pushed: Condition[] = [];
    const parts: string[] = [];
    for (const condition of query.conditions) {
      const part = filterPart(condition);
      if (part) {
        pushed.push(condition);
        parts.push(part);
      }
    }
    const order = query.sort.map((key) => `${FIELDS[key.field]!.name} ${key.direction}`);
    const extra = {
      ...(parts.length ? { $filter: parts.join(' and ') } : {}),
      ...(order.length ? { $orderby: [...order, 'systemuserid asc'].join(',') } : {}),
    };
    return { pushed, requests: [{ ...base, query: { ...base.query, ...extra } }] };
  },
  // A key that is no GUID names no row (Dataverse would answer 400 for the syntax).
  async get(caller, id) {
    const get = systemusers.get!;
    if (!GUID.test(id)) return undefined;
    try {
      return recordOf(
        get,
        (await caller.call(buildRequest(get.request, { id, query: {} }), { primary: true })).body,
      );
    } catch (error) {
      if (error instanceof SwitchboardError && error.statusCode === 404) return undefined;
      throw error;
    }
  },
  map: (user) =>
    user.applicationid || !INTERACTIVE.has(user.accessmode ?? 0)
      ? undefined
      : {
          id: user.systemuserid,
          name: user.fullname ?? null,
          first_name: user.firstname ?? null,
          last_name: user.lastname ?? null,
          email: user.internalemailaddress ?? null,
          is_active: typeof user.isdisabled === 'boolean' ? !user.isdisabled : null,
          created_at: isoUtc(user.createdon),
          updated_at: isoUtc(user.modifiedon),
          remote_data: user,
        },
});

export const dynamics365 = defineIntegration({
  name: 'dynamics365',
  label: 'Microsoft Dynamics 365 Sales',
  category: 'crm',
  docsUrl: 'https://learn.microsoft.com/power-apps/developer/data-platform/webapi/overview',
  auth: [
    oauth2({
      authorizeUrl: 'https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize',
      tokenUrl: 'https://login.microsoftonline.com/organizations/oauth2/v2.0/token',
      scopes: ['{org_url}/.default', 'offline_access'],
      // Entra ID v2.0 wants the scope again on every refresh.
      refreshParams: { scope: '{org_url}/.default offline_access' },
      fields: [
        {
          name: 'org_url',
          label: 'Environment URL',
          type: 'text',
          secret: false,
          required: true,
          placeholder: 'https://contoso.crm.dynamics.com',
          help: 'Power Platform admin center › Environments › your environment › Environment URL.',
          pattern: '^https://[a-z0-9][a-z0-9-]*\\.crm[0-9]{0,2}\\.dynamics\\.com$',
        },
      ],
    }),
  ],
  baseUrl: '{org_url}',
  served: (origin) =>
    origin.protocol === 'https:' &&
    origin.port === '' &&
    /^[a-z0-9][a-z0-9-]*\.(api\.)?crm[0-9]{0,2}\.dynamics\.com$/.test(origin.hostname),
  servedHint: 'https://<environment>.crm<N>.dynamics.com',
  validation: { method: 'GET', path: `${API}/WhoAmI`, headers: ODATA_HEADERS },
  // Service protection: 6,000 requests per user in a sliding 5 minutes; paced as 100 per 5 s, which can
  // never exceed it. The burst budget header pauses the account when it reaches 0.
  rateLimit: {
    calls: 100,
    windowSeconds: 5,
    headers: { remaining: 'x-ms-ratelimit-burst-remaining-xrm-requests' },
  },
  errors: { message: 'error.message', code: 'error.code' },
  resources: { systemusers },
  unified: { 'crm/users': crmUsers },
});
