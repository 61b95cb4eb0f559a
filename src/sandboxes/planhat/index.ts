/**
 * Planhat sandbox: an emulator of Planhat's main API (`https://api.planhat.com`) for its users over real
 * HTTP, on the emulator kit. API access tokens are static and sent as `Authorization: Bearer <token>` or
 * `Basic base64(<token>:)` (https://www.planhat.com/developers/api/authentication-limits); `GET /users`
 * answers a bare array paged by `limit`/`offset` and filtered by `email`
 * (https://www.planhat.com/developers/api/user). See docs/integrations/planhat.md.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { basicAuth, type Principal, staticBearer } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import { queryValue } from '../kit/paging.ts';
import { hashGuid } from '../kit/random.ts';
import type { RateHeaders, RateWindow } from '../kit/rate-limit.ts';
import { DOCS_EXAMPLE_IDS, type NewUser, type PlanhatUser, seedUsers, type UserPatch } from './users.ts';

export type { PlanhatUser } from './users.ts';
export { DOCS_EXAMPLE_IDS } from './users.ts';

/** Planhat's quota: 200 calls a minute (soft), 150 a second (hard). */
export const DEFAULT_WINDOWS: RateWindow[] = [
  { name: 'minute', limit: 200, windowMs: 60_000 },
  { name: 'second', limit: 150, windowMs: 1000 },
];
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 5000;

export interface PlanhatSandboxOptions {
  /** Users to seed (default 200), the docs' two examples first. */
  users?: number;
  seed?: number;
  /** The service account's API access token (default derived from the seed). */
  token?: string;
  port?: number;
  host?: string;
  /** Default `DEFAULT_WINDOWS`; `null` turns limiting off. */
  rateLimit?: RateWindow[] | null;
  faults?: FaultRule[];
}

export interface PlanhatSandboxControl extends EmulatorControl {
  /** Users as the API returns them, in natural order. */
  list(): PlanhatUser[];
  get(id: string): PlanhatUser | undefined;
  add(user: NewUser): PlanhatUser;
  update(id: string, patch: UserPatch): PlanhatUser;
  /** The token stops working (it was removed in Settings). */
  revokeToken(): void;
  /** The service account loses (or regains) its permission to read users: `/users` answers 403. */
  denyUsers(denied?: boolean): void;
  /** The last 1,000 API request targets (path and query), oldest first. */
  requests(): string[];
}

export interface PlanhatSandbox {
  url: string;
  token: string;
  control: PlanhatSandboxControl;
  close(): Promise<void>;
}

/** Planhat answers errors with a short text (https://www.planhat.com/developers/api/http-response-codes). */
const TEXT = 'text/plain; charset=utf-8';

export async function startPlanhatSandbox(options: PlanhatSandboxOptions = {}): Promise<PlanhatSandbox> {
  const seed = options.seed ?? 42;
  const token =
    options.token ?? hashGuid(seed, 5, 8201).replaceAll('-', '') + hashGuid(seed, 6, 8202).slice(0, 8);
  const store = seedUsers(options.users ?? 200, seed);
  const tokens = new Map([[token, DOCS_EXAMPLE_IDS.alex]]);
  const requestLog: string[] = [];
  let usersDenied = false;

  const routes = (app: FastifyInstance) => {
    const badRequest = (message: string) => Object.assign(new Error(message), { statusCode: 400 });
    const number = (q: Record<string, unknown>, name: string, fallback: number) => {
      const raw = queryValue(q[name]);
      if (raw === undefined || raw === '') return fallback;
      if (!/^\d+$/.test(raw)) throw badRequest(`${name} must be a non-negative integer`);
      return Number(raw);
    };
    /** The query, once the service account may read users. */
    const usersQuery = (request: FastifyRequest) => {
      if (usersDenied)
        throw Object.assign(new Error('Forbidden: missing permission to read users'), { statusCode: 403 });
      return request.query as Record<string, unknown>;
    };
    app.get('/users', async (request) => {
      const q = usersQuery(request);
      const limit = number(q, 'limit', DEFAULT_LIMIT);
      if (limit < 1 || limit > MAX_LIMIT) throw badRequest(`limit must be between 1 and ${MAX_LIMIT}`);
      const offset = number(q, 'offset', 0);
      const email = queryValue(q['email'])?.toLowerCase();
      const matching = store.all().filter((u) => email === undefined || u.email.toLowerCase() === email);
      return matching.slice(offset, offset + limit);
    });
    app.get('/users/:id', async (request, reply) => {
      usersQuery(request);
      const { id } = request.params as { id: string };
      const found = id.startsWith('extid-')
        ? store.all().find((u) => u.externalId === id.slice(6))
        : store.get(id);
      return found ?? reply.code(404).type(TEXT).send('User not found');
    });
    app.get('/myprofile', async (request) => store.get(request.principal!.account!));
    app.setNotFoundHandler((_request, reply) => {
      reply.code(404).type(TEXT).send('Not Found');
    });
    app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
      const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
      reply
        .code(status)
        .type(TEXT)
        .send(status === 500 ? 'Internal Server Error' : error.message);
    });
  };

  const byToken = (value: string): Principal | undefined =>
    tokens.has(value) ? { key: value, kind: 'token', account: tokens.get(value) } : undefined;
  const emulator = await startEmulator(
    {
      name: 'Planhat',
      authenticators: [
        staticBearer(() => tokens),
        basicAuth((user, password) => (password === '' ? byToken(user) : undefined)),
      ],
      unauthorized: () => ({ body: 'Unauthorized', headers: { 'content-type': TEXT } }),
      rateLimit: {
        windows: options.rateLimit === undefined ? DEFAULT_WINDOWS : (options.rateLimit ?? []),
        // Old docs: every response tells the limit and how many calls are left until the next reset.
        headers: (decision): RateHeaders => {
          const minute = decision.windows.find((w) => w.name === 'minute') ?? decision.windows[0];
          return minute
            ? { 'x-rate-limit-limit': minute.limit, 'x-rate-limit-remaining': minute.remaining }
            : {};
        },
        body: () => 'Too Many Requests',
      },
      faults: options.faults,
      faultBody: () => ({ body: 'Internal Server Error', contentType: TEXT }),
      onRequest: (request) => {
        if (requestLog.push(request.url) > 1000) requestLog.shift();
      },
      routes,
    },
    { port: options.port, host: options.host },
  );

  const control: PlanhatSandboxControl = {
    ...emulator.control,
    list: () => store.all().map((u) => structuredClone(u)),
    get: (id) => {
      const u = store.get(id);
      return u && structuredClone(u);
    },
    add: (u) => structuredClone(store.add(u)),
    update: (id, patch) => structuredClone(store.update(id, patch)),
    revokeToken: () => tokens.clear(),
    denyUsers: (denied = true) => {
      usersDenied = denied;
    },
    requests: () => [...requestLog],
  };
  return { url: emulator.url, token, control, close: () => emulator.close() };
}
