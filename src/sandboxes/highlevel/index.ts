/**
 * HighLevel sandbox: an emulator of HighLevel's API v2 users (services.leadconnectorhq.com), its OAuth
 * 2.0 (choose-location consent, `POST /oauth/token` with rotating refresh tokens and `userType`,
 * `companyId`, `locationId` in the answer) and Private Integration Tokens, over real HTTP, on the emulator
 * kit. Every API call needs `Version: 2021-07-28`. See docs/integrations/highlevel.md.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { type Authenticator, bearerToken, oauthBearer, type Principal, staticBearer } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import type { OAuthControl } from '../kit/oauth/control.ts';
import { createOAuthServer } from '../kit/oauth/server.ts';
import type { RateWindow } from '../kit/rate-limit.ts';
import { COMPANY_ID, type HighLevelUser, LOCATIONS, MAIN_LOCATION, seedUsers } from './data.ts';
import { registerHighLevelRoutes } from './routes.ts';

export type { HighLevelRoles, HighLevelUser } from './data.ts';
export { COMPANY_ID, DOCS_EXAMPLE_USER, MAIN_LOCATION, OTHER_LOCATION } from './data.ts';

/** API versions HighLevel accepts in the `Version` header. */
const VERSIONS = new Set(['2021-07-28', '2021-04-15']);
const OAUTH_PATHS = { authorize: '/oauth/chooselocation', token: '/oauth/token' };
const DAY_MS = 86_400_000;

export interface HighLevelSandboxOptions {
  /** Seeded people (default 200; API users dropped), after the docs' example user. */
  users?: number;
  seed?: number;
  /** The Private Integration Token of the main location (default a fresh `pit-…`). */
  token?: string;
  port?: number;
  host?: string;
  /** Burst calls per 10 s per app and location (default 100, plus 200,000 a day); null disables both. */
  rateLimit?: number | null;
  oauth?: { clientId?: string; clientSecret?: string; autoApprove?: boolean };
  faults?: FaultRule[];
}

export interface HighLevelSandboxControl extends Omit<EmulatorControl, 'oauth'> {
  /** Every user of the agency, deleted ones included. */
  all(): HighLevelUser[];
  /** What `GET /users/?locationId=` answers for a location: its users that are not deleted. */
  list(locationId?: string): HighLevelUser[];
  /** Soft-deletes a user (`deleted: true`), or restores it. */
  setDeleted(id: string, deleted?: boolean): HighLevelUser;
  /** The `locationId` of each location list call received, newest last. */
  listCalls(): string[];
  /** The Private Integration Token stops working (deleted or rotated in HighLevel). */
  revokeToken(): void;
  oauth: OAuthControl;
}

export interface HighLevelSandbox {
  url: string;
  token: string;
  companyId: string;
  locationId: string;
  oauth: { clientId: string; clientSecret: string; authorizeUrl: string; tokenUrl: string };
  control: HighLevelSandboxControl;
  close(): Promise<void>;
}

function hasVersion(request: FastifyRequest): boolean {
  const version = request.headers.version;
  return typeof version === 'string' && VERSIONS.has(version);
}

/** Credentials count only with a valid `Version` header; without one HighLevel answers 401 first. */
const versioned =
  (authenticate: Authenticator): Authenticator =>
  (request) =>
    hasVersion(request) ? authenticate(request) : undefined;

function windows(burst: number | null): RateWindow[] {
  if (burst === null) return [];
  return [
    { name: 'DAILY', limit: 200_000, windowMs: DAY_MS },
    { name: 'BURST', limit: burst, windowMs: 10_000 },
  ];
}

