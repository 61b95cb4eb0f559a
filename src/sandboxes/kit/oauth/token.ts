/**
 * The token endpoint (RFC 6749 §3.2, §4.1.3, §4.4, §6) and, when the vendor has them, revocation (RFC
 * 7009), introspection (RFC 7662) and userinfo. Requests come form-urlencoded (standard) or as JSON.
 *
 * Added latency (`tokenLatencyMs`) is spent before the grant is processed, and a request whose client hung
 * up meanwhile is dropped unprocessed: a client killed mid-refresh has not consumed its refresh token. A
 * real server may finish the grant after the client has gone; this models the kinder, common case so that
 * a test can tell "never reached the server" from "rotated, response lost" (the latter is what a fault
 * rule such as `reset` on the token path gives).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticateClient, type Params, parseScopes, triedBasic } from './client-auth.ts';
import '../request-context.ts';
import type { OAuthServer } from './server.ts';
import {
  type ClientAuthMethod,
  type ClientAuthRule,
  type ErrorContext,
  type Grant,
  type GrantType,
  type IssuedTokens,
  OAuthError,
  type TokenBodyFormat,
} from './types.ts';

const GRANT_TYPES: readonly string[] = ['authorization_code', 'refresh_token', 'client_credentials'];

/** Resolves true if the client's connection closes before `ms` have passed. */
function hungUpDuring(request: FastifyRequest, reply: FastifyReply, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const res = reply.raw;
    const onClose = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(res.destroyed || request.raw.socket?.destroyed === true);
    }, ms);
    res.once('close', onClose);
  });
}

/** Body parameters as strings; repeats and non-string values are `invalid_request` (RFC 6749 §3.2). */
export function readParams(body: unknown): Params {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw new OAuthError('invalid_request', 'malformed body');
  const params: Params = {};
  for (const [k, v] of Object.entries(body)) {
    if (Array.isArray(v)) throw new OAuthError('invalid_request', `parameter ${k} is repeated`);
    if (typeof v === 'number' || typeof v === 'boolean') params[k] = String(v);
    else if (typeof v === 'string') params[k] = v;
    else if (v !== null && v !== undefined)
      throw new OAuthError('invalid_request', `parameter ${k} must be a string`);
  }
  return params;
}

export function sendOAuthError(
  server: OAuthServer,
  reply: FastifyReply,
  error: OAuthError,
  context: ErrorContext,
): FastifyReply {
  if (error.error === 'invalid_client') server.store.stats.invalidClient++;
  const vendor = server.options.errorResponse?.(error, context) ?? {
    status: error.status,
    body: { error: error.error, error_description: error.message },
  };
  const headers: Record<string, string> = { 'cache-control': 'no-store', pragma: 'no-cache' };
  if (error.error === 'invalid_client' && triedBasic(context.request))
    headers['www-authenticate'] = 'Basic realm="oauth"';
  if (error.error === 'invalid_token') headers['www-authenticate'] = 'Bearer error="invalid_token"';
  return reply
    .code(vendor.status)
    .headers({ ...headers, ...vendor.headers })
    .send(vendor.body);
}

/** Refuses a body format the vendor does not take (a request without a body passes to the usual checks). */
function checkBodyFormat(request: FastifyRequest, formats: readonly TokenBodyFormat[] | undefined): void {
  if (!formats || request.body === undefined) return;
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const format: TokenBodyFormat | undefined =
    type === 'application/x-www-form-urlencoded' ? 'form' : type === 'application/json' ? 'json' : undefined;
  if (format === undefined || !formats.includes(format))
    throw new OAuthError('invalid_request', `the token endpoint takes ${formats.join(' or ')} bodies`);
}

function tokenBody(
  server: OAuthServer,
  grant: Grant,
  issued: IssuedTokens,
  grantType: GrantType,
  request: FastifyRequest,
) {
  const issuedAt = Date.now();
  const body = {
    access_token: issued.accessToken,
    token_type: server.options.tokenType ?? 'Bearer',
    ...(issued.accessExpiresAt === null
      ? {}
      : { expires_in: Math.max(0, Math.round((issued.accessExpiresAt - issuedAt) / 1000)) }),
    ...(issued.refreshToken === undefined ? {} : { refresh_token: issued.refreshToken }),
    ...(grant.scopes.length > 0 ? { scope: grant.scopes.join(' ') } : {}),
  };
  const hook = server.options.tokenResponse;
  return hook
    ? hook(body, grant, { grantType, request, accessExpiresAt: issued.accessExpiresAt, issuedAt })
    : body;
}

function grantFor(server: OAuthServer, grantType: string, clientId: string, params: Params) {
  const { store } = server;
  switch (grantType) {
    case 'authorization_code':
      return store.redeemCode(clientId, params.code, params.redirect_uri, params.code_verifier);
    case 'refresh_token':
      return store.refresh(clientId, params.refresh_token, parseScopes(params.scope));
    default: {
      const client = server.clients.get(clientId)!;
      const account =
        server.options.clientCredentialsAccount?.(params, client) ?? client.account ?? server.accounts[0].id;
      const { family, issued } = store.startFamily(
        {
          clientId,
          account,
          scopes: parseScopes(params.scope) ?? [...(server.options.defaultScopes ?? [])],
          grantType: 'client_credentials',
        },
        { refresh: server.options.clientCredentialsRefresh ?? false },
      );
      return { grant: family, issued };
    }
  }
}

