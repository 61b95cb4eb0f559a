/**
 * Salesforce's OAuth 2.0 web server flow, on the kit's authorization server
 * (https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_web_server_flow.htm): authorize at
 * `/services/oauth2/authorize`, tokens at `/services/oauth2/token` (client credentials in the body or with
 * Basic, PKCE optional), revoke, introspect and userinfo beside them. Token responses carry `instance_url`,
 * `id` (the identity URL), `issued_at` and `signature`, and **no `expires_in`**: an access token lives as
 * long as the org's session timeout (2 hours by default). A refresh token comes only with the
 * `refresh_token` (or `offline_access`) scope; refreshes answer without one unless the connected app
 * rotates refresh tokens, in which case presenting a used one revokes the whole grant.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createOAuthServer, type OAuthServer } from '../kit/oauth/server.ts';
import type { RefreshMode } from '../kit/oauth/types.ts';
import { hash32 } from '../kit/random.ts';

export const OAUTH_PATHS = {
  authorize: '/services/oauth2/authorize',
  token: '/services/oauth2/token',
  revoke: '/services/oauth2/revoke',
  introspect: '/services/oauth2/introspect',
  userinfo: '/services/oauth2/userinfo',
};

/** The default session timeout: 2 hours. */
export const SESSION_SECONDS = 7200;

export interface SalesforceOAuthOptions {
  clientId?: string;
  clientSecret?: string;
  redirectUris?: string[] | 'any';
  autoApprove?: boolean;
  /** `reusable` (the default for connected apps) or `rotating` (refresh token rotation turned on). */
  refreshTokens?: RefreshMode;
}

/** A consumer key in Salesforce's shape (`3MVG9…`, 85 characters) and a 64-hex-digit consumer secret. */
export function defaultClient(seed: number): { clientId: string; clientSecret: string } {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._';
  let key = '3MVG9';
  for (let i = 0; key.length < 85; i++) key += chars[hash32(seed, i, 5101) % chars.length];
  let secret = '';
  for (let i = 0; secret.length < 64; i++) secret += (hash32(seed, i, 5102) % 16).toString(16).toUpperCase();
  return { clientId: key, clientSecret: secret };
}

function errorFor(code: string, description: string) {
  return { status: 400, body: { error: code, error_description: description } };
}

export function salesforceOAuth(
  org: { orgId: string; adminUserId: string; adminName: string; adminEmail: string },
  seed: number,
  options: SalesforceOAuthOptions = {},
): OAuthServer {
  const defaults = defaultClient(seed);
  const client = {
    clientId: options.clientId ?? defaults.clientId,
    clientSecret: options.clientSecret ?? defaults.clientSecret,
  };
  const org15 = org.orgId.slice(0, 15);
  const server: OAuthServer = createOAuthServer({
    paths: OAUTH_PATHS,
    vendorName: 'Salesforce',
    clients: [
      {
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        redirectUris: options.redirectUris ?? 'any',
        name: 'Switchboard',
        grantTypes: ['authorization_code', 'refresh_token'],
      },
    ],
    accounts: [{ id: org.orgId, name: `Salesforce org ${org15}` }],
    clientAuth: 'either',
    pkce: 'optional',
    codeLifetime: 900,
    accessTokenLifetime: SESSION_SECONDS,
    refreshTokens: options.refreshTokens ?? 'reusable',
    autoApprove: options.autoApprove ?? false,
    newAccessToken: () => `${org15}!AQ${randomBytes(72).toString('base64url').slice(0, 96)}`,
    newRefreshToken: () => `5Aep861${randomBytes(60).toString('base64url').slice(0, 80)}`,
    tokenResponse: (body, grant, context) => {
      const origin = `${context.request.protocol}://${context.request.host}`;
      const id = `${origin}/id/${org.orgId}/${org.adminUserId}`;
      const issuedAt = String(context.issuedAt);
      const offline = grant.scopes.some((s) => s === 'refresh_token' || s === 'offline_access');
      const rotated = context.grantType !== 'refresh_token' || server.settings.refreshTokens === 'rotating';
      return {
        access_token: body.access_token,
        ...(offline && rotated && body.refresh_token ? { refresh_token: body.refresh_token } : {}),
        signature: createHmac('sha256', client.clientSecret)
          .update(id + issuedAt)
          .digest('base64'),
        scope: grant.scopes.join(' '),
        instance_url: origin,
        id,
        token_type: 'Bearer',
        issued_at: issuedAt,
      };
    },
    errorResponse: (error, context) => {
      const params = (context.request.body ?? {}) as Record<string, unknown>;
      switch (error.error) {
        case 'invalid_client':
          return typeof params['client_id'] === 'string' && params['client_id'] !== client.clientId
            ? errorFor('invalid_client_id', 'client identifier invalid')
            : errorFor('invalid_client', 'invalid client credentials');
        case 'invalid_grant':
          if (context.grantType === 'refresh_token')
            return errorFor('invalid_grant', 'expired access/refresh token');
          if (/verifier/.test(error.message)) return errorFor('invalid_grant', 'invalid code verifier');
          if (/redirect_uri/.test(error.message))
            return errorFor('redirect_uri_mismatch', 'redirect_uri must match configuration');
          return errorFor('invalid_grant', 'authentication failure');
        case 'unsupported_grant_type':
        case 'unauthorized_client':
          return errorFor('unsupported_grant_type', 'grant type not supported');
        case 'invalid_scope':
          return errorFor('invalid_scope', 'the requested scope is not allowed');
        case 'invalid_token':
          return { status: 403, body: 'Bad_OAuth_Token' };
        default:
          return errorFor('invalid_request', error.message);
      }
    },
    userinfo: (grant) => ({
      sub: `https://login.salesforce.com/id/${org.orgId}/${org.adminUserId}`,
      user_id: org.adminUserId,
      organization_id: org.orgId,
      preferred_username: org.adminEmail,
      name: org.adminName,
      email: org.adminEmail,
      email_verified: true,
      zoneinfo: 'America/Los_Angeles',
      active: true,
      user_type: 'STANDARD',
      scope: grant.scopes.join(' '),
    }),
  });
  return server;
}
