/**
 * The proxy API (`/proxy/{resource}[/{id}]`): an integration's own resources one-to-one, authenticated and
 * paginated by Switchboard (one upstream page per call, walked with `next_cursor`), and the custom API
 * (`/custom/{path}`): any path under the vendor's base URL with the account's auth injected.
 */
import { Type } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decodeCursor, encodeCursor } from '../../crypto/signed-cursor.ts';
import { SwitchboardError } from '../../errors.ts';
import {
  buildRequest,
  fetchListPage,
  type ProxyResource,
  type ProxyWrite,
  pageSizeOf,
  recordOf,
} from '../../integrations/kit/resource.ts';
import type { Services } from '../../services.ts';
import { parseLimit } from '../../unified/query.ts';
import { type AccountCaller, openCaller } from '../../upstream/account-caller.ts';
import type { HttpMethod } from '../../upstream/types.ts';
import type { App } from '../app.ts';
import { idempotencyKeyOf, runIdempotent } from '../idempotency.ts';
import { setBudgetHeaders } from './upstream-headers.ts';

const AccountQuery = Type.Object(
  { integrated_account_id: Type.String({ minLength: 1 }) },
  { additionalProperties: true },
);
const tags = ['proxy'];
/** Switchboard's own parameters; everything else is the caller's, for the vendor. */
const OWN_PARAMS = new Set(['integrated_account_id', 'limit', 'next_cursor']);

interface ProxyCursor {
  r: string;
  a: string;
  s: unknown;
  n: number | undefined;
}

/** The part of the request target after `/custom/`, before the query, exactly as sent. */
function customPath(target: string): string {
  const path = target.split('?')[0] ?? '';
  const at = path.indexOf('/custom/');
  return at < 0 ? '' : path.slice(at + '/custom/'.length);
}

function vendorQuery(query: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(query).filter(([k]) => !OWN_PARAMS.has(k) && !k.startsWith('truto_')),
  );
}

function resourceOf(caller: AccountCaller, name: string): ProxyResource {
  const resource = Object.hasOwn(caller.integration.proxy, name) ? caller.integration.proxy[name] : undefined;
  if (!resource) {
    throw new SwitchboardError(
      'NOT_FOUND',
      `${caller.integration.label} has no proxy resource "${name}"; available: ${Object.keys(caller.integration.proxy).join(', ')}`,
    );
  }
  return resource;
}