/** The client authentication a grant type takes; revoke and introspect (no grant) take any named one. */
export function clientAuthFor(rule: ClientAuthRule | undefined, grantType?: string): ClientAuthMethod {
  if (rule === undefined || typeof rule === 'string') return rule ?? 'either';
  const named = grantType === undefined ? undefined : rule[grantType as GrantType];
  if (named) return named;
  const methods = new Set(Object.values(rule));
  return grantType === undefined && methods.size === 1 ? [...methods][0]! : 'either';
}

export function registerTokenRoutes(app: FastifyInstance, server: OAuthServer): void {
  const { paths } = server.options;
  const method = clientAuthFor(server.options.clientAuth);

  app.post(paths.token, { config: { kitRoute: 'oauth-token' } }, async (request, reply) => {
    const latency = server.settings.tokenLatencyMs;
    if (latency > 0 && (await hungUpDuring(request, reply, latency))) {
      server.store.stats.abandoned++;
      return reply.hijack();
    }
    let grantType: string | undefined;
    try {
      checkBodyFormat(request, server.options.tokenBodyFormats);
      const params = readParams(request.body);
      grantType = params.grant_type;
      const calls = server.store.stats.tokenCalls;
      calls[grantType ?? '(none)'] = (calls[grantType ?? '(none)'] ?? 0) + 1;
      const client = authenticateClient(
        request,
        params,
        server.clients,
        clientAuthFor(server.options.clientAuth, grantType),
      );
      if (!grantType) throw new OAuthError('invalid_request', 'grant_type is required');
      if (!GRANT_TYPES.includes(grantType))
        throw new OAuthError('unsupported_grant_type', `grant_type ${grantType} is not supported`);
      if (client.grantTypes && !client.grantTypes.includes(grantType as GrantType))
        throw new OAuthError('unauthorized_client', `this client may not use ${grantType}`);
      const { grant, issued } = grantFor(server, grantType, client.clientId, params);
      return reply
        .headers({ 'cache-control': 'no-store', pragma: 'no-cache' })
        .send(tokenBody(server, grant, issued, grantType as GrantType, request));
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      return sendOAuthError(server, reply, error, { endpoint: 'token', grantType, request });
    }
  });

  if (paths.revoke) {
    app.post(paths.revoke, { config: { kitRoute: 'oauth' } }, async (request, reply) => {
      try {
        const params = readParams(request.body);
        const client = authenticateClient(request, params, server.clients, method);
        const token = params.token;
        if (!token) throw new OAuthError('invalid_request', 'token is required');
        const owner = server.store.clientOf(token);
        if (owner !== undefined && owner !== client.clientId)
          throw new OAuthError('unauthorized_client', 'token was issued to another client');
        if (!server.store.revokeRefreshToken(token)) server.store.revokeAccessToken(token);
        return reply.code(200).send();
      } catch (error) {
        if (!(error instanceof OAuthError)) throw error;
        return sendOAuthError(server, reply, error, { endpoint: 'revoke', request });
      }
    });
  }

  if (paths.introspect) {
    app.post(paths.introspect, { config: { kitRoute: 'oauth' } }, async (request, reply) => {
      try {
        const params = readParams(request.body);
        authenticateClient(request, params, server.clients, method);
        const found = params.token ? server.store.lookup(params.token) : undefined;
        if (!found) return { active: false };
        return {
          active: true,
          token_type: found.kind === 'access' ? 'access_token' : 'refresh_token',
          client_id: found.grant.clientId,
          scope: found.grant.scopes.join(' '),
          sub: found.grant.account,
          iat: Math.floor(found.grant.createdAt / 1000),
          ...(found.expiresAt === null ? {} : { exp: Math.floor(found.expiresAt / 1000) }),
        };
      } catch (error) {
        if (!(error instanceof OAuthError)) throw error;
        return sendOAuthError(server, reply, error, { endpoint: 'introspect', request });
      }
    });
  }

  if (paths.userinfo) {
    app.route({
      method: ['GET', 'POST'],
      url: paths.userinfo,
      config: { kitRoute: 'oauth' },
      handler: async (request, reply) => {
        const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
        const grant = token ? server.store.validateAccessToken(token) : undefined;
        if (!grant) {
          const error = new OAuthError('invalid_token', 'access token is missing, expired or revoked');
          return sendOAuthError(server, reply, error, { endpoint: 'userinfo', request });
        }
        return (
          server.options.userinfo?.(grant) ?? {
            sub: grant.account,
            account: grant.account,
            client_id: grant.clientId,
            scope: grant.scopes.join(' '),
          }
        );
      },
    });
  }
}
