/**
 * Nutshell sandbox: the REST users API (`GET /rest/users` paged by a 0-based `page[page]` and `page[limit]`
 * up to 10,000, `GET /rest/users/{id}`) over real HTTP, on the emulator kit. HTTP Basic with a user's email
 * (or the company domain) and an API key; Nutshell's `{meta, links, users}` answers and its `errors` list;
 * its HTML 404 page for unknown paths. See docs/integrations/nutshell.md.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { basicAuth } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import { nextPageUrl, queryValue } from '../kit/paging.ts';
import { type RateWindow, retryAfterHeader } from '../kit/rate-limit.ts';
import { INSTANCE, type NutshellUser, seedUsers } from './users.ts';

export type { NutshellUser } from './users.ts';

export interface NutshellSandboxOptions {
  /** Default 60. */
  users?: number;
  seed?: number;
  apiKey?: string;
  port?: number;
  host?: string;
  /** Default 10 calls a second per API key (a guess: Nutshell publishes none); `null` turns it off. */
  rateLimit?: RateWindow[] | null;
  faults?: FaultRule[];
}

export interface NutshellSandboxControl extends EmulatorControl {
  list(): NutshellUser[];
  add(user: NutshellUser): NutshellUser;
  setEnabled(id: string, enabled: boolean): NutshellUser;
  /** The API key stops working (deleted in Nutshell's API key settings). */
  revokeApiKey(): void;
  /** Every API request target (`/rest/users?page[limit]=25&page[page]=0`, decoded), the last 1,000. */
  requests(): string[];
}

export interface NutshellSandbox {
  url: string;
  /** The company domain, one Basic user name the key accepts (any enabled user's email is another). */
  domain: string;
  /** The first admin's email. */
  email: string;
  apiKey: string;
  control: NutshellSandboxControl;
  close(): Promise<void>;
}

export const MAX_PAGE_LIMIT = 10_000;
export const DEFAULT_PAGE_LIMIT = 50;
export const DEFAULT_WINDOWS: RateWindow[] = [{ name: 'second', limit: 10, windowMs: 1000 }];

/** Nutshell's REST error item, as in its answers to bad paging parameters. */
export function errorsBody(
  status: number,
  title: string,
  detail: string | null,
  extra: Record<string, unknown> = {},
) {
  return {
    meta: { ...INSTANCE },
    links: {},
    ...extra,
    errors: [
      {
        id: null,
        type: 'errors',
        code: null,
        detail,
        href: null,
        status: String(status),
        title,
        field: null,
      },
    ],
  };
}

const NOT_FOUND_PAGE = `<!DOCTYPE html>
<html>

<head>
<meta charset="UTF-8" />
<title>An Error Occurred: Not Found</title>
</head>

<body>
<h1>Oops! An Error Occurred</h1>
<h2>The server returned a "404 Not Found".</h2>

<div>
Something is broken. Please let us know what you were doing when this error occurred.
We will fix it as soon as possible. Sorry for any inconvenience caused.
</div>
</body>

</html>`;

class BadPaging extends Error {}

/** The target with `%5B`/`%5D` shown as brackets, for reading the request log. */
function readable(url: string): string {
  return url.replace(/%5B/gi, '[').replace(/%5D/gi, ']');
}

/** `page[page]` and `page[limit]`, whether Fastify parsed them flat or nested. */
function pagingParam(query: Record<string, unknown>, name: 'page' | 'limit'): string | undefined {
  const nested = query['page'];
  if (nested && typeof nested === 'object') return queryValue((nested as Record<string, unknown>)[name]);
  return queryValue(query[`page[${name}]`]);
}

function readPaging(request: FastifyRequest): { page: number; limit: number } {
  const query = request.query as Record<string, unknown>;
  const rawPage = pagingParam(query, 'page') ?? '0';
  const rawLimit = pagingParam(query, 'limit') ?? String(DEFAULT_PAGE_LIMIT);
  if (!/^-?\d+$/.test(rawPage) || Number(rawPage) < 0) throw new BadPaging(`Invalid page number: ${rawPage}`);
  if (!/^-?\d+$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > MAX_PAGE_LIMIT)
    throw new BadPaging(`Invalid page limit: ${rawLimit}`);
  return { page: Number(rawPage), limit: Number(rawLimit) };
}

