/**
 * Attio's OAuth (https://docs.attio.com/rest-api/guides/authentication, https://docs.attio.com/docs/oauth/token),
 * on the kit's authorization server: authorize at `/authorize` and tokens at `POST /oauth/token` (both on
 * app.attio.com in production, served here on the emulator's origin), client id and secret in the form
 * body, `authorization_code` the only grant. The token response is just `{ access_token, token_type }`:
 * Attio's access tokens do not expire and there are no refresh tokens. Scopes are the app's, set at
 * build.attio.com, not asked for in the authorize URL.
 */
import { randomBytes } from 'node:crypto';
import { createOAuthServer, type OAuthServer } from '../kit/oauth/server.ts';
import { uuidOf, WORKSPACE_ID } from './members.ts';

export interface AttioOAuthOptions {
  clientId?: string;
  clientSecret?: string;
  redirectUris?: string[] | 'any';
  autoApprove?: boolean;
  /** The scopes the app was given (default: `user_management:read`). */
  scopes?: string[];
}

export const OAUTH_PATHS = { authorize: '/authorize', token: '/oauth/token' };

export function defaultClient(seed: number): { clientId: string; clientSecret: string } {
  return { clientId: uuidOf(seed, 1, 41), clientSecret: uuidOf(seed, 2, 42).replaceAll('-', '') };
}

export function attioOAuth(seed: number, options: AttioOAuthOptions = {}): OAuthServer {
  const defaults = defaultClient(seed);
  return createOAuthServer({
    paths: OAUTH_PATHS,
    vendorName: 'Attio',
    clients: [
      {
        clientId: options.clientId ?? defaults.clientId,
        clientSecret: options.clientSecret ?? defaults.clientSecret,
        redirectUris: options.redirectUris ?? 'any',
        name: 'Switchboard',
        grantTypes: ['authorization_code'],
      },
    ],
    accounts: [{ id: WORKSPACE_ID, name: 'Attio workspace' }],
    clientAuth: 'body',
    pkce: 'off',
    accessTokenLifetime: null,
    defaultScopes: options.scopes ?? ['user_management:read'],
    autoApprove: options.autoApprove ?? false,
    newAccessToken: () => randomBytes(32).toString('hex'),
    tokenResponse: (body) => ({ access_token: body.access_token, token_type: 'Bearer' }),
  });
}
