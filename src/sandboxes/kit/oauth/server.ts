/**
 * An OAuth 2.0 authorization server an emulator configures with data: the vendor's paths, clients, client
 * authentication, PKCE, lifetimes, refresh rotation, response and error shapes. `register(app)` adds its
 * routes to the emulator's Fastify app (same origin as the API, as the frame needs for a single `url`);
 * `validateAccessToken` is what the API routes call; `control` drives it from tests.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { registerAuthorizeRoutes } from './authorize.ts';
import { createOAuthControl, type OAuthControl } from './control.ts';
import { OAuthStore } from './store.ts';
import { registerTokenRoutes, sendOAuthError } from './token.ts';
import {
  type AccessGrant,
  type OAuthAccount,
  type OAuthClient,
  OAuthError,
  type OAuthServerOptions,
  type OAuthSettings,
} from './types.ts';

export interface OAuthServer {
  readonly options: OAuthServerOptions;
  readonly clients: ReadonlyMap<string, OAuthClient>;
  readonly accounts: readonly OAuthAccount[];
  readonly store: OAuthStore;
  readonly settings: OAuthSettings;
  /** The grant behind a live access token (scopes, account, expiry), or undefined if unknown, expired or revoked. */
  validateAccessToken(token: string): AccessGrant | undefined;
  readonly control: OAuthControl;
  /** Adds the vendor's OAuth routes to an app. */
  register(app: FastifyInstance): void;
  /** Whether a path (no query) is one of the OAuth endpoints. */
  isOAuthPath(path: string): boolean;
}

export function createOAuthServer(options: OAuthServerOptions): OAuthServer {
  if (options.clients.length === 0) throw new Error('an OAuth server needs at least one client');
  const clients = new Map(options.clients.map((c) => [c.clientId, c]));
  const accounts = options.accounts?.length ? [...options.accounts] : [{ id: 'default' }];
  const store = new OAuthStore(options);
  const settings: OAuthSettings = {
    get refreshTokens() {
      return store.refreshMode;
    },
    set refreshTokens(mode) {
      store.refreshMode = mode;
    },
    tokenLatencyMs: options.tokenLatencyMs ?? 0,
    autoApprove: options.autoApprove ?? false,
    get accessTokenLifetime() {
      return store.accessTokenLifetime;
    },
    set accessTokenLifetime(seconds) {
      store.accessTokenLifetime = seconds;
    },
  };
  const paths = new Set(Object.values(options.paths).filter((p): p is string => typeof p === 'string'));
  const server: OAuthServer = {
    options,
    clients,
    accounts,
    store,
    settings,
    validateAccessToken: (token) => store.validateAccessToken(token),
    control: undefined as unknown as OAuthControl,
    isOAuthPath: (path) => paths.has(path),
    register(app) {
      app.register(async (scope) => {
        // Token requests are form-urlencoded per RFC 6749; some vendors also take JSON (Fastify's default).
        scope.addContentTypeParser(
          'application/x-www-form-urlencoded',
          { parseAs: 'string' },
          (_request, body, done) => {
            const params: Record<string, string | string[]> = {};
            for (const [k, v] of new URLSearchParams(String(body))) {
              const seen = params[k];
              params[k] = seen === undefined ? v : Array.isArray(seen) ? [...seen, v] : [seen, v];
            }
            done(null, params);
          },
        );
        scope.setErrorHandler((error: FastifyError, request, reply) => {
          const status = error.statusCode ?? 500;
          if (status >= 500) throw error;
          const endpoint = request.url.split('?')[0] === options.paths.token ? 'token' : 'revoke';
          return sendOAuthError(server, reply, new OAuthError('invalid_request', error.message), {
            endpoint,
            request,
          });
        });
        registerAuthorizeRoutes(scope, server);
        registerTokenRoutes(scope, server);
      });
    },
  };
  (server as { control: OAuthControl }).control = createOAuthControl(server);
  return server;
}
