/**
 * monday.com sandbox: the platform API's GraphQL endpoint (`POST /v2`) for users — `users(limit, page, ids,
 * emails, name, kind, non_active, newest_first)`, `me`, `account`, `complexity` — and monday's OAuth
 * (`/oauth2/authorize`, `/oauth2/token`; tokens that never expire and come without a refresh token) over
 * real HTTP, on the kit. Tokens go in `Authorization` as they are, without `Bearer`. GraphQL errors are
 * answered with HTTP 200; rate limits (complexity per minute, requests per minute, calls per day) with
 * 429. See docs/integrations/mondaycrm.md for what is documented and what is guessed.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Authenticator, Principal } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import type { OAuthControl } from '../kit/oauth/control.ts';
import { createOAuthServer, type OAuthServer } from '../kit/oauth/server.ts';
import { hashGuid } from '../kit/random.ts';
import { retryAfterHeader } from '../kit/rate-limit.ts';
import { GraphQLError } from './graphql.ts';
import { errorBody, execute, leafCount, prepare, usersArgs } from './schema.ts';
import { ACCOUNT, type MondayUser, mondayDate, seedUsers, selectUsers } from './users.ts';

export type { MondayUser } from './users.ts';

export const OAUTH_PATHS = { authorize: '/oauth2/authorize', token: '/oauth2/token' };
/** Complexity points one query may cost, and per-minute budgets (personal tokens; app tokens' reads). */
export const QUERY_COMPLEXITY_LIMIT = 5_000_000;
export const PERSONAL_BUDGET = 10_000_000;
export const APP_BUDGET = 5_000_000;
/** Daily calls on the Basic and Standard plans. */
export const DAILY_LIMIT = 1_000;
const MAX_LIMIT = 1000;

export interface MondaySandboxOptions {
  users?: number;
  seed?: number;
  /** The personal API token (default: a fresh JWT-shaped one, as monday's are). */
  token?: string;
  port?: number;
  host?: string;
  /** Calls per minute and per day (default: 1,000 a minute, 1,000 a day); null turns both off. */
  rateLimit?: { perMinute: number; perDay: number } | null;
  /** Per-minute complexity budgets (default 10M for personal tokens, 5M for app tokens). */
  complexityBudget?: { personal: number; app: number };
  oauth?: { clientId?: string; clientSecret?: string; autoApprove?: boolean };
  faults?: FaultRule[];
}

export interface MondaySandbox {
  url: string;
  token: string;
  accountId: number;
  oauth: { clientId: string; clientSecret: string; authorizeUrl: string; tokenUrl: string };
  control: Omit<EmulatorControl, 'oauth'> & {
    oauth: OAuthControl;
    /** Every user, in id order; with `fields`, only those fields (what a query selecting them returns). */
    list(fields?: readonly string[]): Array<Partial<MondayUser>>;
    /** Deactivates or reactivates a user. */
    setEnabled(id: string, enabled: boolean): MondayUser;
    /** The personal token stops working (as when it is regenerated). */
    revokePersonalToken(): void;
    /** The last 1,000 GraphQL requests (query, variables, `API-Version` header), oldest first. */
    requestLog(): LoggedQuery[];
    /** `User` fields that stop existing, as in a newer API version: queries selecting them fail validation. */
    retireUserFields(fields: string[]): void;
  };
  close(): Promise<void>;
}

/** monday's error document: `errors` plus the account, answered with HTTP 200 unless said otherwise. */
const errorsDoc = (errors: unknown[]) => ({ errors, account_id: ACCOUNT.id });
const simpleError = (message: string, extensions: Record<string, unknown>) =>
  errorsDoc([{ message, extensions }]);

/** `Authorization: <token>`: monday's docs send the token bare. */
function rawToken(request: FastifyRequest): string | undefined {
  const value = request.headers.authorization?.trim();
  return value && !/\s/.test(value) ? value : undefined;
}

function mondayAuth(personal: Map<string, string>, oauth: OAuthServer): Authenticator {
  return (request) => {
    const token = rawToken(request);
    if (!token) return undefined;
    if (personal.has(token)) return { key: token, kind: 'token', account: String(ACCOUNT.id) };
    const grant = oauth.validateAccessToken(token);
    return grant
      ? { key: grant.token, kind: 'oauth', account: grant.account, scopes: grant.scopes, grant }
      : undefined;
  };
}

/** The scope each root field needs from an app token (personal tokens act with the user's own rights). */
const ROOT_SCOPES: Record<string, string> = { users: 'users:read', me: 'me:read', account: 'account:read' };