export async function startHighLevelSandbox(
  options: HighLevelSandboxOptions = {},
): Promise<HighLevelSandbox> {
  const seed = options.seed ?? 42;
  const users = seedUsers(options.users ?? 200, seed);
  const installer = users[0]!;
  const token = options.token ?? `pit-${randomUUID()}`;
  const pits = new Map([[token, MAIN_LOCATION]]);
  const client = {
    clientId:
      options.oauth?.clientId ?? `${randomBytes(12).toString('hex')}-${randomBytes(4).toString('hex')}`,
    clientSecret: options.oauth?.clientSecret ?? randomUUID(),
  };
  const oauth = createOAuthServer({
    paths: OAUTH_PATHS,
    vendorName: 'HighLevel',
    clients: [
      {
        ...client,
        redirectUris: 'any',
        name: 'Switchboard',
        grantTypes: ['authorization_code', 'refresh_token'],
      },
    ],
    // Consent picks a sub-account (location); the agency itself is an account for agency tokens.
    accounts: [...LOCATIONS, { id: COMPANY_ID, name: 'Agency (company)' }],
    clientAuth: 'body',
    pkce: 'off',
    accessTokenLifetime: 86_399,
    refreshTokenLifetime: 365 * 86_400,
    refreshTokens: 'rotating',
    defaultScopes: ['users.readonly'],
    autoApprove: options.oauth?.autoApprove ?? false,
    newAccessToken: () => `eyJhbGciOiJIUzI1NiJ9.${randomBytes(48).toString('base64url')}`,
    newRefreshToken: () => `eyJhbGciOiJIUzI1NiJ9.${randomBytes(48).toString('base64url')}`,
    tokenResponse: (body, grant) => ({
      access_token: body.access_token,
      token_type: 'Bearer',
      expires_in: body.expires_in,
      refresh_token: body.refresh_token,
      scope: grant.scopes.join(' '),
      userType: grant.account === COMPANY_ID ? 'Company' : 'Location',
      companyId: COMPANY_ID,
      ...(grant.account === COMPANY_ID ? {} : { locationId: grant.account }),
      userId: installer.id,
      isBulkInstallation: false,
    }),
    errorResponse: (error, context) => ({
      status: error.status,
      body: {
        error: error.error,
        error_description:
          error.error === 'invalid_grant' && context.grantType === 'refresh_token'
            ? 'Invalid grant: refresh token is invalid'
            : error.message,
      },
    }),
  });
  const pitPrincipal = staticBearer(() => pits);
  const log: string[] = [];

  const emulator = await startEmulator(
    {
      name: 'HighLevel',
      authenticators: [
        versioned((request): Principal | undefined => {
          const principal = pitPrincipal(request);
          return principal && { ...principal, scopes: ['users.readonly', 'contacts.readonly'] };
        }),
        versioned(oauthBearer(oauth)),
      ],
      unauthorized: (request) => {
        const version = request.headers.version;
        if (version === undefined)
          return { body: { statusCode: 401, message: 'version header was not found.' } };
        if (!hasVersion(request)) return { body: { statusCode: 401, message: 'version header is invalid' } };
        return {
          body: {
            statusCode: 401,
            message: bearerToken(request) ? 'Invalid token: access token is invalid' : 'Unauthorized',
            error: 'Unauthorized',
          },
        };
      },
      oauth,
      rateLimit: {
        windows: windows(options.rateLimit === undefined ? 100 : options.rateLimit),
        // Per app and resource (location or company); a Private Integration per its location.
        key: (_request, principal) =>
          principal.grant ? `${principal.grant.clientId}:${principal.account}` : `pit:${principal.account}`,
        headers: (decision) => {
          const burst = decision.windows.find((w) => w.name === 'BURST');
          const daily = decision.windows.find((w) => w.name === 'DAILY');
          return {
            ...(burst
              ? {
                  'x-ratelimit-max': burst.limit,
                  'x-ratelimit-remaining': burst.remaining,
                  'x-ratelimit-interval-milliseconds': burst.windowMs,
                }
              : {}),
            ...(daily
              ? { 'x-ratelimit-limit-daily': daily.limit, 'x-ratelimit-daily-remaining': daily.remaining }
              : {}),
          };
        },
        body: () => ({ statusCode: 429, message: 'Too many requests' }),
      },
      faults: options.faults,
      faultBody: (status) => ({
        body: JSON.stringify({ statusCode: status, message: `injected fault ${status}` }),
        contentType: 'application/json',
      }),
      publicPaths: (path) => path.startsWith('/oauth/'),
      routes: (app) =>
        registerHighLevelRoutes(app, {
          users: () => users.map((u) => structuredClone(u)),
          companyId: COMPANY_ID,
          log,
        }),
    },
    { port: options.port, host: options.host },
  );

  const find = (id: string) => {
    const user = users.find((u) => u.id === id);
    if (!user) throw new Error(`no user ${id}`);
    return user;
  };
  return {
    url: emulator.url,
    token,
    companyId: COMPANY_ID,
    locationId: MAIN_LOCATION,
    oauth: {
      ...client,
      authorizeUrl: `${emulator.url}${OAUTH_PATHS.authorize}`,
      tokenUrl: `${emulator.url}${OAUTH_PATHS.token}`,
    },
    control: {
      ...emulator.control,
      oauth: oauth.control,
      all: () => users.map((u) => structuredClone(u)),
      list: (locationId = MAIN_LOCATION) =>
        users
          .filter((u) => !u.deleted && u.roles.locationIds.includes(locationId))
          .map((u) => structuredClone(u)),
      setDeleted(id, deleted = true) {
        find(id).deleted = deleted;
        return structuredClone(find(id));
      },
      listCalls: () => [...log],
      revokeToken: () => pits.clear(),
    },
    close: () => emulator.close(),
  };
}
