/**
 * ActiveCampaign's users routes under `/api/3` (https://developers.activecampaign.com/reference/list-all-users):
 * the list (`limit`, default 20, at most 100; `offset`; `meta.total` as a string), one user by id, by
 * email, by username, and the key's own user (`/users/me`). Bodies use ActiveCampaign's `{ message }`
 * errors; filters and orders the users list does not document are ignored, as the API ignores unknown
 * parameters.
 */
import type { FastifyInstance } from 'fastify';
import { queryValue } from '../kit/paging.ts';
import type { AcUser, UserStore } from './users.ts';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

/** `{"message": "No Result found for User with id 7"}`, ActiveCampaign's 404 wording. */
export function notFound(by: string, value: string) {
  return { message: `No Result found for User with ${by} ${value}` };
}

function whole(raw: unknown): number | undefined {
  const value = queryValue(raw);
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

export function registerUserRoutes(
  app: FastifyInstance,
  store: UserStore,
  ownerOf: (key: string) => string | undefined,
): void {
  app.get('/api/3/users', async (request) => {
    const q = request.query as Record<string, unknown>;
    // An out-of-range limit is clamped, not refused (see the docs page's guesses).
    const asked = whole(q['limit']);
    const limit = asked === undefined || asked < 1 ? DEFAULT_LIMIT : Math.min(asked, MAX_LIMIT);
    const offset = whole(q['offset']) ?? 0;
    const all = store.list();
    return { users: all.slice(offset, offset + limit), meta: { total: String(all.length) } };
  });

  app.get('/api/3/users/me', async (request, reply) => {
    const me = store.get(ownerOf(request.principal?.key ?? '') ?? '');
    return me ? { user: me } : reply.code(404).send(notFound('id', '0'));
  });

  const one = (found: AcUser | undefined, by: string, value: string) =>
    found ? { status: 200, body: { user: found } } : { status: 404, body: notFound(by, value) };

  app.get('/api/3/users/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const answer = one(store.get(id), 'id', id);
    return reply.code(answer.status).send(answer.body);
  });
  app.get('/api/3/users/email/:email', async (request, reply) => {
    const { email } = request.params as { email: string };
    const answer = one(store.byEmail(email), 'email', email);
    return reply.code(answer.status).send(answer.body);
  });
  app.get('/api/3/users/username/:username', async (request, reply) => {
    const { username } = request.params as { username: string };
    const answer = one(store.byUsername(username), 'username', username);
    return reply.code(answer.status).send(answer.body);
  });

  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).send({ message: 'Not Found' });
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    reply.code(status).send({ message: status >= 500 ? 'Internal Server Error' : error.message });
  });
}
