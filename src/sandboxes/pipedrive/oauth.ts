/**
 * Pipedrive's OAuth (https://pipedrive.readme.io/docs/marketplace-oauth-authorization), on the kit's
 * authorization server: authorize at `/oauth/authorize` and tokens at `POST /oauth/token` (both on
 * oauth.pipedrive.com in production, served here on the emulator's origin), the client authenticated with
 * HTTP Basic only, no PKCE, access tokens for 3599 s, and `api_domain` in every token response: the
 * company's own API origin, where the client must send its calls.
 */
import { randomBytes } from 'node:crypto';
import { createOAuthServer, type OAuthServer } from '../kit/oauth/server.ts';
import { hashGuid } from '../kit/random.ts';

export interface PipedriveOAuthOptions {
  clientId?: string;
  clientSecret?: string;
  redirectUris?: string[] | 'any';
  autoApprove?: boolean;
  /**
   * `api_domain` in token responses (e.g. `https://acme.pipedrive.com`). Default: the origin the client
   * reached the emulator on, so a client following `api_domain` keeps talking to the emulator.
   */
  apiDomain?: string;
}

export const ACCESS_TOKEN_SECONDS = 3599;
export const OAUTH_PATHS = { authorize: '/oauth/authorize', token: '/oauth/token', revoke: '/oauth/revoke' };

export function defaultClient(seed: number): { clientId: string; clientSecret: string } {
  return {
    clientId: hashGuid(seed, 1, 8101).replaceAll('-', '').slice(0, 16),
    clientSecret: hashGuid(seed, 2, 8102).replaceAll('-', ''),
  };
}

/** Pipedrive's tokens: `<company id>:<user id>:<random>` (the shape its access tokens show). */
function tokenOf(company: string): string {
  return `${company}:1:${randomBytes(20).toString('hex')}`;
}

export function pipedriveOAuth(
  companyId: number,
  seed: number,
  options: PipedriveOAuthOptions = {},
): OAuthServer {
  const defaults = defaultClient(seed);
  return createOAuthServer({
    paths: OAUTH_PATHS,
    vendorName: 'Pipedrive',
    clients: [
      {
        clientId: options.clientId ?? defaults.clientId,
        clientSecret: options.clientSecret ?? defaults.clientSecret,
        redirectUris: options.redirectUris ?? 'any',
        name: 'Switchboard',
        grantTypes: ['authorization_code', 'refresh_token'],
      },
    ],
    accounts: [{ id: String(companyId), name: `Pipedrive company ${companyId}` }],
    clientAuth: 'basic',
    pkce: 'off',
    accessTokenLifetime: ACCESS_TOKEN_SECONDS,
    refreshTokens: 'reusable',
    // Scopes are the app's, chosen in Developer Hub; `base` is always granted.
    defaultScopes: ['base', 'users:read'],
    autoApprove: options.autoApprove ?? false,
    newAccessToken: (grant) => tokenOf(grant.account),
    newRefreshToken: (grant) => tokenOf(grant.account),
    tokenResponse: (body, _grant, context) => ({
      access_token: body.access_token,
      token_type: 'Bearer',
      refresh_token: body.refresh_token,
      scope: body.scope,
      expires_in: body.expires_in,
      api_domain: options.apiDomain ?? `${context.request.protocol}://${context.request.headers.host}`,
    }),
  });
}
