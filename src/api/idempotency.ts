/**
 * `Idempotency-Key` on POST/PATCH (unified, proxy, custom): the first request with a key runs and its
 * answer is stored in the database for 24 hours; a repeat with the same key and the same request gets the
 * stored answer (header `idempotent-replayed: true`) without calling the vendor again; the same key with a
 * different request is a 422; a repeat while the first is still running is a 409. Stored in the database,
 * so it holds across restarts and instances. Server-side failures (5xx) are not stored: the key stays
 * usable for a retry.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SwitchboardError } from '../errors.ts';
import type { Db } from '../store/database.ts';

const TTL_MS = 24 * 60 * 60 * 1000;

export interface Outcome {
  status: number;
  body: unknown;
}

export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!key || key.length > 255)
    throw new SwitchboardError('INVALID_REQUEST', 'Idempotency-Key must be 1 to 255 characters');
  return key;
}

export async function runIdempotent(
  db: Db,
  request: FastifyRequest,
  reply: FastifyReply,
  accountId: string,
  run: () => Promise<Outcome>,
): Promise<unknown> {
  const key = idempotencyKeyOf(request);
  if (key === undefined) return send(reply, await run());
  const path = request.url.split('?')[0];
  const scope = `${request.environmentId}:${accountId}:${request.method} ${path}`;
  const hash = createHash('sha256')
    .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex');
  const now = new Date();
  await db.deleteFrom('idempotency_keys').where('expires_at', '<', now.toISOString()).execute();
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({
      scope,
      key,
      request_hash: hash,
      state: 'pending',
      response_status: null,
      response_body: null,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + TTL_MS).toISOString(),
    })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
    const row = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    if (row.request_hash !== hash) {
      throw new SwitchboardError(
        'IDEMPOTENCY_KEY_REUSED',
        'this Idempotency-Key was already used with a different request; use a new key for a new request',
      );
    }
    if (row.state === 'pending') {
      throw new SwitchboardError(
        'CONFLICT',
        'a request with this Idempotency-Key is still in progress; retry shortly',
      );
    }
    reply.header('idempotent-replayed', 'true');
    return send(reply, { status: row.response_status!, body: JSON.parse(row.response_body ?? 'null') });
  }
  const finish = (outcome: Outcome) =>
    db
      .updateTable('idempotency_keys')
      .set({ state: 'done', response_status: outcome.status, response_body: JSON.stringify(outcome.body) })
      .where('scope', '=', scope)
      .where('key', '=', key)
      .execute();
  let outcome: Outcome;
  try {
    outcome = await run();
  } catch (error) {
    if (error instanceof SwitchboardError && error.statusCode < 500) {
      await finish({ status: error.statusCode, body: error.toJSON() });
    } else {
      await db.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).execute();
    }
    throw error;
  }
  await finish(outcome);
  return send(reply, outcome);
}

function send(reply: FastifyReply, outcome: Outcome): unknown {
  reply.code(outcome.status);
  return outcome.body;
}