class ComplexityLedger {
  readonly #spent = new Map<string, Array<{ at: number; cost: number }>>();
  /** Charges `cost` if the budget allows; returns what was left before, and when the oldest charge expires. */
  charge(key: string, cost: number, budget: number, now = Date.now()) {
    const log = (this.#spent.get(key) ?? []).filter((c) => c.at > now - 60_000);
    this.#spent.set(key, log);
    const before = budget - log.reduce((n, c) => n + c.cost, 0);
    const resetIn = log.length ? Math.ceil((log[0]!.at + 60_000 - now) / 1000) : 60;
    if (cost > before) return { allowed: false, before, resetIn };
    log.push({ at: now, cost });
    return { allowed: true, before, resetIn };
  }
}

export interface LoggedQuery {
  query: string;
  variables: Record<string, unknown>;
  apiVersion?: string;
}

interface RouteContext {
  users: MondayUser[];
  ledger: ComplexityLedger;
  budget: { personal: number; app: number };
  log: LoggedQuery[];
  retired: Set<string>;
}

function registerRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post('/v2', async (request, reply) => {
    const body = (request.body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
    if (typeof body.query !== 'string' || body.query.trim() === '')
      return reply.code(400).send(simpleError('Must provide query string.', { code: 'BAD_REQUEST' }));
    let prepared: ReturnType<typeof prepare>;
    try {
      prepared = prepare(body.query, body.variables, body.operationName, ctx.retired);
    } catch (thrown) {
      const errors = (Array.isArray(thrown) ? thrown : [thrown]) as GraphQLError[];
      if (!(errors[0] instanceof GraphQLError)) throw thrown;
      const code = errors[0].message.startsWith('Syntax Error')
        ? 'GRAPHQL_PARSE_FAILED'
        : 'GRAPHQL_VALIDATION_FAILED';
      return reply.send(errorsDoc(errors.map((e) => errorBody(e, { code }))));
    }
    const apiVersion = request.headers['api-version'];
    const entry = { query: body.query, variables: prepared.variables };
    if (ctx.log.push(typeof apiVersion === 'string' ? { ...entry, apiVersion } : entry) > 1000)
      ctx.log.shift();
    const principal = request.principal as Principal;
    const roots = prepared.operation.selections;
    if (principal.kind === 'oauth') {
      const missing = roots
        .map((f) => ROOT_SCOPES[f.name])
        .filter((s): s is string => !!s && !principal.scopes?.includes(s));
      if (missing.length)
        return reply.code(403).send(
          simpleError(`Missing required permissions: ${[...new Set(missing)].join(', ')}`, {
            code: 'missingRequiredPermissions',
            status_code: 403,
            error_data: { missing_permissions: [...new Set(missing)] },
          }),
        );
    }
    // Arguments monday checks before running anything, and the query's complexity.
    let cost = 0;
    for (const field of roots) {
      if (field.name === 'users') {
        const args = usersArgs(field, prepared.variables);
        for (const [name, value] of [
          ['limit', args.limit],
          ['page', args.page],
        ] as const)
          if (value !== undefined && (value < 1 || (name === 'limit' && value > MAX_LIMIT)))
            return reply.send(
              errorsDoc([
                errorBody(
                  new GraphQLError(
                    `Argument ${name} must be between 1 and ${name === 'limit' ? MAX_LIMIT : 'infinity'}`,
                    [field.loc],
                  ),
                  {
                    code: 'INVALID_ARGUMENT',
                  },
                ),
              ]),
            );
        cost += 10 + (args.limit ?? MAX_LIMIT) * leafCount(field.selections!);
      } else if (field.name !== 'complexity') cost += 10 + leafCount(field.selections!);
    }
    if (cost > QUERY_COMPLEXITY_LIMIT)
      return reply.send(
        simpleError(
          `Query has complexity of ${cost}, which exceeds max complexity of ${QUERY_COMPLEXITY_LIMIT}`,
          {
            code: 'maxComplexityExceeded',
            complexity: cost,
            max_complexity: QUERY_COMPLEXITY_LIMIT,
          },
        ),
      );
    const budget = principal.kind === 'oauth' ? ctx.budget.app : ctx.budget.personal;
    const charged = ctx.ledger.charge(principal.key, cost, budget);
    if (!charged.allowed)
      return reply
        .code(429)
        .header('retry-after', charged.resetIn)
        .send(
          simpleError(
            `Complexity budget exhausted, query cost ${cost} budget remaining ${charged.before} out of ${budget} reset in ${charged.resetIn} seconds`,
            {
              code: 'COMPLEXITY_BUDGET_EXHAUSTED',
              complexity: cost,
              complexity_budget_left: charged.before,
              complexity_budget_limit: budget,
              retry_in_seconds: charged.resetIn,
            },
          ),
        );
    const owner = ctx.users.find((u) => u.is_admin && u.enabled) ?? ctx.users[0]!;
    const data = execute(prepared, {
      users: (args) => selectUsers(ctx.users, args),
      me: () => owner,
      account: ACCOUNT,
      complexity: {
        before: charged.before,
        after: charged.before - cost,
        query: cost,
        reset_in_x_seconds: charged.resetIn,
      },
    });
    return { data, account_id: ACCOUNT.id, extensions: { request_id: request.id } };
  });

  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send(simpleError('Not Found', { code: 'NOT_FOUND', status_code: 404 })),
  );
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    return reply.code(status).send(
      simpleError(error.message, {
        code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST',
        status_code: status,
      }),
    );
  });
}

