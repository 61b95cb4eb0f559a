/**
 * monday's `POST /v2`: parse and validate the GraphQL request (errors answered with HTTP 200), check the
 * app token's scopes, check arguments, charge the query's complexity against the per-minute budget (429
 * when spent), then run it against the users.
 */
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../kit/auth.ts';
import { GraphQLError } from './graphql.ts';
import { errorBody, execute, leafCount, prepare, usersArgs } from './schema.ts';
import { ACCOUNT, type MondayUser, selectUsers } from './users.ts';

/** Complexity points one query may cost, and per-minute budgets (personal tokens; app tokens' reads). */
export const QUERY_COMPLEXITY_LIMIT = 5_000_000;
export const PERSONAL_BUDGET = 10_000_000;
export const APP_BUDGET = 5_000_000;
const MAX_LIMIT = 1000;

/** monday's error document: `errors` plus the account, answered with HTTP 200 unless said otherwise. */
export const errorsDoc = (errors: unknown[]) => ({ errors, account_id: ACCOUNT.id });
export const simpleError = (message: string, extensions: Record<string, unknown>) =>
  errorsDoc([{ message, extensions }]);

/** The scope each root field needs from an app token (personal tokens act with the user's own rights). */
const ROOT_SCOPES: Record<string, string> = { users: 'users:read', me: 'me:read', account: 'account:read' };

export class ComplexityLedger {
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

export interface RouteContext {
  users: MondayUser[];
  ledger: ComplexityLedger;
  budget: { personal: number; app: number };
  log: LoggedQuery[];
  retired: Set<string>;
}

export function registerRoutes(app: FastifyInstance, ctx: RouteContext): void {
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
