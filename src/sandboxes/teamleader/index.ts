/**
 * Teamleader sandbox: an emulator of Teamleader Focus's users API (`users.list`, `users.info`,
 * `users.me`) and its OAuth 2.0 over real HTTP, on the emulator kit. Limits: 200 calls per sliding minute
 * per integration and Teamleader account, announced in `X-RateLimit-*` headers (the reset as a zoned
 * ISO 8601 time). See docs/integrations/teamleader.md.
 */
import { oauthBearer } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import type { OAuthControl } from '../kit/oauth/control.ts';
import type { IssuedTokens } from '../kit/oauth/types.ts';
import type { RateDecision, RateWindow } from '../kit/rate-limit.ts';
import { apiError, rateLimitedError, unauthorizedError } from './errors.ts';
import { defaultClient, OAUTH_PATHS, type TeamleaderOAuthOptions, teamleaderOAuth } from './oauth.ts';
import { RequestLog, registerUserRoutes } from './routes.ts';
import { DOCS_ACCOUNT_ID, type NewUser, seedUsers, type TeamleaderUser } from './users.ts';

export type { TeamleaderOAuthOptions } from './oauth.ts';
export type { TeamleaderUser, TeamleaderUserInfo } from './users.ts';

export interface TeamleaderSandboxOptions {
  /** How many users (default 120; the first is the docs' John Smith, the account owner). */
  users?: number;
  seed?: number;
  port?: number;
  host?: string;
  /** Default 200 calls per 60 s; `null` turns limiting off. */
  rateLimit?: { calls: number; windowMs: number } | null;
  oauth?: TeamleaderOAuthOptions;
  faults?: FaultRule[];
}

export interface TeamleaderSandboxControl extends Omit<EmulatorControl, 'oauth'> {
  /** Users as `users.list` returns them, in insertion order; all unless `status` is given. */
  list(filter?: { status?: 'active' | 'deactivated' }): TeamleaderUser[];
  add(user: NewUser): TeamleaderUser;
  deactivate(id: string): TeamleaderUser;
  /** Bodies of recent `users.list` calls, oldest first (what a client asked Teamleader to filter and sort). */
  listRequests(): unknown[];
  clearListRequests(): void;
  /** A token pair for the account (default scopes: the integration's, `users`). */
  issueTokens(options?: { scopes?: string[]; accessExpiresIn?: number }): IssuedTokens;
  oauth: OAuthControl;
}

export interface TeamleaderSandbox {
  url: string;
  accountId: string;
  oauth: { clientId: string; clientSecret: string; authorizeUrl: string; tokenUrl: string };
  control: TeamleaderSandboxControl;
  close(): Promise<void>;
}

/** `2021-06-15T09:51:23.035+0000`: Teamleader's reset format (its example shows the account's offset). */
export function resetTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '+0000');
}

function rateHeaders(decision: RateDecision): Record<string, string | number> {
  const w = decision.windows[0];
  if (!w) return {};
  return {
    'x-ratelimit-limit': w.limit,
    'x-ratelimit-remaining': w.remaining,
    'x-ratelimit-reset': resetTime(w.resetAt),
  };
}

export async function startTeamleaderSandbox(
  options: TeamleaderSandboxOptions = {},
): Promise<TeamleaderSandbox> {
  const seed = options.seed ?? 42;
  const store = seedUsers(options.users ?? 120, seed, DOCS_ACCOUNT_ID);
  const oauth = teamleaderOAuth(store.accountId, seed, options.oauth);
  const log = new RequestLog();
  const limit = options.rateLimit === undefined ? { calls: 200, windowMs: 60_000 } : options.rateLimit;
  const windows: RateWindow[] = limit
    ? [{ name: 'minute', limit: limit.calls, windowMs: limit.windowMs }]
    : [];

  const emulator = await startEmulator(
    {
      name: 'Teamleader Focus',
      authenticators: [oauthBearer(oauth)],
      unauthorized: () => ({ body: unauthorizedError() }),
      oauth,
      rateLimit: {
        windows,
        // Counted per integration (client id) and Teamleader account.
        key: (_request, principal) => `${principal.grant?.clientId}:${principal.account}`,
        headers: rateHeaders,
        body: () => rateLimitedError(),
      },
      faults: options.faults,
      faultBody: (status) => ({
        body: JSON.stringify(
          apiError(status, status === 429 ? 'Too Many Requests' : 'Internal Server Error'),
        ),
        contentType: 'application/json;charset=utf-8',
      }),
      routes: (app) => registerUserRoutes(app, store, log),
    },
    { port: options.port, host: options.host },
  );

  const client = {
    clientId: options.oauth?.clientId ?? defaultClient(seed).clientId,
    clientSecret: options.oauth?.clientSecret ?? defaultClient(seed).clientSecret,
  };
  const control: TeamleaderSandboxControl = {
    ...emulator.control,
    oauth: oauth.control,
    list: (filter) => store.list(filter),
    add: (user) => store.add(user),
    deactivate: (id) => store.setStatus(id, 'deactivated'),
    listRequests: () => log.bodies(),
    clearListRequests: () => log.clear(),
    issueTokens: (issue = {}) =>
      oauth.control.issueTokens({
        clientId: client.clientId,
        account: store.accountId,
        scopes: issue.scopes ?? options.oauth?.scopes ?? ['users'],
        ...(issue.accessExpiresIn !== undefined ? { accessExpiresIn: issue.accessExpiresIn } : {}),
      }),
  };
  return {
    url: emulator.url,
    accountId: store.accountId,
    oauth: {
      ...client,
      authorizeUrl: `${emulator.url}${OAUTH_PATHS.authorize}`,
      tokenUrl: `${emulator.url}${OAUTH_PATHS.token}`,
    },
    control,
    close: () => emulator.close(),
  };
}
