/**
 * Errors raised before a route runs, answered in the envelope like every other: Node's HTTP parser
 * (malformed requests, oversized headers, timeouts) through Fastify's `clientErrorHandler`, and
 * Fastify's router (malformed percent-encoding, overlong parameters) through `frameworkErrors`.
 * A malformed request is logged by its parser code only: the raw bytes (`err.rawPacket`) hold whatever
 * the client sent, API tokens and credentials included.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, envelope } from '../errors.ts';

function answer(socket: Socket, status: number, code: ErrorCode, message: string): void {
  if (!socket.writable) return;
  const body = JSON.stringify(envelope(status, code, message));
  socket.write(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Fastify calls it with the server instance as `this`. */
export function clientErrorHandler(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: Socket,
): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  this.log.debug({ parser_code: error.code ?? 'unknown' }, 'malformed HTTP request');
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    answer(socket, 408, 'REQUEST_TIMEOUT', 'the request was not received in time');
  } else if (error.code === 'HPE_HEADER_OVERFLOW') {
    answer(
      socket,
      431,
      'HEADERS_TOO_LARGE',
      'the request line and headers are larger than the server accepts',
    );
  } else {
    answer(socket, 400, 'INVALID_REQUEST', 'malformed HTTP request');
  }
  socket.destroy();
}

export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    reply.code(414).send(envelope(414, 'URI_TOO_LONG', 'a path parameter is longer than the server accepts'));
    return;
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    reply.code(400).send(envelope(400, 'INVALID_REQUEST', 'malformed URL (an invalid percent-escape?)'));
    return;
  }
  reply.code(400).send(envelope(400, 'INVALID_REQUEST', error.message));
}