export function registerProxyRoutes(app: App, services: Services): void {
  app.get(
    '/proxy/:resource',
    {
      schema: {
        tags,
        summary: 'List a vendor resource, one upstream page per call',
        params: Type.Object({ resource: Type.String() }),
        querystring: AccountQuery,
      },
    },
    async (request, reply) => {
      const caller = await openCaller(services, request.environmentId, request.query.integrated_account_id);
      const name = request.params.resource;
      const list = resourceOf(caller, name).list;
      if (!list)
        throw new SwitchboardError(
          'METHOD_NOT_ALLOWED',
          `proxy resource ${name} cannot be listed; get it by id`,
        );
      let state: unknown;
      const raw = request.query as Record<string, unknown>;
      let limit = pageSizeOf(
        list,
        list.maxPageSize === undefined ? undefined : parseLimit(raw['limit'], list.maxPageSize),
      );
      const cursorParam = raw['next_cursor'];
      if (typeof cursorParam === 'string' && cursorParam) {
        const cursor = decodeCursor<ProxyCursor>(services.keyring, cursorParam);
        if (cursor.r !== name || cursor.a !== caller.accountId) {
          throw new SwitchboardError('INVALID_CURSOR', 'next_cursor belongs to another resource or account');
        }
        state = cursor.s;
        limit = cursor.n;
      }
      const base = buildRequest(list.request, { query: vendorQuery(request.query) });
      const { records, next } = await fetchListPage(caller, list, base, state, limit);
      setBudgetHeaders(reply, caller.budget);
      return {
        result: records,
        next_cursor:
          next === undefined
            ? null
            : encodeCursor(services.keyring, { r: name, a: caller.accountId, s: next, n: limit }),
        prev_cursor: null,
        result_count: records.length,
      };
    },
  );

  app.get(
    '/proxy/:resource/:id',
    {
      schema: {
        tags,
        summary: 'Get one vendor record (the vendor body, unwrapped)',
        params: Type.Object({ resource: Type.String(), id: Type.String({ minLength: 1 }) }),
        querystring: AccountQuery,
      },
    },
    async (request, reply) => {
      const caller = await openCaller(services, request.environmentId, request.query.integrated_account_id);
      const { resource: name, id } = request.params;
      const get = resourceOf(caller, name).get;
      if (!get)
        throw new SwitchboardError(
          'METHOD_NOT_ALLOWED',
          `proxy resource ${name} cannot be read by id; list it`,
        );
      const response = await caller.call(
        buildRequest(get.request, { id, query: vendorQuery(request.query) }),
        {
          safe: true,
        },
      );
      const record = recordOf(get, response.body);
      setBudgetHeaders(reply, caller.budget);
      if (record === undefined)
        throw new SwitchboardError('NOT_FOUND', `${caller.integration.label} has no ${name} ${id}`);
      return record;
    },
  );

  registerProxyWriteRoutes(app, services);

  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/custom/*',
    schema: {
      tags: ['custom'],
      summary: 'Call any path under the vendor base URL with the account’s auth',
      querystring: AccountQuery,
    },
    handler: async (request, reply) => {
      // The path as the client wrote it (still percent-encoded): the origin guard decides what may leave.
      const path = customPath(request.raw.url ?? '');
      if (!path) throw new SwitchboardError('INVALID_REQUEST', 'name a path under the vendor base URL');
      const caller = await openCaller(services, request.environmentId, request.query.integrated_account_id, {
        idempotent: idempotencyKeyOf(request) !== undefined,
      });
      const { integrated_account_id: _, ...query } = request.query;
      const method = request.method as HttpMethod;
      const call = async () => {
        const response = await caller.call({
          method,
          path: `/${path}`,
          query: Object.fromEntries(
            Object.entries(query).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
          ),
          body: method === 'GET' || method === 'DELETE' ? undefined : (request.body ?? undefined),
        });
        setBudgetHeaders(reply, caller.budget);
        return { status: 200, body: { result: response.body, next_cursor: null, prev_cursor: null } };
      };
      if (method === 'POST' || method === 'PATCH')
        return runIdempotent(services.db, request, reply, caller.accountId, call);
      return (await call()).body;
    },
  });
}

function registerProxyWriteRoutes(app: App, services: Services): void {
  const IdParams = Type.Object({ resource: Type.String(), id: Type.String({ minLength: 1 }) });

  /** Opens the account, finds the write, sends the caller's body, answers with the vendor's body. */
  async function write(
    request: FastifyRequest,
    reply: FastifyReply,
    pick: (resource: ProxyResource) => ProxyWrite | undefined,
    what: string,
    id?: string,
  ) {
    const query = request.query as { integrated_account_id: string } & Record<string, unknown>;
    const caller = await openCaller(services, request.environmentId, query.integrated_account_id, {
      idempotent: idempotencyKeyOf(request) !== undefined,
    });
    const name = (request.params as { resource: string }).resource;
    const proxyWrite = pick(resourceOf(caller, name));
    if (!proxyWrite)
      throw new SwitchboardError('METHOD_NOT_ALLOWED', `proxy resource ${name} does not support ${what}`);
    const run = async () => {
      const response = await caller.call(
        proxyWrite.request({ id, body: request.body, query: vendorQuery(query) }),
      );
      services.lookups.invalidate(`${caller.accountId}:`);
      setBudgetHeaders(reply, caller.budget);
      return { status: what === 'create' ? 201 : 200, body: response.body };
    };
    if (request.method === 'DELETE') return (await run()).body;
    return runIdempotent(services.db, request, reply, caller.accountId, run);
  }

  const Body = Type.Optional(Type.Unknown());
  app.post(
    '/proxy/:resource',
    {
      schema: {
        tags,
        summary: 'Create through the vendor (body sent as it is)',
        params: Type.Object({ resource: Type.String() }),
        querystring: AccountQuery,
        body: Body,
      },
    },
    (request, reply) => write(request, reply, (r) => r.create, 'create'),
  );
  app.patch(
    '/proxy/:resource/:id',
    {
      schema: {
        tags,
        summary: 'Update through the vendor (body sent as it is)',
        params: IdParams,
        querystring: AccountQuery,
        body: Body,
      },
    },
    (request, reply) => write(request, reply, (r) => r.update, 'update', request.params.id),
  );
  app.delete(
    '/proxy/:resource/:id',
    { schema: { tags, summary: 'Delete through the vendor', params: IdParams, querystring: AccountQuery } },
    (request, reply) => write(request, reply, (r) => r.delete, 'delete', request.params.id),
  );
  app.post(
    '/proxy/:resource/:method',
    {
      schema: {
        tags,
        summary: 'Run a vendor method (e.g. users/deactivate, sales-groups/add-users)',
        params: Type.Object({ resource: Type.String(), method: Type.String() }),
        querystring: AccountQuery,
        body: Body,
      },
    },
    (request, reply) => {
      const method = request.params.method;
      return write(
        request,
        reply,
        (r) => (r.methods && Object.hasOwn(r.methods, method) ? r.methods[method] : undefined),
        `the method "${method}"`,
      );
    },
  );
}
