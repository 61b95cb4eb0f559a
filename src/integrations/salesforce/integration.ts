/**
 * Salesforce CRM users are the org's `User` records read with SOQL (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm):
 * a query cursor handed out in batches of 200-2,000 (`Sforce-Query-Options: batchSize`) and followed by
 * `nextRecordsUrl`. Only `UserType = 'Standard'` users hold a CRM licence; portal, guest, Chatter and
 * automation users are left out. OAuth 2.0 web server flow (scopes `api refresh_token`); the API lives at the
 * org's `instance_url` from the token response. Every filter but `ne`/`nin` becomes SOQL; all four sorts.
 */
import type { CrmUser } from '../../unified/records.ts';
import type { Condition } from '../../unified/types.ts';
import { oauth2 } from '../kit/auth.ts';
import { isoUtc } from '../kit/dates.ts';
import { defineIntegration } from '../kit/define.ts';
import { type SoqlField, soqlWhere } from '../kit/filters/soql.ts';
import { nextUrl } from '../kit/paginate/index.ts';
import type { Paginator } from '../kit/paginate/types.ts';
import { resource } from '../kit/resource.ts';
import { unifiedFrom } from '../kit/unified.ts';

export const API_VERSION = 'v62.0';
export const USER_FIELDS = [
  'Id',
  'Username',
  'Name',
  'FirstName',
  'LastName',
  'Email',
  'IsActive',
  'UserType',
  'CreatedDate',
  'LastModifiedDate',
] as const;
const SELECT = `SELECT ${USER_FIELDS.join(', ')} FROM User`;

interface SalesforceUser {
  Id: string;
  Name?: string | null;
  FirstName?: string | null;
  LastName?: string | null;
  Email?: string | null;
  IsActive?: boolean;
  UserType?: string;
  CreatedDate?: string;
  LastModifiedDate?: string;
}

/** `nextRecordsUrl` paging; the batch size is a header, and Salesforce's smallest batch is 200. */
const nextRecords = nextUrl({ from: 'nextRecordsUrl' });
const queryBatches: Paginator<string> = {
  describe: 'query cursor: nextRecordsUrl, batches of 200-2,000 (Sforce-Query-Options: batchSize)',
  page(call, state, pageSize) {
    const paged = nextRecords.page(call, state, undefined);
    if (pageSize === undefined) return paged;
    const batchSize = Math.min(2000, Math.max(200, pageSize));
    return { ...paged, headers: { ...paged.headers, 'sforce-query-options': `batchSize=${batchSize}` } };
  },
  next: nextRecords.next,
};

const users = resource({
  description: `Users by SOQL (\`/services/data/${API_VERSION}/query\`, send your own \`q\`); batches via nextRecordsUrl`,
  list: {
    request: { path: `/services/data/${API_VERSION}/query`, query: { q: SELECT } },
    paginator: queryBatches,
    records: 'records',
    maxPageSize: 2000,
    defaultPageSize: 200,
    // A finished query cursor is closed: a batch cannot be read twice to split it.
    rereadablePages: false,
  },
  get: {
    request: {
      path: `/services/data/${API_VERSION}/sobjects/User/{id}`,
      query: { fields: USER_FIELDS.join(',') },
    },
  },
});

const FIELDS: Record<string, SoqlField & { sort?: true }> = {
  email: { name: 'Email', type: 'string', sort: true },
  name: { name: 'Name', type: 'string', sort: true },
  first_name: { name: 'FirstName', type: 'string' },
  last_name: { name: 'LastName', type: 'string' },
  is_active: { name: 'IsActive', type: 'boolean' },
  created_at: { name: 'CreatedDate', type: 'datetime', sort: true },
  updated_at: { name: 'LastModifiedDate', type: 'datetime', sort: true },
};

/**
 * SOQL `!=` and `NOT IN` keep nulls where Switchboard's do too, but are left local to stay exact; SOQL
 * date-time literals have whole seconds, so a bound with milliseconds is applied by Switchboard.
 */
