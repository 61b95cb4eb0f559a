/**
 * Zoho Accounts' OAuth 2.0 (https://www.zoho.com/accounts/protocol/oauth/web-server-applications.html), on the
 * kit's authorization server: `/oauth/v2/auth` and `/oauth/v2/token` (parameters in the query string, as
 * Zoho's docs send them, or in the form body), client credentials as parameters, no PKCE. Access tokens
 * (`1000.<hex>.<hex>`) last an hour; the token response names the data centre's `api_domain`; refresh
 * tokens never expire and are reused — a refresh answers without one. Errors come with **HTTP 200**:
 * `{"error":"invalid_code"}` for a bad code or refresh token, `invalid_client`, `invalid_client_secret`. A
 * refresh token mints at most 10 access tokens in 10 minutes
 * (https://www.zoho.com/accounts/protocol/oauth/limits.html); past that: `Access Denied`.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createOAuthServer, type OAuthServer } from '../kit/oauth/server.ts';
import { hash32 } from '../kit/random.ts';

export const ACCOUNTS_PATHS = { authorize: '/oauth/v2/auth', token: '/oauth/v2/token' };
const REFRESH_BURST = 10;
const REFRESH_WINDOW_MS = 10 * 60_000;

export interface ZohoOAuthOptions {
  clientId?: string;
  clientSecret?: string;
  redirectUris?: string[] | 'any';
  autoApprove?: boolean;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

export function defaultClient(seed: number): { clientId: string; clientSecret: string } {
  let id = '';
  let secret = '';
  for (let i = 0; id.length < 30; i++) id += (hash32(seed, i, 6101) % 36).toString(36).toUpperCase();
  for (let i = 0; secret.length < 42; i++) secret += (hash32(seed, i, 6102) % 16).toString(16);
  return { clientId: `1000.${id}`, clientSecret: secret };
}

export function zohoAccounts(
  options: ZohoOAuthOptions & { seed: number; account: string; apiDomain?: () => string },
): OAuthServer {
  const defaults = defaultClient(options.seed);
  const clientId = options.clientId ?? defaults.clientId;
  return createOAuthServer({
    paths: ACCOUNTS_PATHS,
    vendorName: 'Zoho',
    clients: [
      {
        clientId,
        clientSecret: options.clientSecret ?? defaults.clientSecret,
        redirectUris: options.redirectUris ?? 'any',
        name: 'Switchboard',
        grantTypes: ['authorization_code', 'refresh_token'],
      },
    ],
    accounts: [{ id: options.account, name: 'Zylker (Zoho CRM)' }],
    clientAuth: 'body',
    pkce: 'off',
    codeLifetime: 120,
    accessTokenLifetime: 3600,
    refreshTokens: 'reusable',
    autoApprove: options.autoApprove ?? false,
    newAccessToken: () => `1000.${hex(16)}.${hex(16)}`,
    newRefreshToken: () => `1000.${hex(16)}.${hex(16)}`,
    tokenResponse: (body, grant, context) => ({
      access_token: body.access_token,
      ...(context.grantType === 'authorization_code' && body.refresh_token
        ? { refresh_token: body.refresh_token }
        : {}),
      scope: grant.scopes.join(' '),
      api_domain: options.apiDomain?.() ?? `${context.request.protocol}://${context.request.host}`,
      token_type: 'Bearer',
      expires_in: body.expires_in,
    }),
    errorResponse: (error, context) => {
      const params = (context.request.body ?? {}) as Record<string, unknown>;
      const code =
        error.error === 'invalid_client'
          ? params['client_id'] === clientId
            ? 'invalid_client_secret'
            : 'invalid_client'
          : error.error === 'invalid_grant'
            ? 'invalid_code'
            : error.error === 'unsupported_grant_type' || error.error === 'unauthorized_client'
              ? 'unsupported_grant_type'
              : error.error;
      return { status: 200, body: { error: code } };
    },
  });
}

/**
 * Zoho's own token-endpoint behaviour around the grant: parameters read from the query string too, and
 * the per-refresh-token limit of 10 access tokens in 10 minutes.
 */
export function registerAccountsQuirks(app: FastifyInstance): void {
  const minted = new Map<string, number[]>();
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST' || request.url.split('?')[0] !== ACCOUNTS_PATHS.token) return;
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<
      string,
      unknown
    >;
    request.body = { ...(request.query as Record<string, unknown>), ...body };
    const params = request.body as Record<string, unknown>;
    if (params['grant_type'] !== 'refresh_token' || typeof params['refresh_token'] !== 'string') return;
    const now = Date.now();
    const recent = (minted.get(params['refresh_token']) ?? []).filter((t) => now - t < REFRESH_WINDOW_MS);
    if (recent.length >= REFRESH_BURST) {
      return reply.code(400).send({
        error_description: 'You have made too many requests continuously. Please try again after some time.',
        error: 'Access Denied',
        status: 'failure',
      });
    }
    recent.push(now);
    minted.set(params['refresh_token'], recent);
  });
}
