/**
 * Every sandbox response goes through here, so the truncate fault and soft errors apply
 * uniformly. Bodies arrive as ready JSON text (handlers serialize the hot paths by hand).
 */
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendTruncated } from '../../kit/faults.ts';
import { MXError, mxBody } from './errors.ts';

export const JSON_TYPE = 'application/json; charset=utf-8';

function sendTruncatedJson(reply: FastifyReply, status: number, body: string): FastifyReply {
  return sendTruncated(reply, status, body, { 'content-type': JSON_TYPE });
}

export function sendJson(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  body: string,
): FastifyReply {
  if (request.lsqTruncate) return sendTruncatedJson(reply, status, body);
  return reply.code(status).type(JSON_TYPE).send(body);
}

export function sendValue(request: FastifyRequest, reply: FastifyReply, value: unknown): FastifyReply {
  return sendJson(request, reply, 200, JSON.stringify(value));
}

/** Streams a large body (Users.Get) chunk by chunk with backpressure. */
export function sendJsonChunks(
  request: FastifyRequest,
  reply: FastifyReply,
  chunks: Iterable<string>,
): FastifyReply {
  if (request.lsqTruncate) {
    const first = chunks[Symbol.iterator]().next();
    return sendTruncatedJson(reply, 200, first.done ? '[]' : first.value);
  }
  return reply
    .code(200)
    .type(JSON_TYPE)
    .send(Readable.from(chunks, { objectMode: false }));
}

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: MXError,
  softErrors: boolean,
): FastifyReply {
  const soft = softErrors && (error.status === 400 || error.status === 500);
  return sendJson(request, reply, soft ? 200 : error.status, mxBody(error.exceptionType, error.message));
}

/** Query parameters bind case-insensitively, as WCF does (`userId`, `UserId`, `userid`). */
export function queryParam(request: FastifyRequest, name: string): string | undefined {
  const query = request.query as Record<string, unknown> | undefined;
  if (!query) return undefined;
  const direct = query[name];
  if (direct !== undefined) return Array.isArray(direct) ? String(direct[0]) : String(direct);
  const lower = name.toLowerCase();
  for (const key of Object.keys(query)) {
    if (key.toLowerCase() === lower) {
      const v = query[key];
      return Array.isArray(v) ? String(v[0]) : String(v);
    }
  }
  return undefined;
}

/** The JSON body as an object; anything else is a 400 ("body not as specified"). */
export function bodyObject(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new MXError(
      400,
      'MXInvalidRequestException',
      'Request body is not as specified: a JSON object is expected',
    );
  }
  return body as Record<string, unknown>;
}