const pushable = (c: Condition) =>
  c.op !== 'ne' &&
  c.op !== 'nin' &&
  !(FIELDS[c.field]?.type === 'datetime' && Date.parse(String(c.value)) % 1000);

const crmUsers = unifiedFrom<SalesforceUser, CrmUser>({
  resource: users,
  pushdown: Object.fromEntries(
    Object.entries(FIELDS).map(([field, soql]) => [field, `SOQL WHERE on ${soql.name}`]),
  ),
  sortable: Object.keys(FIELDS).filter((field) => FIELDS[field]!.sort),
  plan(query, base) {
    const { clause, pushed } = soqlWhere(query.conditions.filter(pushable), FIELDS);
    const where = ["UserType = 'Standard'", clause].filter(Boolean).join(' AND ');
    const order = query.sort.map((key) => `${FIELDS[key.field]!.name} ${key.direction.toUpperCase()}`);
    const orderBy = order.length ? ` ORDER BY ${[...order, 'Id'].join(', ')}` : '';
    return {
      pushed,
      requests: [{ ...base, query: { ...base.query, q: `${SELECT} WHERE ${where}${orderBy}` } }],
    };
  },
  map: (user) =>
    user.UserType !== 'Standard'
      ? undefined
      : {
          id: user.Id,
          name: user.Name ?? null,
          first_name: user.FirstName ?? null,
          last_name: user.LastName ?? null,
          email: user.Email ?? null,
          is_active: user.IsActive ?? null,
          created_at: isoUtc(user.CreatedDate),
          updated_at: isoUtc(user.LastModifiedDate),
          remote_data: user,
        },
});

export const salesforce = defineIntegration({
  name: 'salesforce',
  label: 'Salesforce',
  category: 'crm',
  docsUrl: 'https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/',
  auth: [
    oauth2({
      authorizeUrl: 'https://{login_host}/services/oauth2/authorize',
      tokenUrl: 'https://{login_host}/services/oauth2/token',
      scopes: ['api', 'refresh_token'],
      tokenContext: { instance_url: 'instance_url' },
      revokedErrors: ['inactive_user', 'inactive_org'],
      fields: [
        {
          name: 'login_host',
          label: 'Salesforce environment',
          type: 'select',
          secret: false,
          required: true,
          options: [
            { label: 'Production or Developer Edition', value: 'login.salesforce.com' },
            { label: 'Sandbox', value: 'test.salesforce.com' },
          ],
          pattern: '^(login|test)\\.salesforce\\.com$',
        },
      ],
      oauthOrigins: [
        'https://login.salesforce.com',
        'https://test.salesforce.com',
        'https://*.my.salesforce.com',
        'https://*.sandbox.my.salesforce.com',
      ],
    }),
  ],
  baseUrl: '{instance_url}',
  served: [
    'https://*.my.salesforce.com',
    'https://*.sandbox.my.salesforce.com',
    'https://*.develop.my.salesforce.com',
    'https://*.scratch.my.salesforce.com',
  ],
  servedHint: 'your My Domain URL (https://<domain>.my.salesforce.com)',
  validation: {
    method: 'GET',
    path: `/services/data/${API_VERSION}/query`,
    query: { q: 'SELECT Id FROM User LIMIT 1' },
  },
  // No per-second limit is documented; the org's 24-hour allocation (a Developer Edition's 15,000; more on
  // paid editions: raise it per account) is shared with every other app of the customer.
  rateLimit: { calls: 25, windowSeconds: 1, more: [{ calls: 15_000, windowSeconds: 86_400 }] },
  errors: {
    message: ['0.message', 'error_description'],
    code: ['0.errorCode', 'error'],
    rateLimited: { codes: ['REQUEST_LIMIT_EXCEEDED'] },
  },
  resources: { users },
  unified: { 'crm/users': crmUsers },
});
