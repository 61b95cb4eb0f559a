import type { FastifyRequest } from 'fastify';
import type { Services } from '../services.ts';

/** The URL this server is reached at: `SWITCHBOARD_PUBLIC_URL`, else what the request was addressed to. */
export function publicBaseUrl(services: Services, request: FastifyRequest): string {
  return (services.config.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
}
