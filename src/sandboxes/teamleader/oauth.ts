/**
 * Teamleader Focus OAuth 2.0 on the kit's server: authorize at `/oauth2/authorize`, tokens at
 * `POST /oauth2/access_token` (client id and secret in the body, form or JSON), one-hour JWT access
 * tokens, refresh tokens that work once (each refresh returns a new pair) and never expire on their own,
 * League-style errors. Scopes are not requested: the integration's scopes are chosen on the Marketplace
 * and granted as they are (`users` reads users).
 * https://github.com/teamleadercrm/api/blob/master/apiary.apib (Authentication)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createOAuthServer, type OAuthServer } from '../kit/oauth/server.ts';
import type { Grant } from '../kit/oauth/types.ts';
import { hashGuid } from '../kit/random.ts';
import { tokenError } from './errors.ts';

export interface TeamleaderOAuthOptions {
  clientId?: string;
  clientSecret?: string;
  redirectUris?: string[] | 'any';
  autoApprove?: boolean;
  /** The scopes selected on the integration (default `users`): every consent grants these. */
  scopes?: string[];
}

export const ACCESS_TOKEN_SECONDS = 3600;
export const OAUTH_PATHS = { authorize: '/oauth2/authorize', token: '/oauth2/access_token' };

export function defaultClient(seed: number): { clientId: string; clientSecret: string } {
  return {
    clientId: hashGuid(seed, 3, 7301).replaceAll('-', '').slice(0, 32),
    clientSecret: hashGuid(seed, 4, 7302).replaceAll('-', ''),
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A League-shaped JWT (`aud` client, `sub` "account:user", `scopes`); the signature is random bytes. */
function jwt(grant: Grant, lifetime: () => number | null): string {
  const now = Math.floor(Date.now() / 1000);
  const life = lifetime();
  const claims = {
    aud: grant.clientId,
    jti: randomBytes(40).toString('hex'),
    iat: now,
    nbf: now,
    ...(life === null ? {} : { exp: now + life }),
    sub: `${grant.account.slice(0, 8)}:${randomUUID().slice(0, 8)}`,
    scopes: grant.scopes,
  };
  return `${b64({ typ: 'JWT', alg: 'RS256' })}.${b64(claims)}.${randomBytes(256).toString('base64url')}`;
}

export function teamleaderOAuth(accountId: string, seed: number, options: TeamleaderOAuthOptions = {}) {
  const defaults = defaultClient(seed);
  const scopes = options.scopes ?? ['users'];
  let server: OAuthServer | undefined;
  server = createOAuthServer({
    paths: OAUTH_PATHS,
    vendorName: 'Teamleader Focus',
    clients: [
      {
        clientId: options.clientId ?? defaults.clientId,
        clientSecret: options.clientSecret ?? defaults.clientSecret,
        redirectUris: options.redirectUris ?? 'any',
        name: 'Switchboard',
        grantTypes: ['authorization_code', 'refresh_token'],
      },
    ],
    accounts: [{ id: accountId, name: 'Teamleader Focus account' }],
    clientAuth: 'either',
    pkce: 'optional',
    accessTokenLifetime: ACCESS_TOKEN_SECONDS,
    refreshTokens: 'rotating',
    defaultScopes: scopes,
    autoApprove: options.autoApprove ?? false,
    newAccessToken: (grant) => jwt(grant, () => server?.settings.accessTokenLifetime ?? ACCESS_TOKEN_SECONDS),
    // League's refresh tokens are encrypted payloads: `def50200` and a long hex string.
    newRefreshToken: () => `def50200${randomBytes(180).toString('hex')}`,
    tokenResponse: (body) => ({
      token_type: 'Bearer',
      expires_in: body.expires_in,
      access_token: body.access_token,
      refresh_token: body.refresh_token,
    }),
    errorResponse: (error, context) => tokenError(error, context.grantType),
  });
  return server;
}
