/**
 * The unified API: `/unified/{model}/{resource}[/{id}]` for every integration, through the engine.
 * List responses say which filters the vendor applied and which Switchboard applied
 * (`x-switchboard-filters-vendor`, `x-switchboard-filters-local`).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Type } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SwitchboardError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { checkBody } from '../../unified/body.ts';
import {
  type EngineCursor,
  fetchUnifiedPage,
  getUnified,
  listMappingOf,
  walkUnified,
} from '../../unified/engine.ts';
import { RESOURCE_SPECS, type ResourceSpec } from '../../unified/models.ts';
import { keyBy, shapeRecord } from '../../unified/output.ts';
import { parseListRequest, parseOutputOptions } from '../../unified/query.ts';
import type { Condition, ListQuery, UnifiedResourceMapping } from '../../unified/types.ts';
import { type AccountCaller, openCaller } from '../../upstream/account-caller.ts';
import type { App } from '../app.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { idempotencyKeyOf, runIdempotent } from '../idempotency.ts';
import { remoteQueryParams, setBudgetHeaders } from './upstream-headers.ts';

const DEFAULT_LIMIT = 100;
const AccountQuery = Type.Object(
  { integrated_account_id: Type.String({ minLength: 1, description: 'the integrated account to call' }) },
  { additionalProperties: true },
);
const ResourceParams = Type.Object({ model: Type.String(), resource: Type.String() });
const RecordParams = Type.Object({
  model: Type.String(),
  resource: Type.String(),
  id: Type.String({ minLength: 1 }),
});
const tags = ['unified'];

interface UnifiedCursor {
  /** model/resource, account and query fingerprint: a cursor only continues the walk it came from. */
  k: string;
  a: string;
  h: string;
  e: EngineCursor;
}

export function specOf(model: string, resource: string): ResourceSpec {
  const spec = RESOURCE_SPECS[`${model}/${resource}`];
  if (!spec) {
    throw new SwitchboardError(
      'NOT_FOUND',
      `no unified resource ${model}/${resource}; available: ${Object.keys(RESOURCE_SPECS).join(', ')}`,
    );
  }
  return spec;
}

function fingerprint(query: ListQuery): string {
  return createHash('sha256').update(JSON.stringify(query)).digest('base64url').slice(0, 16);
}

function describe(conditions: Condition[]): string {
  return conditions.map((c) => `${c.field}[${c.op}]`).join(',');
}

