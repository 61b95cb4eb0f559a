/**
 * Zendesk Sell sandbox: the Users API (`GET /v2/users`, `/v2/users/{id}`, `/v2/users/self`) and Sell's
 * OAuth 2.0 (`/oauth2/authorize`, `/oauth2/token` with HTTP Basic client auth) over real HTTP, on the kit.
 * Bearer tokens are OAuth access tokens or personal access tokens. Lists are `items[].data` envelopes paged
 * by `page`/`per_page` (25 by default, at most 100), filtered by `ids`, `name`, `email`, `status`, `role`,
 * `confirmed`, sorted by `sort_by=field[:desc]`. 36,000 calls an hour per token. See
 * docs/integrations/zendesksell.md for what is documented and what is guessed.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../kit/auth.ts';
import { oauthBearer, staticBearer } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import type { OAuthControl } from '../kit/oauth/control.ts';
import { createOAuthServer } from '../kit/oauth/server.ts';
import { nextPageUrl, queryValue, readPageSize } from '../kit/paging.ts';
import { hashGuid } from '../kit/random.ts';
import { forbidden, invalidParam, notFound, rateLimited, sellError, unauthorized } from './errors.ts';
import {
  queryUsers,
  type SellUser,
  SORT_FIELDS,
  type SortField,
  seedUsers,
  sellDate,
  type UserQuery,
} from './users.ts';

export type { SellUser } from './users.ts';

export const OAUTH_PATHS = { authorize: '/oauth2/authorize', token: '/oauth2/token' };
/** Sell access tokens from the authorization-code flow last an hour (`expires_in: 3599` in observed responses). */
export const ACCESS_TOKEN_SECONDS = 3599;
export const HOURLY_LIMIT = 36_000;

export interface ZendeskSellSandboxOptions {
  users?: number;
  seed?: number;
  /** The personal access token (default: a fresh 64-hex one). */
  token?: string;
  port?: number;
  host?: string;
  /** Calls per hour per token (default 36,000); null disables the limit. */
  rateLimit?: { calls: number; windowMs: number } | null;
  oauth?: { clientId?: string; clientSecret?: string; autoApprove?: boolean };
  faults?: FaultRule[];
}

export interface ZendeskSellSandbox {
  url: string;
  token: string;
  oauth: { clientId: string; clientSecret: string; authorizeUrl: string; tokenUrl: string };
  control: Omit<EmulatorControl, 'oauth'> & {
    oauth: OAuthControl;
    /** Every user, in id order, as the API returns them. */
    list(): SellUser[];
    /** Deactivates or reactivates a user (Sell's `status`), moving `updated_at`. */
    setStatus(id: number, status: 'active' | 'inactive'): SellUser;
    /** The personal access token stops working (as when it is deleted in Sell's settings). */
    revokePersonalToken(): void;
    /** The last 1,000 API request targets (path and query, as sent), oldest first. */
    requestLog(): string[];
  };
  close(): Promise<void>;
}

class InvalidParam extends Error {
  readonly field: string;
  constructor(field: string, details: string) {
    super(details);
    this.field = field;
  }
}

type Query = Record<string, unknown>;

function one(q: Query, name: string): string | undefined {
  const v = queryValue(q[name]);
  return v === '' ? undefined : v;
}

function oneOf<T extends string>(q: Query, name: string, values: readonly T[]): T | undefined {
  const v = one(q, name);
  if (v === undefined) return undefined;
  if (!(values as readonly string[]).includes(v))
    throw new InvalidParam(name, `${name} must be one of: ${values.join(', ')}`);
  return v as T;
}

function readUserQuery(q: Query): UserQuery {
  const ids = one(q, 'ids')
    ?.split(',')
    .map((s) => {
      if (!/^\d+$/.test(s.trim()))
        throw new InvalidParam('ids', 'ids must be a comma-separated list of integers');
      return Number(s);
    });
  const confirmed = oneOf(q, 'confirmed', ['true', 'false']);
  const [field, direction = 'asc', ...rest] = (one(q, 'sort_by') ?? 'id:asc').split(':');
  if (
    !(SORT_FIELDS as readonly string[]).includes(field!) ||
    !['asc', 'desc'].includes(direction) ||
    rest.length
  )
    throw new InvalidParam(
      'sort_by',
      `sort_by must be one of ${SORT_FIELDS.join(', ')}, optionally with :asc or :desc`,
    );
  return {
    ids,
    name: one(q, 'name'),
    email: one(q, 'email'),
    status: oneOf(q, 'status', ['active', 'inactive']),
    role: oneOf(q, 'role', ['user', 'admin']),
    confirmed: confirmed === undefined ? undefined : confirmed === 'true',
    sort: { field: field as SortField, direction: direction as 'asc' | 'desc' },
  };
}

const PAGE_PROBLEMS = {
  'not-an-integer': 'must be an integer',
  'too-large': 'must be less than or equal to 100',
  'too-small': 'must be greater than or equal to 1',
} as const;

/** `read` covers the Users API; `profile` is enough for the caller's own user. */
function hasScope(principal: Principal | null, ...accepted: string[]): boolean {
  if (principal?.kind !== 'oauth') return true;
  return accepted.some((s) => principal.scopes?.includes(s));
}

const item = (user: SellUser) => ({ data: user, meta: { type: 'user' } });

