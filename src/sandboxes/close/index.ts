/**
 * Close sandbox: an emulator of Close's users and organization API and its OAuth over real HTTP, on the
 * emulator kit. Auth: an API key as the HTTP Basic user name (empty password) or an OAuth bearer token.
 * Limits: per API key (or OAuth app and organization) a window of calls, announced in Close's `ratelimit`
 * header and its `ratelimit-limit/-remaining/-reset` split; over it, 429 with `retry-after` and Close's
 * `rate_reset` body. See docs/integrations/close.md.
 */
import { randomBytes } from 'node:crypto';
import { basicAuth, oauthBearer } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import type { OAuthControl } from '../kit/oauth/control.ts';
import {
  combineHeaders,
  retryAfterHeader,
  structuredRateLimitHeader,
  xRateLimitHeaders,
} from '../kit/rate-limit.ts';
import { closeError, rateLimited, unauthorized } from './errors.ts';
import { type CloseOAuthOptions, closeOAuth, defaultClient, OAUTH_PATHS } from './oauth.ts';
import { registerRoutes } from './routes.ts';
import { type CloseMembership, type CloseUser, type NewUser, ORGANIZATION_ID, seedMembers } from './users.ts';

export type { CloseOAuthOptions } from './oauth.ts';
export type { CloseMembership, CloseUser, NewUser } from './users.ts';

export interface CloseSandboxOptions {
  /** Generated users besides the docs' three (default 200). */
  users?: number;
  seed?: number;
  /** The API key (default `api_` and 44 random characters). */
  apiKey?: string;
  port?: number;
  host?: string;
  /** Calls per window per API key (default 20 per second, the docs' example); null: off. */
  rateLimit?: { calls: number; windowMs: number } | null;
  oauth?: CloseOAuthOptions;
  faults?: FaultRule[];
}

export interface CloseSandboxControl extends Omit<EmulatorControl, 'oauth'> {
  /** Users as `GET /user/` lists them: current members, in order. */
  list(): CloseUser[];
  /** Every user who has been a member, removed ones included. */
  listAll(): CloseUser[];
  get(id: string): CloseUser | undefined;
  isActive(id: string): boolean | undefined;
  memberships(active: boolean): CloseMembership[];
  add(user: NewUser): CloseUser;
  /** Removes a user from the organization (inactive membership), or adds them back. */
  setActive(id: string, active: boolean): void;
  oauth: OAuthControl;
  revokeApiKey(): void;
}

export interface CloseSandbox {
  url: string;
  apiKey: string;
  organizationId: string;
  oauth: { clientId: string; clientSecret: string; authorizeUrl: string; tokenUrl: string };
  control: CloseSandboxControl;
  close(): Promise<void>;
}

export async function startCloseSandbox(options: CloseSandboxOptions = {}): Promise<CloseSandbox> {
  const seed = options.seed ?? 42;
  const key = options.apiKey ?? `api_${randomBytes(33).toString('base64url')}`;
  const store = seedMembers(options.users ?? 200, seed);
  const oauth = closeOAuth(seed, options.oauth);
  const apiKeys = new Set([key]);
  const limit = options.rateLimit === undefined ? { calls: 20, windowMs: 1000 } : options.rateLimit;

  const emulator = await startEmulator(
    {
      name: 'Close',
      authenticators: [
        basicAuth((user, password) =>
          apiKeys.has(user) && password === ''
            ? { key: user, kind: 'basic', account: ORGANIZATION_ID }
            : undefined,
        ),
        oauthBearer(oauth),
      ],
      unauthorized: () => ({ body: unauthorized() }),
      oauth,
      rateLimit: {
        windows: limit ? [{ name: 'key', limit: limit.calls, windowMs: limit.windowMs }] : [],
        key: (_request, principal) =>
          principal.grant ? `oauth:${principal.grant.clientId}:${principal.account}` : principal.key,
        headers: combineHeaders(
          structuredRateLimitHeader(),
          xRateLimitHeaders({
            reset: 'seconds',
            names: { limit: 'ratelimit-limit', remaining: 'ratelimit-remaining', reset: 'ratelimit-reset' },
          }),
          retryAfterHeader(),
        ),
        body: (decision) =>
          rateLimited(
            decision.retryAfterMs,
            decision.exceeded?.limit ?? 0,
            decision.exceeded?.windowMs ?? 1000,
          ),
      },
      faults: options.faults,
      faultBody: (status) => ({
        body: JSON.stringify(closeError(`Injected fault (HTTP ${status})`)),
        contentType: 'application/json',
      }),
      routes: (app) => registerRoutes(app, store),
      controlRoutes: (route) => {
        route('GET', '/users', () => store.listAll().map((u) => ({ ...u, member: store.isActive(u.id) })));
        route('POST', '/users/:id/membership', (body, params) => {
          if (typeof body.active !== 'boolean') throw new Error('send {"active": true|false}');
          store.setActive(params.id!, body.active);
          return { id: params.id, active: body.active };
        });
        route('POST', '/revoke-api-key', () => {
          apiKeys.clear();
          return { revoked: true };
        });
      },
    },
    { port: options.port, host: options.host },
  );

  const defaults = defaultClient(seed);
  const control: CloseSandboxControl = {
    ...emulator.control,
    oauth: oauth.control,
    list: () => store.listActive(),
    listAll: () => store.listAll(),
    get: (id) => store.get(id),
    isActive: (id) => store.isActive(id),
    memberships: (active) => store.memberships(active),
    add: (user) => store.add(user),
    setActive: (id, active) => store.setActive(id, active),
    revokeApiKey: () => apiKeys.clear(),
  };
  return {
    url: emulator.url,
    apiKey: key,
    organizationId: ORGANIZATION_ID,
    oauth: {
      clientId: options.oauth?.clientId ?? defaults.clientId,
      clientSecret: options.oauth?.clientSecret ?? defaults.clientSecret,
      authorizeUrl: `${emulator.url}${OAUTH_PATHS.authorize}`,
      tokenUrl: `${emulator.url}${OAUTH_PATHS.token}`,
    },
    control,
    close: () => emulator.close(),
  };
}
