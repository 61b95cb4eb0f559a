/**
 * Test control of the authorization server, in process (`server.control`) and over HTTP under
 * `/__sandbox/oauth`: issue a token pair directly (any expiry, even already expired), revoke a refresh
 * token's family or everything, expire every access token, switch refresh rotation, add token-endpoint
 * latency, read and reset stats.
 */

import type { OAuthServer } from './server.ts';
import { newStats } from './store.ts';
import type {
  AccessGrant,
  IssuedTokens,
  IssueTokensOptions,
  OAuthSettings,
  OAuthStats,
  RefreshTokenState,
} from './types.ts';

export interface OAuthControl {
  issueTokens(options?: IssueTokensOptions): IssuedTokens;
  /** Revokes the refresh token and every token of its family; false when unknown. */
  revokeRefreshToken(token: string): boolean;
  revokeAll(): void;
  /** Expires every live access token now; returns how many there were. */
  expireAccessTokens(): number;
  refreshTokenState(token: string): RefreshTokenState | undefined;
  validateAccessToken(token: string): AccessGrant | undefined;
  getSettings(): OAuthSettings;
  /** `refreshTokens` (rotating/reusable), `tokenLatencyMs`, `autoApprove`, `accessTokenLifetime`. */
  setSettings(settings: Partial<OAuthSettings>): OAuthSettings;
  stats(): OAuthStats;
  resetStats(): void;
}

function checkSettings(next: Partial<OAuthSettings>): void {
  if (
    next.refreshTokens !== undefined &&
    next.refreshTokens !== 'rotating' &&
    next.refreshTokens !== 'reusable'
  )
    throw new Error('refreshTokens must be rotating or reusable');
  if (
    next.tokenLatencyMs !== undefined &&
    !(Number.isFinite(next.tokenLatencyMs) && next.tokenLatencyMs >= 0)
  )
    throw new Error('tokenLatencyMs must be >= 0');
  const life = next.accessTokenLifetime;
  if (life !== undefined && life !== null && !(Number.isFinite(life) && life > 0))
    throw new Error('accessTokenLifetime must be > 0 seconds or null');
}

export function createOAuthControl(server: OAuthServer): OAuthControl {
  const { store, settings } = server;
  const snapshot = (): OAuthSettings => ({
    refreshTokens: settings.refreshTokens,
    tokenLatencyMs: settings.tokenLatencyMs,
    autoApprove: settings.autoApprove,
    accessTokenLifetime: settings.accessTokenLifetime,
  });
  return {
    issueTokens(options = {}) {
      const client = options.clientId
        ? server.clients.get(options.clientId)
        : server.clients.values().next().value;
      if (!client) throw new Error(`no client ${options.clientId}`);
      const account = options.account ?? client.account ?? server.accounts[0].id;
      if (!server.accounts.some((a) => a.id === account)) throw new Error(`no account ${account}`);
      return store.startFamily(
        { clientId: client.clientId, account, scopes: options.scopes ?? [], grantType: 'control' },
        {
          accessExpiresIn: options.accessExpiresIn,
          refresh: options.refresh ?? true,
          refreshExpiresIn: options.refreshExpiresIn,
        },
      ).issued;
    },
    revokeRefreshToken: (token) => store.revokeRefreshToken(token),
    revokeAll: () => store.revokeAll(),
    expireAccessTokens: () => store.expireAccessTokens(),
    refreshTokenState: (token) => store.refreshTokenState(token),
    validateAccessToken: (token) => store.validateAccessToken(token),
    getSettings: snapshot,
    setSettings(next) {
      checkSettings(next);
      if (next.refreshTokens !== undefined) settings.refreshTokens = next.refreshTokens;
      if (next.tokenLatencyMs !== undefined) settings.tokenLatencyMs = next.tokenLatencyMs;
      if (next.autoApprove !== undefined) settings.autoApprove = Boolean(next.autoApprove);
      if (next.accessTokenLifetime !== undefined) settings.accessTokenLifetime = next.accessTokenLifetime;
      return snapshot();
    },
    stats: () => structuredClone(store.stats),
    resetStats: () => {
      store.stats = newStats();
    },
  };
}

type Route = (
  method: 'GET' | 'POST',
  url: string,
  handler: (body: Record<string, unknown>, params: Record<string, string>) => unknown,
) => void;

/** `/__sandbox/oauth/...` over HTTP; `route` is the frame's control-route helper (JSON in, JSON out, 400 on errors). */
export function registerOAuthControlRoutes(route: Route, control: OAuthControl): void {
  route('GET', '/oauth', () => ({ settings: control.getSettings(), stats: control.stats() }));
  route('GET', '/oauth/settings', () => control.getSettings());
  route('POST', '/oauth/settings', (body) => control.setSettings(body as Partial<OAuthSettings>));
  route('GET', '/oauth/stats', () => control.stats());
  route('POST', '/oauth/reset-stats', () => {
    control.resetStats();
    return { ok: true };
  });
  route('POST', '/oauth/tokens', (body) => control.issueTokens(body as IssueTokensOptions));
  // {"refreshToken": "…"} revokes that token's family; {"all": true} revokes everything.
  route('POST', '/oauth/revoke', (body) => {
    if (body.all === true) {
      control.revokeAll();
      return { revoked: 'all' };
    }
    if (typeof body.refreshToken !== 'string') throw new Error('send {"refreshToken": "…"} or {"all": true}');
    return { revoked: control.revokeRefreshToken(body.refreshToken) };
  });
  route('POST', '/oauth/expire-access-tokens', () => ({ expired: control.expireAccessTokens() }));
  route('GET', '/oauth/refresh-tokens/:token', (_body, params) => {
    const state = control.refreshTokenState(params.token);
    return state === undefined ? undefined : { state };
  });
}
