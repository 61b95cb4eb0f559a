/**
 * Insightly's users routes under `/v3.1` (https://api.na1.insightly.com/v3.1/Help#!/Users): the list and
 * `Users/Search` (paged by `skip` and `top` ≤ 500, default 100; `count_total=true` puts the total in
 * `X-Total-Count`), the key's own user (`Users/Me`) and one user. Search takes one `field_name` and
 * `field_value` pair and/or `updated_after_utc`. Bodies are bare JSON arrays and objects; errors are
 * ASP.NET's `{ "Message": … }`.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { queryValue, readPageSize } from '../kit/paging.ts';
import type { InsightlyUser } from './users.ts';

export const DEFAULT_TOP = 100;
export const MAX_TOP = 500;
/** The user fields `Users/Search` matches with `field_name` (a guess: the v2.2 search parameters). */
export const SEARCH_FIELDS = ['EMAIL_ADDRESS', 'FIRST_NAME', 'LAST_NAME'] as const;

class BadRequest extends Error {}

type Query = Record<string, unknown>;

function skipOf(q: Query): number {
  const raw = queryValue(q['skip']);
  if (raw === undefined || raw === '') return 0;
  if (!/^\d+$/.test(raw)) throw new BadRequest(`The value '${raw}' is not valid for skip.`);
  return Number(raw);
}

function topOf(q: Query): number {
  return readPageSize(
    queryValue(q['top']),
    { default: DEFAULT_TOP, max: MAX_TOP },
    (problem) =>
      new BadRequest(
        problem.kind === 'too-large'
          ? `top must be no more than ${MAX_TOP}`
          : `The value '${problem.value}' is not valid for top.`,
      ),
  );
}

/** `2024-01-31T09:30:00Z` (also without the `Z`): a UTC instant, as Insightly reads `updated_after_utc`. */
function updatedAfter(raw: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z?$/.exec(raw);
  if (!match || Number.isNaN(Date.parse(`${match[1]}T${match[2]}Z`)))
    throw new BadRequest(`The value '${raw}' is not valid for updated_after_utc.`);
  return `${match[1]} ${match[2]}`;
}

function search(users: readonly InsightlyUser[], q: Query): InsightlyUser[] {
  const name = queryValue(q['field_name']);
  const value = queryValue(q['field_value']);
  if ((name === undefined) !== (value === undefined))
    throw new BadRequest('field_name and field_value must be given together.');
  if (name !== undefined && !(SEARCH_FIELDS as readonly string[]).includes(name.toUpperCase()))
    throw new BadRequest(`'${name}' is not a searchable field for Users.`);
  const after = queryValue(q['updated_after_utc']);
  const since = after === undefined ? undefined : updatedAfter(after);
  const field = name?.toUpperCase() as (typeof SEARCH_FIELDS)[number] | undefined;
  return users.filter(
    (u) =>
      (field === undefined || u[field].toLowerCase() === value!.toLowerCase()) &&
      // "Earliest date when last updated": the bound itself is included.
      (since === undefined || u.DATE_UPDATED_UTC >= since),
  );
}

/** One `Users/Search` call's parameters, as the sandbox read them (for tests: what reached Insightly). */
export type SearchCall = Record<string, string>;

export function registerUserRoutes(
  app: FastifyInstance,
  users: () => readonly InsightlyUser[],
  ownerOf: (key: string) => number | undefined,
  logSearch: (call: SearchCall) => void,
): void {
  const page = (reply: FastifyReply, all: readonly InsightlyUser[], q: Query) => {
    const skip = skipOf(q);
    const top = topOf(q);
    if (queryValue(q['count_total']) === 'true') reply.header('x-total-count', all.length);
    return all.slice(skip, skip + top);
  };

  app.get('/v3.1/Users', async (request, reply) => page(reply, users(), request.query as Query));
  app.get('/v3.1/Users/Search', async (request, reply) => {
    const q = request.query as Query;
    const found = search(users(), q);
    logSearch(Object.fromEntries(Object.entries(q).map(([k, v]) => [k, String(queryValue(v))])));
    return page(reply, found, q);
  });
  app.get('/v3.1/Users/Me', async (request, reply) => {
    const id = ownerOf(request.principal?.key ?? '');
    const me = users().find((u) => u.USER_ID === id);
    return me ?? reply.code(404).send({ Message: 'User not found.' });
  });
  app.get('/v3.1/Users/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const found = /^\d+$/.test(id) ? users().find((u) => u.USER_ID === Number(id)) : undefined;
    return found ?? reply.code(404).send({ Message: 'User not found.' });
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send({ Message: `No HTTP resource was found that matches the request URI '${request.url}'.` });
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    if (error instanceof BadRequest) return reply.code(400).send({ Message: error.message });
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    return reply.code(status).send({ Message: status >= 500 ? 'An error has occurred.' : error.message });
  });
}