function registerRoutes(app: FastifyInstance, users: () => SellUser[]): void {
  app.get('/v2/users', async (request, reply) => {
    if (!hasScope(request.principal, 'read')) return reply.code(403).send(forbidden(request.id, 'read'));
    const q = request.query as Query;
    const perPage = readPageSize(
      one(q, 'per_page'),
      { default: 25, max: 100 },
      (p) => new InvalidParam('per_page', `per_page ${PAGE_PROBLEMS[p.kind]}`),
    );
    const page = readPageSize(
      one(q, 'page'),
      { default: 1, max: Number.MAX_SAFE_INTEGER },
      (p) =>
        new InvalidParam('page', `page ${PAGE_PROBLEMS[p.kind === 'too-large' ? 'not-an-integer' : p.kind]}`),
    );
    const matched = queryUsers(users(), readUserQuery(q));
    const items = matched.slice((page - 1) * perPage, page * perPage);
    const more = page * perPage < matched.length;
    return {
      items: items.map(item),
      meta: {
        type: 'collection',
        count: items.length,
        links: {
          self: nextPageUrl(request, {}),
          ...(page > 1 ? { prev_page: nextPageUrl(request, { page: String(page - 1) }) } : {}),
          ...(more ? { next_page: nextPageUrl(request, { page: String(page + 1) }) } : {}),
        },
      },
    };
  });

  app.get('/v2/users/self', async (request, reply) => {
    if (!hasScope(request.principal, 'read', 'profile'))
      return reply.code(403).send(forbidden(request.id, 'profile'));
    // Tokens act for the account owner (the first seeded person) in this sandbox.
    return item(users().find((u) => u.reports_to === null) ?? users()[0]!);
  });

  app.get('/v2/users/:id', async (request, reply) => {
    if (!hasScope(request.principal, 'read')) return reply.code(403).send(forbidden(request.id, 'read'));
    const { id } = request.params as { id: string };
    const user = /^\d+$/.test(id) ? users().find((u) => u.id === Number(id)) : undefined;
    return user ? item(user) : reply.code(404).send(notFound(request.id));
  });

  app.setNotFoundHandler((request, reply) => reply.code(404).send(notFound(request.id)));
  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    if (error instanceof InvalidParam)
      return reply.code(422).send(invalidParam(request.id, error.field, error.message));
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    return reply.code(status).send(
      sellError(status, request.id, {
        code: status === 500 ? 'server_error' : 'bad_request',
        message: error.message,
        details: error.message,
      }),
    );
  });
}

export async function startZendeskSellSandbox(
  options: ZendeskSellSandboxOptions = {},
): Promise<ZendeskSellSandbox> {
  const seed = options.seed ?? 42;
  const users = seedUsers(options.users ?? 200, seed);
  const token = options.token ?? randomBytes(32).toString('hex');
  const personalTokens = new Map<string, string>([[token, 'account-1']]);
  const client = {
    clientId: options.oauth?.clientId ?? hashGuid(seed, 1, 9101).replaceAll('-', ''),
    clientSecret: options.oauth?.clientSecret ?? hashGuid(seed, 2, 9102).replaceAll('-', ''),
  };
  const oauth = createOAuthServer({
    paths: OAUTH_PATHS,
    vendorName: 'Zendesk Sell',
    clients: [
      {
        ...client,
        redirectUris: 'any',
        name: 'Switchboard',
        grantTypes: ['authorization_code', 'refresh_token'],
      },
    ],
    accounts: [{ id: 'account-1', name: 'Sell account' }],
    clientAuth: 'basic',
    pkce: 'off',
    accessTokenLifetime: ACCESS_TOKEN_SECONDS,
    refreshTokens: 'rotating',
    tokenType: 'bearer',
    autoApprove: options.oauth?.autoApprove ?? false,
    newAccessToken: () => randomBytes(32).toString('hex'),
    newRefreshToken: () => randomBytes(32).toString('hex'),
    tokenResponse: (body) => ({
      access_token: body.access_token,
      token_type: 'bearer',
      expires_in: body.expires_in,
      refresh_token: body.refresh_token,
      scope: body.scope,
    }),
  });
  const windows =
    options.rateLimit === null
      ? []
      : [
          {
            name: 'hourly',
            limit: options.rateLimit?.calls ?? HOURLY_LIMIT,
            windowMs: options.rateLimit?.windowMs ?? 3_600_000,
          },
        ];
  const log: string[] = [];
  const emulator = await startEmulator(
    {
      name: 'Zendesk Sell',
      onRequest: (request) => {
        if (log.push(request.url) > 1000) log.shift();
      },
      authenticators: [staticBearer(() => personalTokens), oauthBearer(oauth)],
      unauthorized: (request) => ({ body: unauthorized(request.id) }),
      oauth,
      rateLimit: { windows, body: (_decision, request: FastifyRequest) => rateLimited(request.id) },
      faults: options.faults,
      faultBody: (status, request) => ({
        body: JSON.stringify(
          sellError(status, request.id, {
            code: 'server_error',
            message: 'injected fault',
            details: 'injected fault',
          }),
        ),
        contentType: 'application/json; charset=utf-8',
      }),
      routes: (app) => registerRoutes(app, () => users),
    },
    { port: options.port, host: options.host },
  );
  return {
    url: emulator.url,
    token,
    oauth: {
      ...client,
      authorizeUrl: `${emulator.url}${OAUTH_PATHS.authorize}`,
      tokenUrl: `${emulator.url}${OAUTH_PATHS.token}`,
    },
    control: {
      ...emulator.control,
      oauth: oauth.control,
      list: () => users.map((u) => structuredClone(u)).sort((a, b) => a.id - b.id),
      setStatus(id, status) {
        const user = users.find((u) => u.id === id);
        if (!user) throw new Error(`no user ${id}`);
        user.status = status;
        user.updated_at = sellDate(Math.max(Date.now(), Date.parse(user.updated_at) + 1000));
        return user;
      },
      revokePersonalToken: () => personalTokens.clear(),
      requestLog: () => [...log],
    },
    close: () => emulator.close(),
  };
}
