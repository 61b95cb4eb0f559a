/**
 * Salesflare sandbox: an emulator of Salesflare's API (`https://api.salesflare.com`, https://api.salesflare.com/docs)
 * for its users over real HTTP, on the emulator kit: `Authorization: Bearer <API key>`, `GET /me`,
 * `GET /users` (a bare array; `limit` defaults to 10) and `GET /users/{id}`. Salesflare runs on hapi: errors
 * are Boom's `{ statusCode, error, message }` and a query parameter the route does not declare is refused
 * (400 "Invalid request query input"). See docs/integrations/salesflare.md.
 */
import type { FastifyInstance } from 'fastify';
import { staticBearer } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import { hashGuid } from '../kit/random.ts';
import { type RateWindow, retryAfterHeader } from '../kit/rate-limit.ts';
import {
  type NewUser,
  type SalesflareUser,
  SORT_KEYS,
  seedUsers,
  selectUsers,
  type UserPatch,
  type UsersQuery,
} from './users.ts';

export type { SalesflareUser } from './users.ts';

/** Salesflare publishes no limit (only that 429 happens): a guess, twice the pace the integration keeps. */
export const DEFAULT_WINDOWS: RateWindow[] = [{ name: 'key', limit: 10, windowMs: 1000 }];
export const DEFAULT_LIMIT = 10;

export interface SalesflareSandboxOptions {
  users?: number;
  seed?: number;
  /** The API key (default derived from the seed). */
  apiKey?: string;
  port?: number;
  host?: string;
  /** Default `DEFAULT_WINDOWS`; `null` turns limiting off. */
  rateLimit?: RateWindow[] | null;
  faults?: FaultRule[];
}

export interface SalesflareSandboxControl extends EmulatorControl {
  /** Every user as the API returns them, in id order. */
  list(): SalesflareUser[];
  get(id: number): SalesflareUser | undefined;
  add(user: NewUser): SalesflareUser;
  update(id: number, patch: UserPatch): SalesflareUser;
  /** The API key stops working (deleted in Settings › API keys). */
  revokeKey(): void;
  /** The last 1,000 API request targets (path and query), oldest first. */
  requests(): string[];
}

export interface SalesflareSandbox {
  url: string;
  apiKey: string;
  control: SalesflareSandboxControl;
  close(): Promise<void>;
}

const boom = (statusCode: number, error: string, message: string) => ({ statusCode, error, message });
const badQuery = () => Object.assign(new Error('Invalid request query input'), { statusCode: 400 });
const QUERY_KEYS = new Set(['id', 'name', 'email', 'search', 'limit', 'offset', 'order_by', 'onlyEnabled']);

function list(value: unknown): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];
}

/** Validates `GET /users`' query as the route's schema does: declared keys only, typed values. */
function parseUsersQuery(raw: Record<string, unknown>): UsersQuery {
  if (Object.keys(raw).some((key) => !QUERY_KEYS.has(key))) throw badQuery();
  const single = (key: string) => {
    const values = list(raw[key]);
    if (values.length > 1) throw badQuery();
    return values[0];
  };
  const integer = (key: string, min: number, fallback: number) => {
    const v = single(key);
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v) || Number(v) < min) throw badQuery();
    return Number(v);
  };
  const ids = list(raw['id']).map((v) => {
    if (!/^\d+$/.test(v)) throw badQuery();
    return Number(v);
  });
  const onlyEnabled = single('onlyEnabled');
  if (onlyEnabled !== undefined && onlyEnabled !== 'true' && onlyEnabled !== 'false') throw badQuery();
  const orderBy = list(raw['order_by']).map((item) => {
    const m = /^(\w+)(?: (asc|desc))?$/i.exec(item.trim());
    if (!m || !(SORT_KEYS as readonly string[]).includes(m[1]!)) throw badQuery();
    return { key: m[1] as (typeof SORT_KEYS)[number], desc: m[2]?.toLowerCase() === 'desc' };
  });
  return {
    ids,
    name: single('name'),
    email: single('email'),
    search: single('search'),
    onlyEnabled: onlyEnabled === 'true',
    orderBy,
    limit: integer('limit', 1, DEFAULT_LIMIT),
    offset: integer('offset', 0, 0),
  };
}