export function registerUnifiedRoutes(app: App, services: Services): void {
  app.get(
    '/unified/:model/:resource',
    {
      schema: {
        tags,
        summary: 'List records of a unified resource (cursor pagination, filters, sort_by)',
        params: ResourceParams,
        querystring: AccountQuery,
      },
    },
    async (request, reply) => {
      const { model, resource } = request.params;
      const spec = specOf(model, resource);
      const caller = await openCaller(services, request.environmentId, request.query.integrated_account_id);
      const key = `${model}/${resource}`;
      const mapping = caller.integration.unified[key];
      const list = listMappingOf(spec, mapping, caller.integration.name);
      const parsed = parseListRequest(request.query, spec, list.maxPageSize);
      caller.remoteQuery = remoteQueryParams(parsed.query.remoteQuery);
      const pageSize = parsed.ignoreLimit
        ? list.maxPageSize
        : Math.min(parsed.limit ?? DEFAULT_LIMIT, list.maxPageSize);
      const hash = fingerprint(parsed.query);

      if (parsed.output.format === 'stream') {
        const records = walkUnified(
          caller,
          spec,
          mapping!,
          caller.integration.name,
          parsed.query,
          list.maxPageSize,
        );
        return streamNdjson(reply, records, (r) => shapeRecord(r, parsed.output));
      }

      let cursor: EngineCursor | undefined;
      if (parsed.nextCursor) {
        const state = decodeCursor<UnifiedCursor>(services.keyring, parsed.nextCursor);
        if (state.k !== key || state.a !== caller.accountId || state.h !== hash) {
          throw new SwitchboardError(
            'INVALID_CURSOR',
            'next_cursor belongs to another list: pass it back with the same account, resource and filters',
          );
        }
        cursor = state.e;
      }
      const page = await fetchUnifiedPage(
        caller,
        spec,
        mapping!,
        caller.integration.name,
        parsed.query,
        pageSize,
        cursor,
      );
      setBudgetHeaders(reply, caller);
      reply.header('x-switchboard-filters-vendor', describe(page.pushed));
      reply.header('x-switchboard-filters-local', describe(page.local));
      const nextCursor = page.next
        ? encodeCursor(services.keyring, { k: key, a: caller.accountId, h: hash, e: page.next })
        : null;
      if (parsed.output.format === 'raw') {
        return {
          result: page.raw,
          next_cursor: nextCursor,
          prev_cursor: null,
          result_count: page.records.length,
        };
      }
      const shaped = page.records.map((r) => shapeRecord(r, parsed.output));
      return {
        result: parsed.output.keyBy ? keyBy(shaped, parsed.output.keyBy) : shaped,
        next_cursor: nextCursor,
        prev_cursor: null,
        result_count: shaped.length,
      };
    },
  );

  app.get(
    '/unified/:model/:resource/:id',
    {
      schema: {
        tags,
        summary: 'Get one record of a unified resource (bare object)',
        params: RecordParams,
        querystring: AccountQuery,
      },
    },
    async (request, reply) => {
      const { model, resource, id } = request.params;
      const spec = specOf(model, resource);
      const output = parseOutputOptions(request.query);
      const caller = await openCaller(services, request.environmentId, request.query.integrated_account_id);
      const record = await getUnified(
        caller,
        spec,
        caller.integration.unified[`${model}/${resource}`],
        caller.integration.name,
        id,
      );
      setBudgetHeaders(reply, caller);
      return output.format === 'raw' ? record.remote_data : shapeRecord(record, output);
    },
  );

  registerUnifiedWriteRoutes(app, services);
}

/**
 * NDJSON, one record per line, written as the vendor pages arrive; backpressure keeps memory flat.
 * The first record is awaited before answering, so an early failure (bad credentials, vendor down) gets
 * its real status. A failure after the first byte cannot change the status code, so it ends the stream
 * with an `{"error": …}` line (the envelope) instead.
 */
export async function streamNdjson<T>(
  reply: FastifyReply,
  records: AsyncIterable<T>,
  shape: (record: T) => unknown,
): Promise<FastifyReply> {
  const iterator = records[Symbol.asyncIterator]();
  const first = await iterator.next();
  async function* lines() {
    try {
      if (first.done) return;
      yield `${JSON.stringify(shape(first.value))}\n`;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        yield `${JSON.stringify(shape(next.value))}\n`;
      }
    } catch (error) {
      if (!(error instanceof SwitchboardError)) reply.log.error({ err: error }, 'stream failed');
      const envelope =
        error instanceof SwitchboardError
          ? error.toJSON()
          : { statusCode: 500, error: 'Internal Server Error', message: 'stream failed', code: 'INTERNAL' };
      yield `${JSON.stringify({ error: envelope })}\n`;
    }
  }
  reply.type('application/x-ndjson; charset=utf-8');
  return reply.send(Readable.from(lines()));
}

/** The account's caller and the resource's mapping for a write; writes may retry only with an Idempotency-Key. */
async function openForWrite(services: Services, request: FastifyRequest, model: string, resource: string) {
  const spec = specOf(model, resource);
  const accountId = (request.query as { integrated_account_id: string }).integrated_account_id;
  const caller = await openCaller(services, request.environmentId, accountId);
  caller.writesAreSafe = idempotencyKeyOf(request) !== undefined;
  const mapping: UnifiedResourceMapping | undefined = caller.integration.unified[`${model}/${resource}`];
  return { spec, caller, mapping };
}

function unsupported(caller: AccountCaller, what: string, model: string, resource: string): SwitchboardError {
  return new SwitchboardError(
    'METHOD_NOT_ALLOWED',
    `${caller.integration.label} does not support ${what} on ${model}/${resource}`,
  );
}

