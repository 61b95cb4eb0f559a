/**
 * monday.com sandbox: the platform API's GraphQL endpoint (`POST /v2`) for users — `users(limit, page, ids,
 * emails, name, kind, non_active, newest_first)`, `me`, `account`, `complexity` — and monday's OAuth
 * (`/oauth2/authorize`, `/oauth2/token`; tokens that never expire and come without a refresh token) over
 * real HTTP, on the kit. Tokens go in `Authorization` as they are, without `Bearer`. GraphQL errors are
 * answered with HTTP 200; rate limits (complexity per minute, requests per minute, calls per day) with
 * 429. See docs/integrations/mondaycrm.md for what is documented and what is guessed.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Authenticator } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import type { OAuthControl } from '../kit/oauth/control.ts';
import { createOAuthServer, type OAuthServer } from '../kit/oauth/server.ts';
import { hashGuid } from '../kit/random.ts';
import { retryAfterHeader } from '../kit/rate-limit.ts';
import {
  APP_BUDGET,
  ComplexityLedger,
  type LoggedQuery,
  PERSONAL_BUDGET,
  registerRoutes,
  simpleError,
} from './routes.ts';
import { ACCOUNT, type MondayUser, mondayDate, seedUsers } from './users.ts';

export type { LoggedQuery } from './routes.ts';
export type { MondayUser } from './users.ts';

export const OAUTH_PATHS = { authorize: '/oauth2/authorize', token: '/oauth2/token' };
/** Daily calls on the Basic and Standard plans. */
export const DAILY_LIMIT = 1_000;

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
