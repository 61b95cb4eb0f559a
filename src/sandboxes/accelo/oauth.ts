/**
 * Accelo's OAuth 2.0 (https://api.accelo.com/docs/#authentication) on the kit's authorization server, at
 * the deployment's `/oauth2/v0/authorize`, `/oauth2/v0/token` and `/oauth2/v0/revoke`: the client
 * authenticates with HTTP Basic only, scopes look like `read(staff)` (default `read(all)`), access tokens
 * last 30 days, and the token response names the deployment. Refresh tokens rotate here (the docs say a
 * refresh "will contain an access token and refresh token"; whether the old one dies is a guess).
 */
import { randomBytes } from 'node:crypto';
import { createOAuthServer, type OAuthServer } from '../kit/oauth/server.ts';
import { hash32, hashGuid, hex } from '../kit/random.ts';

export interface AcceloOAuthOptions {
  /** Default: `<8 hex>@<deployment>.accelo.com`, as Accelo names clients, derived from the seed. */
  clientId?: string;
  clientSecret?: string;
  redirectUris?: string[] | 'any';
  autoApprove?: boolean;
}

export const OAUTH_PATHS = {
  authorize: '/oauth2/v0/authorize',
  token: '/oauth2/v0/token',
  revoke: '/oauth2/v0/revoke',
};
/** Accelo's default access-token lifetime: 30 days. */
export const ACCESS_TOKEN_SECONDS = 2_592_000;

export function defaultClient(seed: number, deployment: string): { clientId: string; clientSecret: string } {
  return {
    clientId: `${hex(hash32(seed, 1, 8101), 8)}@${deployment}.accelo.com`,
    clientSecret: hashGuid(seed, 2, 8102).replaceAll('-', '').slice(0, 32),
  };
}

/** Which resources a token's scopes let it read (`read(all)`, `write(staff,contacts)`, …). */
export function readableResources(scopes: readonly string[]): Set<string> {
  const readable = new Set<string>();
  for (const match of scopes.join(',').matchAll(/(?:read|write)\(([^)]*)\)/g))
    for (const name of match[1]!.split(',')) readable.add(name.trim());
  return readable;
}

export function acceloOAuth(deployment: string, seed: number, options: AcceloOAuthOptions = {}): OAuthServer {
  const defaults = defaultClient(seed, deployment);
  return createOAuthServer({
    paths: OAUTH_PATHS,
    vendorName: 'Accelo',
    clients: [
      {
        clientId: options.clientId ?? defaults.clientId,
        clientSecret: options.clientSecret ?? defaults.clientSecret,
        redirectUris: options.redirectUris ?? 'any',
        name: 'Switchboard',
        grantTypes: ['authorization_code', 'refresh_token'],
      },
    ],
    accounts: [{ id: deployment, name: deployment }],
    clientAuth: 'basic',
    pkce: 'off',
    accessTokenLifetime: ACCESS_TOKEN_SECONDS,
    refreshTokens: 'rotating',
    defaultScopes: ['read(all)'],
    tokenType: 'bearer',
    autoApprove: options.autoApprove ?? false,
    newAccessToken: () => randomBytes(30).toString('base64url'),
    newRefreshToken: () => randomBytes(30).toString('base64url'),
    tokenResponse: (body) => ({
      access_token: body.access_token,
      refresh_token: body.refresh_token,
      token_type: body.token_type,
      expires_in: body.expires_in,
      deployment,
      deployment_name: deployment,
      deployment_uri: `https://${deployment}.accelo.com`,
      account_id: String(hash32(seed, 3, 8103) % 1_000_000),
    }),
    errorResponse: (error) => ({
      status: error.status,
      body: {
        error: error.error,
        error_description:
          error.error === 'invalid_grant' ? 'Grant was not found (possibly expired).' : error.message,
      },
    }),
  });
}