function registerUnifiedWriteRoutes(app: App, services: Services): void {
  const Body = Type.Record(Type.String(), Type.Unknown());

  app.post(
    '/unified/:model/:resource',
    {
      schema: {
        tags,
        summary: 'Create a record (Idempotency-Key honoured)',
        params: ResourceParams,
        querystring: AccountQuery,
        body: Body,
      },
    },
    async (request, reply) => {
      const { model, resource } = request.params;
      const { caller, mapping } = await openForWrite(services, request, model, resource);
      const create = mapping?.create;
      if (!create) throw unsupported(caller, 'create', model, resource);
      return runIdempotent(services.db, request, reply, caller.accountId, async () => {
        const body = checkBody(request.body, create.body, `create ${model}/${resource}`);
        const vendorRecord = await create.run(caller, { body });
        services.lookups.invalidate(`${caller.accountId}:`);
        const record = (await mapping.mapper(caller))(vendorRecord);
        setBudgetHeaders(reply, caller);
        return { status: 201, body: record };
      });
    },
  );

  app.patch(
    '/unified/:model/:resource/:id',
    {
      schema: {
        tags,
        summary: 'Update a record (Idempotency-Key honoured)',
        params: RecordParams,
        querystring: AccountQuery,
        body: Body,
      },
    },
    async (request, reply) => {
      const { model, resource, id } = request.params;
      const { caller, mapping } = await openForWrite(services, request, model, resource);
      const update = mapping?.update;
      if (!update) throw unsupported(caller, 'update', model, resource);
      return runIdempotent(services.db, request, reply, caller.accountId, async () => {
        const body = checkBody(request.body, update.body, `update ${model}/${resource}`);
        const vendorRecord = await update.run(caller, { id, body });
        services.lookups.invalidate(`${caller.accountId}:`);
        setBudgetHeaders(reply, caller);
        return { status: 200, body: (await mapping.mapper(caller))(vendorRecord) };
      });
    },
  );

  app.delete(
    '/unified/:model/:resource/:id',
    {
      schema: {
        tags,
        summary: 'Delete a record (what "delete" means per vendor is in the meta route)',
        params: RecordParams,
        querystring: AccountQuery,
      },
    },
    async (request, reply) => {
      const { model, resource, id } = request.params;
      const { caller, mapping } = await openForWrite(services, request, model, resource);
      const remove = mapping?.delete;
      if (!remove) throw unsupported(caller, 'delete', model, resource);
      await remove.run(caller, { id });
      services.lookups.invalidate(`${caller.accountId}:`);
      setBudgetHeaders(reply, caller);
      return { id };
    },
  );

  app.post(
    '/unified/:model/:resource/:method',
    {
      schema: {
        tags,
        summary: 'Run a custom method, e.g. users/activate or groups/add-user (→ { result })',
        params: Type.Object({ model: Type.String(), resource: Type.String(), method: Type.String() }),
        querystring: AccountQuery,
        body: Type.Optional(Body),
      },
    },
    async (request, reply) => {
      const { model, resource, method } = request.params;
      const { caller, mapping } = await openForWrite(services, request, model, resource);
      const custom =
        mapping?.methods && Object.hasOwn(mapping.methods, method) ? mapping.methods[method] : undefined;
      if (!custom) {
        const known = Object.keys(mapping?.methods ?? {});
        throw new SwitchboardError(
          'NOT_FOUND',
          `${caller.integration.label} has no method "${method}" on ${model}/${resource}` +
            (known.length ? `; available: ${known.join(', ')}` : ''),
        );
      }
      return runIdempotent(services.db, request, reply, caller.accountId, async () => {
        const body = checkBody(request.body, custom.body, `${model}/${resource}/${method}`);
        const result = await custom.run(caller, { body });
        services.lookups.invalidate(`${caller.accountId}:`);
        setBudgetHeaders(reply, caller);
        return { status: 200, body: { result } };
      });
    },
  );
}