export async function startMondaySandbox(options: MondaySandboxOptions = {}): Promise<MondaySandbox> {
  const seed = options.seed ?? 42;
  const users = seedUsers(options.users ?? 200, seed);
  const token =
    options.token ??
    `eyJhbGciOiJIUzI1NiJ9.${randomBytes(48).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
  const personal = new Map([[token, String(ACCOUNT.id)]]);
  const client = {
    clientId: options.oauth?.clientId ?? hashGuid(seed, 1, 9501).replaceAll('-', ''),
    clientSecret: options.oauth?.clientSecret ?? hashGuid(seed, 2, 9502).replaceAll('-', ''),
  };
  const oauth = createOAuthServer({
    paths: OAUTH_PATHS,
    vendorName: 'monday.com',
    clients: [{ ...client, redirectUris: 'any', name: 'Switchboard', grantTypes: ['authorization_code'] }],
    accounts: [{ id: String(ACCOUNT.id), name: ACCOUNT.name }],
    clientAuth: 'body',
    pkce: 'off',
    accessTokenLifetime: null,
    autoApprove: options.oauth?.autoApprove ?? false,
    newAccessToken: () =>
      `eyJhbGciOiJIUzI1NiJ9.${randomBytes(48).toString('base64url')}.${randomBytes(32).toString('base64url')}`,
    // monday's legacy OAuth: no refresh token, no expiry.
    tokenResponse: (body) => ({ access_token: body.access_token, token_type: 'Bearer', scope: body.scope }),
  });
  const log: LoggedQuery[] = [];
  const retired = new Set<string>();
  const limits =
    options.rateLimit === undefined ? { perMinute: 1000, perDay: DAILY_LIMIT } : options.rateLimit;
  const emulator = await startEmulator(
    {
      name: 'monday.com',
      authenticators: [mondayAuth(personal, oauth)],
      unauthorized: () => ({
        body: simpleError('Not Authenticated', { code: 'UNAUTHENTICATED', status_code: 401 }),
      }),
      oauth,
      rateLimit: {
        windows: limits
          ? [
              { name: 'DAILY', limit: limits.perDay, windowMs: 86_400_000 },
              { name: 'MINUTE', limit: limits.perMinute, windowMs: 60_000 },
            ]
          : [],
        // Daily and minute limits count per account, whichever token calls.
        key: (_request, principal) => principal.account ?? principal.key,
        headers: retryAfterHeader(),
        body: (decision) => {
          const retry = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
          return decision.exceeded?.name === 'DAILY'
            ? simpleError('Daily limit exceeded', { code: 'DAILY_LIMIT_EXCEEDED', retry_in_seconds: retry })
            : simpleError('Rate Limit Exceeded', { code: 'RATE_LIMIT_EXCEEDED', retry_in_seconds: retry });
        },
      },
      faults: options.faults,
      faultBody: (status) => ({
        body: JSON.stringify(
          simpleError('Internal server error', { code: 'INTERNAL_SERVER_ERROR', status_code: status }),
        ),
        contentType: 'application/json; charset=utf-8',
      }),
      routes: (app) =>
        registerRoutes(app, {
          users,
          ledger: new ComplexityLedger(),
          budget: options.complexityBudget ?? { personal: PERSONAL_BUDGET, app: APP_BUDGET },
          log,
          retired,
        }),
    },
    { port: options.port, host: options.host },
  );
  return {
    url: emulator.url,
    token,
    accountId: ACCOUNT.id,
    oauth: {
      ...client,
      authorizeUrl: `${emulator.url}${OAUTH_PATHS.authorize}`,
      tokenUrl: `${emulator.url}${OAUTH_PATHS.token}`,
    },
    control: {
      ...emulator.control,
      oauth: oauth.control,
      list: (fields) =>
        users.map((u) =>
          fields
            ? Object.fromEntries(fields.map((f) => [f, structuredClone(u[f as keyof MondayUser])]))
            : structuredClone(u),
        ),
      setEnabled(id, enabled) {
        const user = users.find((u) => u.id === id);
        if (!user) throw new Error(`no user ${id}`);
        user.enabled = enabled;
        user.last_activity = mondayDate(Date.now());
        return structuredClone(user);
      },
      revokePersonalToken: () => personal.clear(),
      requestLog: () => [...log],
      retireUserFields: (fields) => {
        for (const field of fields) retired.add(field);
      },
    },
    close: () => emulator.close(),
  };
}
