/**
 * Microsoft Entra ID's v2.0 endpoints as Dataverse clients meet them
 * (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow), on the kit's authorization
 * server: `/organizations/oauth2/v2.0/authorize` and `/token`, client secret in the body, PKCE. Scopes name
 * the environment as the resource (`https://contoso.crm.dynamics.com/.default`, plus `offline_access` for a
 * refresh token); **a refresh must say `scope` again** (the docs mark it required). Access tokens are JWTs
 * whose `aud` is the environment and live about 75 minutes; each refresh returns a new refresh token.
 * Errors are Entra's `{ error, error_description: "AADSTS…", error_codes, timestamp, trace_id, correlation_id }`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createOAuthServer, type OAuthServer } from '../kit/oauth/server.ts';
import type { Grant, OAuthError } from '../kit/oauth/types.ts';
import { hashGuid } from '../kit/random.ts';

export const ENTRA_PATHS = {
  authorize: '/organizations/oauth2/v2.0/authorize',
  token: '/organizations/oauth2/v2.0/token',
};
/** Entra picks 60 to 90 minutes; the sandbox uses the middle. */
export const ACCESS_TOKEN_SECONDS = 4500;

export interface EntraOptions {
  clientId?: string;
  clientSecret?: string;
  redirectUris?: string[] | 'any';
  autoApprove?: boolean;
}

export function entraError(status: number, error: string, code: number, text: string) {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A JWT-shaped access token (the signature is random: nothing here verifies it). */
function accessToken(grant: Grant, orgUrl: string, tenantId: string): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    aud: orgUrl,
    iss: `https://sts.windows.net/${tenantId}/`,
    iat: now,
    nbf: now,
    exp: now + ACCESS_TOKEN_SECONDS,
    appid: grant.clientId,
    oid: grant.account,
    scp: 'user_impersonation',
    tid: tenantId,
    ver: '1.0',
    jti: randomBytes(9).toString('base64url'),
  };
  return `${b64({ typ: 'JWT', alg: 'RS256', kid: 'sandbox' })}.${b64(payload)}.${randomBytes(64).toString('base64url')}`;
}

function describe(error: OAuthError, grantType: string | undefined, clientKnown: boolean) {
  switch (error.error) {
    case 'invalid_client':
      return clientKnown
        ? entraError(401, 'invalid_client', 7000215, 'Invalid client secret provided.')
        : entraError(400, 'unauthorized_client', 700016, 'Application was not found in the directory.');
    case 'invalid_grant':
      if (grantType === 'refresh_token' && /revoked|already used/.test(error.message))
        return entraError(
          400,
          'invalid_grant',
          50173,
          'The provided grant has expired due to it being revoked.',
        );
      if (grantType === 'refresh_token')
        return entraError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
      return entraError(
        400,
        'invalid_grant',
        70000,
        'The provided authorization code is invalid or has expired.',
      );
    case 'invalid_scope':
      return entraError(
        400,
        'invalid_scope',
        70011,
        "The provided value for the input parameter 'scope' is not valid.",
      );
    case 'unsupported_grant_type':
      return entraError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    default:
      return entraError(400, 'invalid_request', 900144, error.message);
  }
}

export function entraOAuth(
  orgUrl: string,
  seed: number,
  options: EntraOptions = {},
): OAuthServer & { tenantId: string } {
  const tenantId = hashGuid(seed, 0, 4700);
  const clientId = options.clientId ?? hashGuid(seed, 1, 4701);
  const clientSecret = options.clientSecret ?? `sbx8Q~${randomBytes(27).toString('base64url')}`;
  const server = createOAuthServer({
    paths: ENTRA_PATHS,
    vendorName: 'Microsoft',
    clients: [{ clientId, clientSecret, redirectUris: options.redirectUris ?? 'any', name: 'Switchboard' }],
    accounts: [{ id: hashGuid(seed, 2, 4702), name: `admin@contoso.onmicrosoft.com` }],
    clientAuth: 'body',
    pkce: 'optional',
    codeLifetime: 600,
    accessTokenLifetime: ACCESS_TOKEN_SECONDS,
    refreshTokens: 'rotating',
    refreshTokenLifetime: 90 * 86_400,
    newAccessToken: (grant) => accessToken(grant, orgUrl, tenantId),
    newRefreshToken: () => `1.AQ${randomBytes(120).toString('base64url')}`,
    tokenResponse: (body, grant) => {
      const resource = grant.scopes.filter((s) => s.startsWith(`${orgUrl}/`));
      const offline = grant.scopes.includes('offline_access');
      return {
        token_type: 'Bearer',
        scope: [...new Set([`${orgUrl}/user_impersonation`, ...resource])].join(' '),
        expires_in: body.expires_in,
        ext_expires_in: body.expires_in,
        access_token: body.access_token,
        ...(offline && body.refresh_token ? { refresh_token: body.refresh_token } : {}),
      };
    },
    errorResponse: (error, context) => {
      const params = (context.request.body ?? {}) as Record<string, unknown>;
      return describe(error, context.grantType, params['client_id'] === clientId);
    },
  });
  return Object.assign(server, { tenantId });
}

/**
 * Entra's own checks before a grant: a refresh without `scope` (AADSTS900144), and scopes for another
 * resource than the environment (AADSTS500011: the resource is not in the tenant).
 */
export function registerEntraChecks(app: FastifyInstance, orgUrl: string): void {
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST' || request.url.split('?')[0] !== ENTRA_PATHS.token) return;
    const params = (request.body ?? {}) as Record<string, unknown>;
    const scope = typeof params['scope'] === 'string' ? params['scope'] : undefined;
    if (params['grant_type'] === 'refresh_token' && !scope) {
      const { status, body } = entraError(
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'scope'.",
      );
      return reply.code(status).send(body);
    }
    const foreign = (scope ?? '')
      .split(' ')
      .find((s) => s.startsWith('https://') && !s.startsWith(`${orgUrl}/`));
    if (foreign) {
      const resource = foreign.replace(/\/[^/]*$/, '');
      const { status, body } = entraError(
        400,
        'invalid_resource',
        500011,
        `The resource principal named ${resource} was not found in the tenant.`,
      );
      return reply.code(status).send(body);
    }
  });
}
