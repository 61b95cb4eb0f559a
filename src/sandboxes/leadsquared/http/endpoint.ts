/**
 * Registers a LeadSquared endpoint. Only GET and POST exist at the vendor; a known path called
 * with a verb it does not take gets 405 with an MX body (method strictness was observed on some
 * services), an unknown path 404.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { MXError } from './errors.ts';

export type Handler = (request: FastifyRequest, reply: FastifyReply) => FastifyReply | Promise<FastifyReply>;

const ALL_METHODS: HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export function endpoint(
  app: FastifyInstance,
  methods: ('GET' | 'POST')[],
  url: string,
  handler: Handler,
): void {
  app.route({ method: methods, url, handler });
  const others = ALL_METHODS.filter((m) => !(methods as HTTPMethods[]).includes(m));
  app.route({
    method: others,
    url,
    handler: async () => {
      throw new MXError(
        405,
        'MXMethodNotAllowedException',
        `Method not allowed. Use ${methods.join(' or ')}.`,
      );
    },
  });
}
