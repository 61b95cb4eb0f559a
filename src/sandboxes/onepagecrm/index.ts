/**
 * OnePageCRM sandbox: the v3 users API (`GET /api/v3/users`, unpaginated, and `GET /api/v3/users/{user_id}`)
 * over real HTTP, on the emulator kit. HTTP Basic with the API user's id and API key; the
 * `{status, message, timestamp, data}` envelope; OnePageCRM's 4xx body (`status`, `message`, `error_name`,
 * `error_message`, `errors`); the request throttle (on average 5 calls a second per IP, bursts of 10)
 * answering 403 with a plain-text body. See docs/integrations/onepagecrm.md.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { basicAuth } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import type { RateWindow } from '../kit/rate-limit.ts';
import { DOCS_EXAMPLE_USER, type OnePageCrmUser, seedUsers } from './users.ts';

export type { OnePageCrmUser } from './users.ts';
export { DOCS_EXAMPLE_USER } from './users.ts';

export interface OnePageCrmSandboxOptions {
  /** Team size, the API user included (default 40). */
  users?: number;
  seed?: number;
  /** The API user's key (default: a fresh random one). */
  apiKey?: string;
  port?: number;
  host?: string;
  /** Throttle windows (default: 10 a second and 50 per 10 s, per client IP); `null` turns it off. */
  rateLimit?: RateWindow[] | null;
  faults?: FaultRule[];
}

export interface OnePageCrmSandboxControl extends EmulatorControl {
  /** The team as the API user sees it (its own record with `bcc_email` and `google_contacts_email`). */
  list(): OnePageCrmUser[];
  get(id: string): OnePageCrmUser | undefined;
  add(user: OnePageCrmUser): OnePageCrmUser;
  /** Takes a user off the team. */
  remove(id: string): boolean;
  /** The API key stops working (regenerated in OnePageCRM's API settings). */
  revokeApiKey(): void;
  /** Every API request target (`/api/v3/users?x=1`), oldest first, at most the last 1,000. */
  requests(): string[];
}

export interface OnePageCrmSandbox {
  url: string;
  /** The Basic credentials: user id as the user name, API key as the password. */
  userId: string;
  apiKey: string;
  control: OnePageCrmSandboxControl;
  close(): Promise<void>;
}

export const API_BASE = '/api/v3';
/** rack-throttle's sliding window: 5 a second on average, bursts of up to 10. */
export const DEFAULT_WINDOWS: RateWindow[] = [
  { name: 'burst', limit: 10, windowMs: 1000 },
  { name: 'average', limit: 50, windowMs: 10_000 },
];

/** OnePageCRM's 4xx/5xx envelope (the OpenAPI file's `400`/`401` responses). */
export function errorBody(status: number, message: string, errorMessage: string) {
  const errorName = message.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  return { status, message, error_name: errorName, error_message: errorMessage, errors: {} };
}

function envelope(data: unknown) {
  return { status: 0, message: 'OK', timestamp: Math.floor(Date.now() / 1000), data };
}

function hasBasicHeader(request: FastifyRequest): boolean {
  return /^Basic\s+\S+/i.test(request.headers.authorization ?? '');
}

function registerRoutes(app: FastifyInstance, users: ReturnType<typeof seedUsers>, viewer: string): void {
  const list = async () => envelope(users.list(viewer).map((user) => ({ user })));
  app.get(`${API_BASE}/users`, list);
  app.get(`${API_BASE}/users.json`, list);
  app.get(`${API_BASE}/users/:userId`, async (request, reply) => {
    const id = (request.params as { userId: string }).userId.replace(/\.json$/, '');
    const user = users.get(id, viewer);
    if (user) return envelope({ user });
    return reply
      .code(404)
      .send(errorBody(404, 'Resource not found', 'Requested resource has not been found'));
  });
  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).send(errorBody(404, 'Resource not found', 'Requested resource has not been found'));
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    reply
      .code(status)
      .send(errorBody(status, status < 500 ? 'Invalid request data' : 'Server error', error.message));
  });
}

export async function startOnePageCrmSandbox(
  options: OnePageCrmSandboxOptions = {},
): Promise<OnePageCrmSandbox> {
  const users = seedUsers(options.users ?? 40, options.seed ?? 42);
  const userId = DOCS_EXAMPLE_USER.id;
  const apiKey = options.apiKey ?? randomBytes(32).toString('base64');
  let keyValid = true;
  const log: string[] = [];

  const emulator = await startEmulator(
    {
      name: 'OnePageCRM',
      authenticators: [
        basicAuth((user, password) =>
          keyValid && user === userId && password === apiKey
            ? { key: user, kind: 'basic', account: user }
            : undefined,
        ),
      ],
      unauthorized: (request) => ({
        body: hasBasicHeader(request)
          ? errorBody(401, 'Invalid login details', 'The user_id and api_key pair is not valid.')
          : errorBody(
              401,
              'Authorization data not found',
              'Cannot find suitable authorization data or data provided is not complete.',
            ),
      }),
      rateLimit: {
        windows: options.rateLimit === undefined ? DEFAULT_WINDOWS : (options.rateLimit ?? []),
        status: 403,
        // rack-throttle counts per client IP, whoever's credentials it carries.
        key: (request) => request.ip,
        body: () => '403 Forbidden (Rate Limit Exceeded)\n',
      },
      faults: options.faults,
      faultBody: (status) => ({
        body: JSON.stringify(errorBody(status, 'Server error', 'Injected fault')),
        contentType: 'application/json; charset=utf-8',
      }),
      onRequest: (request) => {
        log.push(request.url);
        if (log.length > 1000) log.shift();
      },
      routes: (app) => registerRoutes(app, users, userId),
      controlRoutes: (route) => {
        route('GET', '/users', () => users.list(userId));
        route('POST', '/revoke-api-key', () => {
          keyValid = false;
          return { ok: true };
        });
      },
    },
    { port: options.port, host: options.host },
  );

  const control: OnePageCrmSandboxControl = {
    ...emulator.control,
    list: () => users.list(userId),
    get: (id) => users.get(id, userId),
    add: (user) => users.add(user),
    remove: (id) => users.remove(id),
    revokeApiKey: () => {
      keyValid = false;
    },
    requests: () => [...log],
  };
  return { url: emulator.url, userId, apiKey, control, close: () => emulator.close() };
}
