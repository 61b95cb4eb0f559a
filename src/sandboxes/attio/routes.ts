/**
 * Attio's workspace-member routes: `GET /v2/workspace_members` (every member at once, no paging),
 * `GET /v2/workspace_members/{id}` (both need `user_management:read`) and `GET /v2/self`, which describes
 * any token it is given and answers `{ "active": false }` for an unknown one instead of refusing it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../kit/auth.ts';
import { invalidRequest, missingScope, notFound, serverError } from './errors.ts';
import { DOCS_EXAMPLE, type MemberStore, WORKSPACE_ID } from './members.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const READ_MEMBERS = 'user_management:read';

class MissingScope extends Error {}

function requireScope(request: FastifyRequest, scope: string): void {
  if (!request.principal?.scopes?.includes(scope)) throw new MissingScope(scope);
}

export function registerRoutes(
  app: FastifyInstance,
  store: MemberStore,
  identify: (request: FastifyRequest) => (Principal & { clientId?: string; issuedAt: number }) | undefined,
): void {
  app.get('/v2/workspace_members', async (request) => {
    requireScope(request, READ_MEMBERS);
    return { data: store.list() };
  });

  app.get('/v2/workspace_members/:id', async (request, reply) => {
    requireScope(request, READ_MEMBERS);
    const { id } = request.params as { id: string };
    if (!UUID.test(id)) return reply.code(400).send(invalidRequest(`Invalid workspace member ID "${id}".`));
    const member = store.get(id);
    if (!member) return reply.code(404).send(notFound(`Workspace member with ID "${id}" not found.`));
    return { data: member };
  });

  app.get('/v2/self', async (request) => {
    const who = identify(request);
    if (!who) return { active: false };
    return {
      active: true,
      scope: (who.scopes ?? []).join(' '),
      client_id: who.clientId ?? null,
      token_type: 'Bearer',
      exp: null,
      iat: Math.floor(who.issuedAt / 1000),
      sub: WORKSPACE_ID,
      aud: who.clientId ?? null,
      iss: 'attio.com',
      authorized_by_workspace_member_id: DOCS_EXAMPLE.id.workspace_member_id,
      workspace_id: WORKSPACE_ID,
      workspace_name: 'Attio Sandbox',
      workspace_slug: 'attio-sandbox',
      workspace_logo_url: null,
    };
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(notFound(`Route ${request.method}:${request.url.split('?')[0]} not found`));
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    if (error instanceof MissingScope) return reply.code(403).send(missingScope(error.message));
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    return reply.code(status).send(status < 500 ? invalidRequest(error.message) : serverError(status));
  });
}
