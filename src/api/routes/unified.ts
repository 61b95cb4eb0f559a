/**
 * The unified API over HTTP: `/unified/{model}/{resource}[/{id}]`. Each route hands the request to the
 * unified service once (`src/unified/service.ts`) and answers with what it returns; list responses say
 * which filters the vendor applied and which Switchboard applied (`x-switchboard-filters-vendor`,
 * `x-switchboard-filters-local`).
 */
import { Readable } from 'node:stream';
import { Type } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SwitchboardError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import type { UnifiedAnswer } from '../../unified/service.ts';
import type { App } from '../app.ts';
import { idempotencyKeyOf, runIdempotent } from '../idempotency.ts';
import { setBudgetHeaders } from './upstream-headers.ts';

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

function ref(request: FastifyRequest, params: { model: string; resource: string }) {
  const query = request.query as { integrated_account_id: string };
  return {
    environmentId: request.environmentId,
    accountId: query.integrated_account_id,
    model: params.model,
    resource: params.resource,
  };
}

function answer<T>(reply: FastifyReply, result: UnifiedAnswer<T>): T {
  setBudgetHeaders(reply, result.budget);
  reply.headers(result.headers);
  return result.body;
}

export function registerUnifiedRoutes(app: App, { unified, db }: Services): void {
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
      const query = request.query as Record<string, unknown>;
      const stream = await unified.stream(ref(request, request.params), query);
      if (stream) return streamNdjson(reply, stream);
      return answer(reply, await unified.list(ref(request, request.params), query));
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
    async (request, reply) =>
      answer(
        reply,
        await unified.get(
          ref(request, request.params),
          request.params.id,
          request.query as Record<string, unknown>,
        ),
      ),
  );

  const Body = Type.Record(Type.String(), Type.Unknown());
  type Operation = 'create' | 'update' | 'delete' | 'method';
  async function write(
    request: FastifyRequest,
    reply: FastifyReply,
    params: { model: string; resource: string; id?: string; method?: string },
    operation: Operation,
  ) {
    const run = async () => {
      const result = await unified.write(ref(request, params), {
        operation,
        id: params.id,
        method: params.method,
        body: request.body,
        idempotent: idempotencyKeyOf(request) !== undefined,
        query: request.query as Record<string, unknown>,
      });
      setBudgetHeaders(reply, result.budget);
      return { status: result.status, body: result.body };
    };
    if (operation === 'delete') return (await run()).body;
    const accountId = (request.query as { integrated_account_id: string }).integrated_account_id;
    return runIdempotent(db, request, reply, accountId, run);
  }

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
    (request, reply) => write(request, reply, request.params, 'create'),
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
    (request, reply) => write(request, reply, request.params, 'update'),
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
    (request, reply) => write(request, reply, request.params, 'delete'),
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
    (request, reply) => write(request, reply, request.params, 'method'),
  );
}

/**
 * NDJSON, one record per line, written as the vendor pages arrive; backpressure keeps memory flat.
 * The first record is awaited before answering, so an early failure (bad credentials, vendor down) gets
 * its real status. A failure after the first byte cannot change the status code, so it ends the stream
 * with an `{"error": …}` line (the envelope) instead.
 */
export async function streamNdjson(
  reply: FastifyReply,
  records: AsyncIterable<unknown>,
): Promise<FastifyReply> {
  const iterator = records[Symbol.asyncIterator]();
  const first = await iterator.next();
  async function* lines() {
    try {
      if (first.done) return;
      yield `${JSON.stringify(first.value)}\n`;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        yield `${JSON.stringify(next.value)}\n`;
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
