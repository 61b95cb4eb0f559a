/**
 * HubSpot's OAuth, on the kit's authorization server: authorize at `/oauth/authorize` (app.hubspot.com
 * in production, served here on the emulator's own origin), tokens at `POST /oauth/v1/token` with the
 * client authenticated in the form body, 30-minute access tokens, reusable refresh tokens, `hub_id` in
 * the token response and HubSpot's `{ status, message }` error bodies. Also HubSpot's token metadata
 * (`GET /oauth/v1/access-tokens/{token}`) and refresh-token deletion (`DELETE /oauth/v1/refresh-tokens/{token}`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createOAuthServer, type OAuthServer } from '../kit/oauth/server.ts';
import type { OAuthError } from '../kit/oauth/types.ts';
import { hashGuid } from '../kit/random.ts';
import { oauthTokenError } from './errors.ts';

export interface HubSpotOAuthOptions {
  /** Default: a UUID derived from the seed (printed by the CLI). */
  clientId?: string;
  clientSecret?: string;
  /** Registered redirect URIs (default: any). */
  redirectUris?: string[] | 'any';
  /** Redirect at once with a code instead of showing the consent page (default false). */
  autoApprove?: boolean;
}

/** HubSpot's access-token lifetime: 30 minutes. */
export const ACCESS_TOKEN_SECONDS = 1800;
export const OAUTH_PATHS = { authorize: '/oauth/authorize', token: '/oauth/v1/token' };

/** HubSpot's v1 token errors; which status goes with which failure is partly a guess (docs/sandbox-hubspot.md). */
function hubspotError(error: OAuthError, grantType: string | undefined): { status: string; message: string } {
  switch (error.error) {
    case 'invalid_grant':
      if (grantType === 'refresh_token')
        return { status: 'BAD_REFRESH_TOKEN', message: 'missing or invalid refresh token' };
      if (/redirect_uri/.test(error.message))
        return {
          status: 'BAD_REDIRECT_URI',
          message: 'redirect_uri does not match the one used to get the auth code',
        };
      return { status: 'BAD_AUTH_CODE', message: 'missing or unknown auth code' };
    case 'invalid_client':
      return { status: 'BAD_CLIENT_ID', message: 'missing or invalid client id or secret' };
    case 'unsupported_grant_type':
    case 'unauthorized_client':
      return { status: 'BAD_GRANT_TYPE', message: 'grant_type must be authorization_code or refresh_token' };
    case 'invalid_scope':
      return { status: 'BAD_SCOPE', message: error.message };
    default:
      return { status: 'BAD_REQUEST', message: error.message };
  }
}

export function defaultClient(seed: number): { clientId: string; clientSecret: string } {
  return { clientId: hashGuid(seed, 1, 7001), clientSecret: hashGuid(seed, 2, 7002) };
}

export function hubspotOAuth(hubId: number, seed: number, options: HubSpotOAuthOptions = {}): OAuthServer {
  const defaults = defaultClient(seed);
  const client = {
    clientId: options.clientId ?? defaults.clientId,
    clientSecret: options.clientSecret ?? defaults.clientSecret,
  };
  return createOAuthServer({
    paths: OAUTH_PATHS,
    vendorName: 'HubSpot',
    clients: [
      {
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        redirectUris: options.redirectUris ?? 'any',
        name: 'Switchboard',
        grantTypes: ['authorization_code', 'refresh_token'],
      },
    ],
    accounts: [{ id: String(hubId), name: `HubSpot account ${hubId}` }],
    clientAuth: 'body',
    pkce: 'optional',
    accessTokenLifetime: ACCESS_TOKEN_SECONDS,
    refreshTokens: 'reusable',
    tokenType: 'bearer',
    autoApprove: options.autoApprove ?? false,
    // HubSpot's tokens: opaque strings up to ~300 characters; refresh tokens carry the region prefix.
    newAccessToken: () => `C${randomBytes(72).toString('base64url')}`,
    newRefreshToken: () => `na1-${randomUUID().slice(0, 4)}-${randomUUID()}`,
    tokenResponse: (body, grant) => ({
      access_token: body.access_token,
      refresh_token: body.refresh_token,
      expires_in: body.expires_in,
      token_type: body.token_type,
      hub_id: Number(grant.account),
    }),
    errorResponse: (error, context) => {
      const { status, message } = hubspotError(error, context.grantType);
      return { status: 400, body: oauthTokenError(context.request.id, status, message) };
    },
  });
}

/** HubSpot's token metadata and refresh-token deletion (no API auth: the token in the path is the credential). */
export function registerHubSpotTokenRoutes(app: FastifyInstance, oauth: OAuthServer, hubId: number): void {
  app.get('/oauth/v1/access-tokens/:token', async (request, reply) => {
    const { token } = request.params as { token: string };
    const grant = oauth.validateAccessToken(token);
    if (!grant)
      return reply.code(404).send(oauthTokenError(request.id, 'NOT_FOUND', 'token not found or expired'));
    return {
      token,
      hub_id: hubId,
      app_id: 1_000_000 + (hubId % 1_000_000),
      scopes: grant.scopes,
      token_type: 'access',
      expires_in:
        grant.expiresAt === null ? null : Math.max(0, Math.round((grant.expiresAt - Date.now()) / 1000)),
    };
  });
  app.delete('/oauth/v1/refresh-tokens/:token', async (request, reply) => {
    const { token } = request.params as { token: string };
    if (!oauth.store.revokeRefreshToken(token, false))
      return reply.code(404).send(oauthTokenError(request.id, 'NOT_FOUND', 'refresh token not found'));
    return reply.code(204).send();
  });
}
