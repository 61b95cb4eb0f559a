/**
 * HighLevel's users routes (API v2, `Version: 2021-07-28`): `GET /users/?locationId=` — a location's users,
 * all at once, no paging; deprecated in favour of `/users/search` but still served — and
 * `GET /users/{userId}`. Sub-account (location) tokens reach only their own location; agency (company)
 * tokens may not use the location list. Errors are NestJS-style `{statusCode, message}` bodies, with
 * HighLevel's wordings: a missing scope is a 401, another location a 403.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HighLevelUser } from './data.ts';

export const SCOPE_MESSAGE = 'The token is not authorized for this scope.';
export const LOCATION_MESSAGE = 'The token does not have access to this location.';
export const AUTH_CLASS_MESSAGE =
  'This authClass type is not allowed to access this scope. Please reach out to the Platform team to get it added.';

export interface HighLevelRoutesOptions {
  users(): HighLevelUser[];
  companyId: string;
  /** The list calls received (their `locationId`), newest last. */
  log: string[];
}

const send = (reply: FastifyReply, statusCode: number, message: string) =>
  reply.code(statusCode).send({ statusCode, message });

function principalOf(request: FastifyRequest) {
  const principal = request.principal!;
  return { account: principal.account ?? '', scopes: principal.scopes ?? [] };
}

const canReadUsers = (scopes: string[]) =>
  scopes.includes('users.readonly') || scopes.includes('users.write');

export function registerHighLevelRoutes(app: FastifyInstance, options: HighLevelRoutesOptions): void {
  const { companyId } = options;

  app.get('/users/', async (request, reply) => {
    const { account, scopes } = principalOf(request);
    if (!canReadUsers(scopes)) return send(reply, 401, SCOPE_MESSAGE);
    if (account === companyId) return send(reply, 401, AUTH_CLASS_MESSAGE);
    const raw = (request.query as Record<string, unknown>).locationId;
    const locationId = typeof raw === 'string' ? raw : undefined;
    options.log.push(locationId ?? '');
    if (options.log.length > 200) options.log.shift();
    if (!locationId) return send(reply, 400, 'locationId should not be empty');
    if (locationId !== account) return reply.code(403).send({ statusCode: 403, message: LOCATION_MESSAGE });
    return { users: options.users().filter((u) => !u.deleted && u.roles.locationIds.includes(locationId)) };
  });

  app.get('/users/:userId', async (request, reply) => {
    const { account, scopes } = principalOf(request);
    if (!canReadUsers(scopes)) return send(reply, 401, SCOPE_MESSAGE);
    const { userId } = request.params as { userId: string };
    const user = options.users().find((u) => u.id === userId);
    if (!user) return send(reply, 400, 'User not found');
    if (account !== companyId && !user.roles.locationIds.includes(account))
      return send(reply, 403, LOCATION_MESSAGE);
    return user;
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      statusCode: 404,
      message: `Cannot ${request.method} ${request.url.split('?')[0]}`,
      error: 'Not Found',
    });
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    reply.code(status).send({ statusCode: status, message: error.message });
  });
}
