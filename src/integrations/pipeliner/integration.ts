/**
 * Pipeliner CRM users are its Clients (https://developers.pipelinersales.com/api-docs/): REST API v100 at
 * `https://{region}.api.pipelinersales.com/api/v100/rest/spaces/{space_id}`, HTTP Basic with the space's API
 * key pair, cursor paging (`first` ≤ 100, `after` ← `page_info.end_cursor` while `has_next_page`), deleted
 * users only with `include-deleted=true`, `filter[…]`/`filter-op[…]` and `order-by`. Pipeliner's support
 * accounts (`type: 1`) are not users of the space and are left out.
 */

import type { CrmUser } from '../../unified/records.ts';
import type { Condition } from '../../unified/types.ts';
import { basicAuth } from '../kit/auth.ts';
import { isoUtc } from '../kit/dates.ts';
import { defineIntegration } from '../kit/define.ts';
import { cursor } from '../kit/paginate/index.ts';
import { resource } from '../kit/resource.ts';
import { unifiedFrom } from '../kit/unified.ts';

interface Client {
  id: string;
  type?: number;
  email?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  name?: string | null;
  is_deleted?: boolean;
  created?: string;
  modified?: string;
}

export const PIPELINER_REGIONS = ['us-east', 'eu-central', 'ca-central', 'ap-southeast'];

const clients = resource({
  description:
    'Users (`entities/Clients`): cursor paging by `after`, `filter[…]`, `order-by`, `include-deleted`',
  list: {
    request: { path: '/entities/Clients' },
    paginator: cursor({
      from: 'page_info.end_cursor',
      param: 'after',
      size: 'first',
      hasMore: 'page_info.has_next_page',
    }),
    records: 'data',
    maxPageSize: 100,
  },
  // Deleted (deactivated) users are found only with include-deleted.
  get: { request: { path: '/entities/Clients/{id}', query: { 'include-deleted': 'true' } }, record: 'data' },
});

/** Unified fields as Pipeliner's, for `filter[…]` and `order-by`. */
const FIELDS: Record<string, string> = {
  email: 'email',
  name: 'name',
  created_at: 'created',
  updated_at: 'modified',
};
const TEXT_OPS: Partial<Record<Condition['op'], string>> = { eq: 'ieq', ne: 'not-ieq', like: 'icontains' };

/** Pipeliner's own date text, `2024-01-31 09:30:00.000000+00:00`. */
const pipelinerDate = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '000+00:00');

/**
 * A condition as Pipeliner's `[filter-op, filter value]`, if it can take it. Text is compared ignoring case,
 * as unified filters are. Pipeliner keeps microseconds, unified dates milliseconds: a date `gt` or `lte` is
 * sent as `gte`/`lt` the next millisecond, so both sides agree; a date `eq` stays with Switchboard.
 */
function pipelinerFilter(c: Condition): [string, string] | undefined {
  if (Array.isArray(c.value)) return undefined;
  if (c.field === 'email' || c.field === 'name') {
    const op = TEXT_OPS[c.op];
    return op === undefined ? undefined : [op, c.value];
  }
  const ms = Date.parse(c.value);
  const bound = { gte: ['gte', ms], lt: ['lt', ms], gt: ['gte', ms + 1], lte: ['lt', ms + 1] } as const;
  const b = bound[c.op as keyof typeof bound];
  return b && [b[0], pipelinerDate(b[1])];
}

const crmUsers = unifiedFrom<Client, CrmUser>({
  resource: clients,
  pushdown: {
    email: 'eq/ne/like → `filter[email]` (ieq, not-ieq, icontains)',
    name: 'eq/ne/like → `filter[name]` (ieq, not-ieq, icontains)',
    is_active: 'eq → `include-deleted` and `filter[is_deleted]`',
    created_at: 'gt/gte/lt/lte → `filter[created]`',
    updated_at: 'gt/gte/lt/lte → `filter[modified]`',
  },
  sortable: ['created_at', 'updated_at', 'email', 'name'],
  plan(query, base) {
    const params: Record<string, string> = {};
    const pushed: Condition[] = [];
    let active: Condition | undefined;
    for (const c of query.conditions) {
      if (c.field === 'is_active') active ??= c;
      const field = FIELDS[c.field];
      const filter = field ? pipelinerFilter(c) : undefined;
      // Pipeliner takes one condition per field; the others stay with Switchboard.
      if (!field || !filter || params[`filter[${field}]`] !== undefined) continue;
      params[`filter-op[${field}]`] = filter[0];
      params[`filter[${field}]`] = filter[1];
      pushed.push(c);
    }
    // Without include-deleted Pipeliner lists active users only; with it, both unless filtered.
    if (active?.value !== 'true') params['include-deleted'] = 'true';
    if (active?.value === 'false')
      Object.assign(params, { 'filter[is_deleted]': 'true', 'filter-op[is_deleted]': 'eq' });
    if (active) pushed.push(active);
    const order = query.sort.map((k) => `${k.direction === 'desc' ? '-' : ''}${FIELDS[k.field]}`).join(',');
    if (order) params['order-by'] = order;
    return { pushed, requests: [{ ...base, query: { ...base.query, ...params } }] };
  },
  map: (client) =>
    client.type === 1
      ? undefined
      : {
          id: client.id,
          name: client.name ?? ([client.first_name, client.last_name].filter(Boolean).join(' ') || null),
          first_name: client.first_name ?? null,
          last_name: client.last_name ?? null,
          email: client.email ?? null,
          is_active: client.is_deleted !== true,
          created_at: isoUtc(client.created),
          updated_at: isoUtc(client.modified),
          remote_data: client,
        },
});

export const pipeliner = defineIntegration({
  name: 'pipeliner',
  label: 'Pipeliner',
  category: 'crm',
  docsUrl: 'https://developers.pipelinersales.com/api-docs/',
  auth: [
    basicAuth({
      label: 'API key pair',
      help: 'Pipeliner › Administration › Unit, Users & Roles › Applications › your application › Show API Access.',
      username: { name: 'username', label: 'API user name', type: 'text', secret: true, required: true },
      password: { name: 'password', label: 'API password', type: 'password', secret: true, required: true },
    }),
  ],
  config: [
    {
      name: 'region',
      label: 'Service URL region',
      type: 'select',
      secret: false,
      required: true,
      help: 'The region of the Service URL shown with the API keys (e.g. eu-central for eu-central.api.pipelinersales.com).',
      options: PIPELINER_REGIONS.map((r) => ({ label: r, value: r })),
      pattern: `^(${PIPELINER_REGIONS.join('|')})$`,
    },
    {
      name: 'space_id',
      label: 'Space ID',
      type: 'text',
      secret: false,
      required: true,
      help: 'Shown with the API keys (Show API Access).',
      pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$',
    },
  ],
  baseUrl: 'https://{region}.api.pipelinersales.com',
  served: PIPELINER_REGIONS.map((r) => `https://${r}.api.pipelinersales.com`),
  basePath: '/api/v100/rest/spaces/{space_id}',
  validation: { method: 'GET', path: '/entities/Clients', query: { first: 1 } },
  // Pipeliner publishes no rate limit: a guess, kept low (a full walk is one call per 100 users).
  rateLimit: { calls: 5, windowSeconds: 1 },
  errors: { message: 'message', code: ['name', 'errorcode'] },
  resources: { users: clients },
  unified: { 'crm/users': crmUsers },
});
