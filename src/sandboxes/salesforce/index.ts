/**
 * Salesforce sandbox: one org's REST API for Users (SOQL queries with cursors, sObject reads) and its
 * OAuth 2.0 endpoints over real HTTP, built on the emulator kit. The org's instance URL is the sandbox's own
 * origin (`instance_url` in token responses). See docs/integrations/salesforce.md.
 */
import type { FastifyRequest } from 'fastify';
import type { Authenticator } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import type { OAuthControl } from '../kit/oauth/control.ts';
import type { RateHeaders } from '../kit/rate-limit.ts';
import { Cursors } from './cursors.ts';
import { apiError, invalidSession, notRestSession, requestLimitExceeded } from './errors.ts';
import { to18 } from './ids.ts';
import { OAUTH_PATHS, type SalesforceOAuthOptions, salesforceOAuth } from './oauth.ts';
import { project, QueryLog, registerUserRoutes } from './routes.ts';
import { type NewUser, seedUsers, USER_FIELDS, type UserRow } from './users.ts';

export type { SalesforceOAuthOptions } from './oauth.ts';
export type { NewUser, UserRow, UserType } from './users.ts';

export interface SalesforceSandboxOptions {
  /** Seeded people (default 200), besides the docs' users and the org's built-in ones. */
  users?: number;
  seed?: number;
  port?: number;
  host?: string;
  /** The org's rolling 24-hour API request allocation (default 15,000, a Developer Edition's); null: none. */
  dailyApiRequests?: number | null;
  oauth?: SalesforceOAuthOptions;
  faults?: FaultRule[];
}

export interface SalesforceSandboxControl extends Omit<EmulatorControl, 'oauth'> {
  /** Every User as the API returns it with these fields (default all), in Id order. */
  list(fields?: readonly string[], version?: string): Record<string, unknown>[];
  add(user: NewUser): UserRow;
  update(id: string, patch: Parameters<ReturnType<typeof seedUsers>['update']>[1]): UserRow;
  oauth: OAuthControl;
  /** Query cursors open now. */
  openCursors(): number;
  /** The SOQL queries received (the last 200), oldest first. */
  queries(): string[];
}

export interface SalesforceSandbox {
  url: string;
  orgId: string;
  /** The org's first admin, the user tokens act for. */
  adminUserId: string;
  oauth: { clientId: string; clientSecret: string; authorizeUrl: string; tokenUrl: string };
  control: SalesforceSandboxControl;
  close(): Promise<void>;
}

/** The documentation example org `00Dx0000000BV7z`. */
export const ORG_ID = to18('00Dx0000000BV7z');
const DAY_MS = 86_400_000;

/** `Authorization: Bearer <token>` or Salesforce's older `OAuth <token>`. */
function sessionToken(request: FastifyRequest): string | undefined {
  return /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
}

export async function startSalesforceSandbox(
  options: SalesforceSandboxOptions = {},
): Promise<SalesforceSandbox> {
  const seed = options.seed ?? 42;
  const store = seedUsers(options.users ?? 200, seed, ORG_ID);
  const admin = store.get('005x00000012Q9P')!;
  const oauth = salesforceOAuth(
    {
      orgId: ORG_ID,
      adminUserId: admin['Id'] as string,
      adminName: admin['Name'] as string,
      adminEmail: admin['Email'] as string,
    },
    seed,
    options.oauth,
  );
  const cursors = new Cursors();
  const queries = new QueryLog();
  const restSession: Authenticator = (request) => {
    const token = sessionToken(request);
    const grant = token ? oauth.validateAccessToken(token) : undefined;
    if (!grant?.scopes.some((s) => s === 'api' || s === 'full')) return undefined;
    return { key: grant.account, kind: 'oauth', account: grant.account, scopes: grant.scopes, grant };
  };
  const daily = options.dailyApiRequests === undefined ? 15_000 : options.dailyApiRequests;

  const emulator = await startEmulator(
    {
      name: 'Salesforce',
      authenticators: [restSession],
      unauthorized: (request) => {
        const token = sessionToken(request);
        const grant = token ? oauth.validateAccessToken(token) : undefined;
        return {
          headers: { 'www-authenticate': 'Token' },
          body: grant ? notRestSession() : invalidSession(),
        };
      },
      oauth,
      publicPaths: (path) => path === '/services/data' || path === '/services/data/',
      rateLimit: {
        windows: daily === null ? [] : [{ name: 'API_REQUESTS', limit: daily, windowMs: DAY_MS }],
        // Refused calls are 403 REQUEST_LIMIT_EXCEEDED, not 429.
        status: 403,
        headers: (decision): RateHeaders => {
          const w = decision.windows[0];
          return w ? { 'sforce-limit-info': `api-usage=${w.used}/${w.limit}` } : {};
        },
        body: () => requestLimitExceeded(),
      },
      faults: options.faults,
      faultBody: (status) => ({
        body: JSON.stringify(
          status === 429
            ? requestLimitExceeded()
            : apiError(
                'UNKNOWN_EXCEPTION',
                'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)',
              ),
        ),
        contentType: 'application/json;charset=UTF-8',
      }),
      routes: (app) => registerUserRoutes(app, store, cursors, queries),
    },
    { port: options.port, host: options.host },
  );

  const client = oauth.options.clients[0]!;
  const control: SalesforceSandboxControl = {
    ...emulator.control,
    oauth: oauth.control,
    list: (fields = Object.keys(USER_FIELDS), version = 'v62.0') =>
      store.all().map((row) => project(row, fields, version)),
    add: (user) => store.add(user),
    update: (id, patch) => store.update(id, patch),
    openCursors: () => cursors.size,
    queries: () => queries.list(),
  };
  return {
    url: emulator.url,
    orgId: ORG_ID,
    adminUserId: admin['Id'] as string,
    oauth: {
      clientId: client.clientId,
      clientSecret: client.clientSecret!,
      authorizeUrl: `${emulator.url}${OAUTH_PATHS.authorize}`,
      tokenUrl: `${emulator.url}${OAUTH_PATHS.token}`,
    },
    control,
    close: () => emulator.close(),
  };
}
