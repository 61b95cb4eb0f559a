/**
 * Salesforce's REST routes for Users: `GET /services/data` (versions, no auth), `GET
 * /services/data/vXX.X/query?q=<SOQL>` and `…/query/<locator>` (batches from a query cursor), and `GET
 * …/sobjects/User/{id}[?fields=…]`. Records carry `attributes` (`type`, `url`) as the API writes them.
 * Errors are Salesforce's arrays of `{ message, errorCode }`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { batchSizeOf, type Cursors } from './cursors.ts';
import { apiError, invalidLocator, notFound } from './errors.ts';
import { canonicalId } from './ids.ts';
import { parseSoql, runSoql, SoqlError } from './soql.ts';
import { USER_FIELDS, type UserRow, type UserStore } from './users.ts';

export const OLDEST_VERSION = 31;
export const NEWEST_VERSION = 64;

/** Release names: v32.0 was Winter '15, then Spring, Summer, Winter each year. */
function releaseLabel(version: number): string {
  if (version === 31) return "Summer '14";
  const k = version - 32;
  return `${['Winter', 'Spring', 'Summer'][k % 3]} '${15 + Math.floor(k / 3)}`;
}

class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    super('salesforce error');
    this.status = status;
    this.body = body;
  }
}

/** `v62.0` → 62, or a 404 for a version this org does not serve. */
function checkVersion(version: string): string {
  const match = /^v(\d+)\.0$/.exec(version);
  const n = match ? Number(match[1]) : Number.NaN;
  if (!(n >= OLDEST_VERSION && n <= NEWEST_VERSION)) throw new ApiError(404, notFound());
  return version;
}

/** A row as the API returns it: `attributes`, then the asked fields. */
export function project(row: UserRow, fields: readonly string[], version: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    attributes: { type: 'User', url: `/services/data/${version}/sobjects/User/${row['Id']}` },
  };
  for (const field of fields) out[field] = row[field] ?? null;
  return out;
}

function queryBody(version: string, batch: ReturnType<Cursors['open']>) {
  return {
    totalSize: batch.totalSize,
    done: batch.done,
    ...(batch.next ? { nextRecordsUrl: `/services/data/${version}/query/${batch.next}` } : {}),
    records: batch.records,
  };
}

/** Who holds a cursor: the token's user (one per grant family here). */
const ownerOf = (request: FastifyRequest) => request.principal?.grant?.id ?? request.principal?.key ?? '';

/** The SOQL the sandbox received, newest last (tests check what a client pushed down). */
export class QueryLog {
  readonly #entries: string[] = [];
  add(soql: string): void {
    this.#entries.push(soql);
    if (this.#entries.length > 200) this.#entries.shift();
  }
  list(): string[] {
    return [...this.#entries];
  }
}

export function registerUserRoutes(
  app: FastifyInstance,
  store: UserStore,
  cursors: Cursors,
  log: QueryLog,
): void {
  app.get('/services/data', async () =>
    Array.from({ length: NEWEST_VERSION - OLDEST_VERSION + 1 }, (_, i) => {
      const v = OLDEST_VERSION + i;
      return { label: releaseLabel(v), url: `/services/data/v${v}.0`, version: `${v}.0` };
    }),
  );

  app.get('/services/data/:version', async (request) => {
    const version = checkVersion((request.params as { version: string }).version);
    const base = `/services/data/${version}`;
    return { query: `${base}/query`, sobjects: `${base}/sobjects`, limits: `${base}/limits` };
  });

  app.get('/services/data/:version/query', async (request) => {
    const version = checkVersion((request.params as { version: string }).version);
    const q = (request.query as Record<string, unknown>)['q'];
    if (typeof q !== 'string' || q.trim() === '')
      throw new ApiError(400, apiError('MALFORMED_QUERY', 'A query string has to be specified'));
    log.add(q);
    const query = parseSoql(q, USER_FIELDS);
    let rows = runSoql(query, store.all(), USER_FIELDS);
    rows = rows.slice(
      query.offset ?? 0,
      query.limit === undefined ? undefined : (query.offset ?? 0) + query.limit,
    );
    const records = rows.map((row) => project(row, query.fields, version));
    const size = batchSizeOf(request.headers['sforce-query-options']);
    return queryBody(version, cursors.open(ownerOf(request), records, size));
  });

  app.get('/services/data/:version/query/:locator', async (request) => {
    const { version, locator } = request.params as { version: string; locator: string };
    checkVersion(version);
    const batch = cursors.more(ownerOf(request), locator);
    if (!batch) throw new ApiError(400, invalidLocator());
    return queryBody(version, batch);
  });

  app.get('/services/data/:version/sobjects/User/:id', async (request) => {
    const { version, id } = request.params as { version: string; id: string };
    checkVersion(version);
    if (!canonicalId(id))
      throw new ApiError(
        404,
        apiError('NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${id}`),
      );
    const row = store.get(id);
    if (!row) throw new ApiError(404, notFound());
    const raw = (request.query as Record<string, unknown>)['fields'];
    const names = new Map(Object.keys(USER_FIELDS).map((f) => [f.toLowerCase(), f]));
    let fields = Object.keys(USER_FIELDS);
    if (typeof raw === 'string' && raw !== '') {
      fields = raw.split(',').map((f) => {
        const name = names.get(f.trim().toLowerCase());
        if (!name)
          throw new ApiError(
            400,
            apiError('INVALID_FIELD', `No such column '${f.trim()}' on entity 'User'.`),
          );
        return name;
      });
    }
    // The docs' example answers with the asked fields and the Id.
    return project(row, fields.includes('Id') ? fields : [...fields, 'Id'], version);
  });

  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).send(notFound());
  });
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    if (error instanceof ApiError) return reply.code(error.status).send(error.body);
    if (error instanceof SoqlError) return reply.code(400).send(apiError(error.errorCode, error.message));
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    return reply
      .code(status)
      .send(apiError(status >= 500 ? 'UNKNOWN_EXCEPTION' : 'BAD_REQUEST', error.message));
  });
}