export async function startSalesflareSandbox(
  options: SalesflareSandboxOptions = {},
): Promise<SalesflareSandbox> {
  const seed = options.seed ?? 42;
  const apiKey = options.apiKey ?? hashGuid(seed, 7, 8301).replaceAll('-', '');
  const store = seedUsers(options.users ?? 200, seed);
  const owner = store.all()[0];
  const keys = new Map([[apiKey, owner ? String(owner.id) : undefined]]);
  const requestLog: string[] = [];

  const routes = (app: FastifyInstance) => {
    app.get('/me', async (request) => {
      const me = store.get(Number(request.principal!.account));
      return me && { ...me, team: { id: 1, name: 'Salesflare team', total_user_count: store.all().length } };
    });
    app.get('/users', async (request) =>
      selectUsers(store.all(), parseUsersQuery(request.query as Record<string, unknown>)),
    );
    app.get('/users/:id', async (request, reply) => {
      const { id } = request.params as { id: string };
      if (Object.keys(request.query as object).length > 0) throw badQuery();
      if (!/^\d+$/.test(id))
        return reply.code(400).send(boom(400, 'Bad Request', 'Invalid request params input'));
      return store.get(Number(id)) ?? reply.code(404).send(boom(404, 'Not Found', 'User not found'));
    });
    app.setNotFoundHandler((_request, reply) => {
      reply.code(404).send(boom(404, 'Not Found', 'Not Found'));
    });
    app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
      const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
      const body =
        status === 500
          ? boom(500, 'Internal Server Error', 'An internal server error occurred')
          : boom(status, status === 400 ? 'Bad Request' : 'Error', error.message);
      reply.code(status).send(body);
    });
  };

  const emulator = await startEmulator(
    {
      name: 'Salesflare',
      authenticators: [staticBearer(() => keys)],
      // hapi-auth-bearer-token's answers: no credentials, or a key it does not know.
      unauthorized: (request) =>
        /^Bearer\s+\S+/i.test(request.headers.authorization ?? '')
          ? {
              body: boom(401, 'Unauthorized', 'Bad token'),
              headers: { 'www-authenticate': 'Bearer error="Bad token"' },
            }
          : {
              body: boom(401, 'Unauthorized', 'Missing authentication'),
              headers: { 'www-authenticate': 'Bearer' },
            },
      rateLimit: {
        windows: options.rateLimit === undefined ? DEFAULT_WINDOWS : (options.rateLimit ?? []),
        headers: retryAfterHeader(),
        body: () => boom(429, 'Too Many Requests', 'Rate limit exceeded'),
      },
      faults: options.faults,
      faultBody: (status) => ({
        body: JSON.stringify(
          boom(
            status,
            status === 429 ? 'Too Many Requests' : 'Internal Server Error',
            'An internal server error occurred',
          ),
        ),
        contentType: 'application/json; charset=utf-8',
      }),
      onRequest: (request) => {
        if (requestLog.push(request.url) > 1000) requestLog.shift();
      },
      routes,
    },
    { port: options.port, host: options.host },
  );

  const control: SalesflareSandboxControl = {
    ...emulator.control,
    list: () => store.all().map((u) => structuredClone(u)),
    get: (id) => {
      const u = store.get(id);
      return u && structuredClone(u);
    },
    add: (u) => structuredClone(store.add(u)),
    update: (id, patch) => structuredClone(store.update(id, patch)),
    revokeKey: () => keys.clear(),
    requests: () => [...requestLog],
  };
  return { url: emulator.url, apiKey, control, close: () => emulator.close() };
}
