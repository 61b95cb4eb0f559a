/**
 * Close's OAuth (https://developer.close.com/api/overview/oauth-authentication), on the kit's
 * authorization server: authorize at `/oauth2/authorize/` (app.close.com in production, served here on
 * the emulator's origin), tokens at `POST /oauth2/token/` with the client id and secret in the form body,
 * one-hour access tokens, refresh tokens only with the `offline_access` scope, rotated on every use, and
 * `user_id` and `organization_id` in the token response.
 */
import { randomBytes } from 'node:crypto';
import { createOAuthServer, type OAuthServer } from '../kit/oauth/server.ts';
import { hashGuid } from '../kit/random.ts';
import { ORGANIZATION_ID, OWNER_ID } from './users.ts';

export interface CloseOAuthOptions {
  clientId?: string;
  clientSecret?: string;
  redirectUris?: string[] | 'any';
  autoApprove?: boolean;
}

export const ACCESS_TOKEN_SECONDS = 3600;
export const OAUTH_PATHS = { authorize: '/oauth2/authorize/', token: '/oauth2/token/' };

export function defaultClient(seed: number): { clientId: string; clientSecret: string } {
  return {
    clientId: `oa2client_${hashGuid(seed, 1, 9101).replaceAll('-', '').slice(0, 22)}`,
    clientSecret: hashGuid(seed, 2, 9102).replaceAll('-', ''),
  };
}

export function closeOAuth(seed: number, options: CloseOAuthOptions = {}): OAuthServer {
  const defaults = defaultClient(seed);
  return createOAuthServer({
    paths: OAUTH_PATHS,
    vendorName: 'Close',
    clients: [
      {
        clientId: options.clientId ?? defaults.clientId,
        clientSecret: options.clientSecret ?? defaults.clientSecret,
        redirectUris: options.redirectUris ?? 'any',
        name: 'Switchboard',
        grantTypes: ['authorization_code', 'refresh_token'],
      },
    ],
    accounts: [{ id: ORGANIZATION_ID, name: 'Sample Data' }],
    clientAuth: 'body',
    pkce: 'off',
    accessTokenLifetime: ACCESS_TOKEN_SECONDS,
    refreshTokens: 'rotating',
    defaultScopes: ['all.full_access'],
    autoApprove: options.autoApprove ?? false,
    newAccessToken: () => `oa2at_${randomBytes(24).toString('base64url')}`,
    newRefreshToken: () => `oa2rt_${randomBytes(24).toString('base64url')}`,
    tokenResponse: (body, grant) => ({
      access_token: body.access_token,
      token_type: 'Bearer',
      expires_in: body.expires_in,
      // No refresh token unless the app asked for offline access.
      ...(grant.scopes.includes('offline_access') ? { refresh_token: body.refresh_token } : {}),
      scope: body.scope,
      user_id: OWNER_ID,
      organization_id: grant.account,
    }),
  });
}
