/**
 * Freshsales sandbox: the owners selector (`GET /crm/sales/api/selector/owners`, and the legacy
 * freshsales.io path `/api/selector/owners`) over real HTTP, on the emulator kit. Personal API keys in
 * `Authorization: Token token=…`; the account-wide limits (400 calls a minute and, on Growth, 1,000 an
 * hour) with `Retry-After` on 429; Freshsales' error bodies. See docs/integrations/freshsales.md.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import { retryAfterHeader } from '../kit/rate-limit.ts';
import { DOCS_EXAMPLE_USER, type FreshsalesUser, seedUsers } from './users.ts';

export type { FreshsalesUser } from './users.ts';
export { DOCS_EXAMPLE_USER } from './users.ts';

export interface FreshsalesLimits {
  perMinute: number;
  perHour: number;
}

export interface FreshsalesSandboxOptions {
  /** Users, the docs' sample admin included (default 60). */
  users?: number;
  seed?: number;
  /** The admin's API key (default: a fresh random one). */
  apiKey?: string;
  port?: number;
  host?: string;
  /** Default 400 a minute and 1,000 an hour (Growth); `null` turns limiting off. */
  rateLimit?: FreshsalesLimits | null;
  faults?: FaultRule[];
}

export interface FreshsalesSandboxControl extends EmulatorControl {
  /** The users as the selector returns them. */
  list(): FreshsalesUser[];
  add(user: FreshsalesUser): FreshsalesUser;
  setActive(id: number, active: boolean): FreshsalesUser;
  /** A personal API key for a user (its previous key stops working). */
  issueKey(id: number): string;
  /** Every key stops working (regenerated in Profile Settings › API Settings). */
  revokeKeys(): void;
  /** Every API request target (`/crm/sales/api/selector/owners`), oldest first, at most the last 1,000. */
  requests(): string[];
}

export interface FreshsalesSandbox {
  url: string;
  /** The admin's API key. */
  apiKey: string;
  control: FreshsalesSandboxControl;
  close(): Promise<void>;
}

/** The current bundle path first; freshsales.io accounts used `/api` at the root. */
export const API_BASES = ['/crm/sales/api', '/api'];

/** Freshsales' error body for statuses other than 401. */
export function errorBody(code: number, message: string) {
  return { errors: { code, message: [message] } };
}

/** `Token token=KEY` or `Token token="KEY"`, as Rails' token authentication reads it. */
function tokenOf(request: FastifyRequest): string | undefined {
  return /^Token\s+token="?([^"\s,]+)"?\s*$/i.exec(request.headers.authorization ?? '')?.[1];
}

function registerRoutes(app: FastifyInstance, users: ReturnType<typeof seedUsers>): void {
  for (const base of API_BASES) app.get(`${base}/selector/owners`, async () => ({ users: users.list() }));
  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).send(errorBody(404, 'The requested resource was not found'));
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    reply.code(status).send(errorBody(status, error.message));
  });
}

export async function startFreshsalesSandbox(
  options: FreshsalesSandboxOptions = {},
): Promise<FreshsalesSandbox> {
  const users = seedUsers(options.users ?? 60, options.seed ?? 42);
  const apiKey = users.issueKey(DOCS_EXAMPLE_USER.id, options.apiKey);
  const limits = options.rateLimit === undefined ? { perMinute: 400, perHour: 1000 } : options.rateLimit;
  const log: string[] = [];

  const emulator = await startEmulator(
    {
      name: 'Freshsales',
      authenticators: [
        (request) => {
          const key = tokenOf(request);
          const user = key === undefined ? undefined : users.userForKey(key);
          return user && key ? { key, kind: 'api-key', account: 'account' } : undefined;
        },
      ],
      unauthorized: () => ({ body: { login: 'failed', message: 'Incorrect or expired API key' } }),
      rateLimit: {
        windows: limits
          ? [
              { name: 'hour', limit: limits.perHour, windowMs: 3_600_000 },
              { name: 'minute', limit: limits.perMinute, windowMs: 60_000 },
            ]
          : [],
        // The limits are per account, whichever user's key the call carries.
        key: (_request, principal) => principal.account ?? principal.key,
        headers: retryAfterHeader(),
        body: (decision) =>
          errorBody(
            429,
            `API rate limit exceeded: ${decision.exceeded?.limit} requests per ${decision.exceeded?.name}`,
          ),
      },
      faults: options.faults,
      // An injected 429 looks like a real one: Retry-After included (1 s, to keep tests quick).
      faultBody: (status) => ({
        body: JSON.stringify(
          errorBody(status, status === 429 ? 'API rate limit exceeded' : 'Something went wrong'),
        ),
        contentType: 'application/json; charset=utf-8',
        ...(status === 429 ? { headers: { 'retry-after': '1' } } : {}),
      }),
      onRequest: (request) => {
        log.push(request.url);
        if (log.length > 1000) log.shift();
      },
      routes: (app) => registerRoutes(app, users),
      controlRoutes: (route) => {
        route('GET', '/users', () => users.list());
        route('POST', '/revoke-keys', () => {
          users.revokeKeys();
          return { ok: true };
        });
      },
    },
    { port: options.port, host: options.host },
  );

  const control: FreshsalesSandboxControl = {
    ...emulator.control,
    list: () => users.list(),
    add: (user) => users.add(user),
    setActive: (id, active) => users.setActive(id, active),
    issueKey: (id) => users.issueKey(id),
    revokeKeys: () => users.revokeKeys(),
    requests: () => [...log],
  };
  return { url: emulator.url, apiKey, control, close: () => emulator.close() };
}