function registerRoutes(app: FastifyInstance, users: ReturnType<typeof seedUsers>['store']): void {
  app.get('/rest/users', async (request) => {
    const { page, limit } = readPaging(request);
    const all = users.list();
    const items = all.slice(page * limit, (page + 1) * limit);
    const more = (page + 1) * limit < all.length;
    const meta = {
      count: all.length,
      total: all.length,
      ...INSTANCE,
      ...(more ? { next: nextPageUrl(request, { 'page[page]': String(page + 1) }) } : {}),
      ...(page > 0 ? { previous: nextPageUrl(request, { 'page[page]': String(page - 1) }) } : {}),
    };
    return { meta, links: {}, users: items };
  });
  app.get('/rest/users/:id', async (request, reply) => {
    const user = users.get((request.params as { id: string }).id);
    if (user) return { meta: { ...INSTANCE }, links: {}, users: [user] };
    return reply
      .code(404)
      .send(errorsBody(404, 'Not Found', 'The requested user does not exist.', { users: [] }));
  });
  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).type('text/html; charset=UTF-8').send(NOT_FOUND_PAGE);
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    if (error instanceof BadPaging)
      return reply.code(400).send(errorsBody(400, 'Invalid filter', error.message, { users: [] }));
    return reply.code(500).send({ code: 500, message: 'Internal Server Error' });
  });
}

export async function startNutshellSandbox(options: NutshellSandboxOptions = {}): Promise<NutshellSandbox> {
  const { store, domain } = seedUsers(options.users ?? 60, options.seed ?? 42);
  const apiKey = options.apiKey ?? randomBytes(20).toString('hex');
  const email = store.list()[0]!.emails[0]!;
  let keyValid = true;
  const log: string[] = [];

  const emulator = await startEmulator(
    {
      name: 'Nutshell',
      authenticators: [
        basicAuth((user, password) => {
          if (!keyValid || password !== apiKey) return undefined;
          const known = user.toLowerCase() === domain || store.enabledByEmail(user) !== undefined;
          return known ? { key: apiKey, kind: 'basic', account: domain } : undefined;
        }),
      ],
      unauthorized: () => ({ body: { code: 401, message: 'Authentication required' } }),
      rateLimit: {
        windows: options.rateLimit === undefined ? DEFAULT_WINDOWS : (options.rateLimit ?? []),
        headers: retryAfterHeader(),
        body: () => ({ code: 429, message: 'Too Many Requests' }),
      },
      faults: options.faults,
      // An injected 429 looks like the emulator's own: Retry-After included.
      faultBody: (status) => ({
        body: JSON.stringify({
          code: status,
          message: status === 429 ? 'Too Many Requests' : 'Internal Server Error',
        }),
        contentType: 'application/json',
        ...(status === 429 ? { headers: { 'retry-after': '1' } } : {}),
      }),
      onRequest: (request) => {
        log.push(readable(request.url));
        if (log.length > 1000) log.shift();
      },
      routes: (app) => registerRoutes(app, store),
      controlRoutes: (route) => {
        route('GET', '/users', () => store.list());
        route('POST', '/revoke-api-key', () => {
          keyValid = false;
          return { ok: true };
        });
      },
    },
    { port: options.port, host: options.host },
  );

  const control: NutshellSandboxControl = {
    ...emulator.control,
    list: () => store.list(),
    add: (user) => store.add(user),
    setEnabled: (id, enabled) => store.setEnabled(id, enabled),
    revokeApiKey: () => {
      keyValid = false;
    },
    requests: () => [...log],
  };
  return { url: emulator.url, domain, email, apiKey, control, close: () => emulator.close() };
}
