/**
 * Keap's OAuth 2.0 (https://developer.keap.com/getting-started-oauth-keys/), on the kit's server: the
 * consent page at `/app/oauth/authorize` (accounts.infusionsoft.com in production), tokens at
 * `POST /token` (api.infusionsoft.com) — the code exchanged with the client credentials in the form body,
 * refreshes authenticated with HTTP Basic — one scope, `full`, 24-hour access tokens, and refresh tokens
 * that rotate on every use. A refresh token Keap no longer accepts is answered `invalid_request` /
 * `Invalid Refresh Token` (as integrators report it), not `invalid_grant`.
 */
import { randomBytes } from 'node:crypto';
import { createOAuthServer, type OAuthServer } from '../kit/oauth/server.ts';
import { hashGuid } from '../kit/random.ts';

export const OAUTH_PATHS = { authorize: '/app/oauth/authorize', token: '/token' };
export const ACCESS_TOKEN_SECONDS = 86_400;

export interface KeapOAuthOptions {
  clientId?: string;
  clientSecret?: string;
  autoApprove?: boolean;
}

export function defaultClient(seed: number): { clientId: string; clientSecret: string } {
  return {
    clientId: hashGuid(seed, 1, 9101).replaceAll('-', '').slice(0, 24),
    clientSecret: hashGuid(seed, 2, 9102).replaceAll('-', '').slice(0, 16),
  };
}

export function keapOAuth(tenant: string, seed: number, options: KeapOAuthOptions = {}): OAuthServer {
  const defaults = defaultClient(seed);
  return createOAuthServer({
    paths: OAUTH_PATHS,
    vendorName: 'Keap',
    clients: [
      {
        clientId: options.clientId ?? defaults.clientId,
        clientSecret: options.clientSecret ?? defaults.clientSecret,
        redirectUris: 'any',
        name: 'Switchboard',
        grantTypes: ['authorization_code', 'refresh_token'],
      },
    ],
    accounts: [{ id: tenant, name: `${tenant}.infusionsoft.com` }],
    clientAuth: { authorization_code: 'body', refresh_token: 'basic' },
    // Keap documents no PKCE parameters.
    pkce: 'off',
    accessTokenLifetime: ACCESS_TOKEN_SECONDS,
    refreshTokens: 'rotating',
    defaultScopes: ['full'],
    tokenType: 'bearer',
    autoApprove: options.autoApprove ?? false,
    newAccessToken: () => `KeapAK-${randomBytes(24).toString('hex')}`,
    newRefreshToken: () => randomBytes(16).toString('hex'),
    // Keap names the application after the scope: `full|ab123.infusionsoft.com`.
    tokenResponse: (body, grant) => ({
      access_token: body.access_token,
      token_type: body.token_type,
      expires_in: body.expires_in,
      refresh_token: body.refresh_token,
      scope: `${grant.scopes.join(' ') || 'full'}|${grant.account}.infusionsoft.com`,
    }),
    errorResponse: (error, context) =>
      error.error === 'invalid_grant' && context.grantType === 'refresh_token'
        ? { status: 400, body: { error: 'invalid_request', error_description: 'Invalid Refresh Token' } }
        : { status: error.status, body: { error: error.error, error_description: error.message } },
  });
}
