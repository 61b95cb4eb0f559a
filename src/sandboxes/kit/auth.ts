/**
 * How an emulator's API routes recognise callers. Each authenticator looks at a request and returns the
 * principal it proves, or undefined; the frame tries them in order. The principal's `key` is what rate
 * limits and stats count by (the token, account or app, as the vendor counts).
 */
import type { FastifyRequest } from 'fastify';
import type { OAuthServer } from './oauth/server.ts';
import type { AccessGrant } from './oauth/types.ts';

export interface Principal {
  /** Rate-limit and stats key. */
  key: string;
  kind: 'oauth' | 'token' | 'basic' | 'api-key';
  /** The account (tenant) the credentials act for, when known. */
  account?: string;
  scopes?: string[];
  /** For OAuth access tokens: the grant behind the token. */
  grant?: AccessGrant;
}

export type Authenticator = (request: FastifyRequest) => Principal | undefined;

/** The token of `Authorization: Bearer <token>` (scheme case-insensitive), if any. */
export function bearerToken(request: FastifyRequest): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
}

/**
 * OAuth access tokens issued by the kit's server. `key` chooses what rate limits count by: the token
 * (default), the account the consent was for, or the client app.
 */
export function oauthBearer(
  server: OAuthServer,
  key: 'token' | 'account' | 'client' = 'token',
): Authenticator {
  return (request) => {
    const token = bearerToken(request);
    const grant = token ? server.validateAccessToken(token) : undefined;
    if (!grant) return undefined;
    const k = key === 'account' ? grant.account : key === 'client' ? grant.clientId : grant.token;
    return { key: k, kind: 'oauth', account: grant.account, scopes: grant.scopes, grant };
  };
}

/** Static bearer tokens (private-app tokens, personal access tokens), each mapped to its account. */
export function staticBearer(tokens: () => ReadonlyMap<string, string | undefined>): Authenticator {
  return (request) => {
    const token = bearerToken(request);
    if (token === undefined || !tokens().has(token)) return undefined;
    return { key: token, kind: 'token', account: tokens().get(token) };
  };
}

/** An API key in a header or query parameter (names compared case-insensitively for headers). */
export function apiKey(
  where: { header: string } | { query: string },
  keys: () => ReadonlyMap<string, string | undefined>,
): Authenticator {
  return (request) => {
    let value: string | undefined;
    if ('header' in where) {
      const h = request.headers[where.header.toLowerCase()];
      value = Array.isArray(h) ? h[0] : h;
    } else {
      const q = (request.query as Record<string, unknown> | undefined)?.[where.query];
      value = typeof q === 'string' ? q : undefined;
    }
    if (value === undefined || !keys().has(value)) return undefined;
    return { key: value, kind: 'api-key', account: keys().get(value) };
  };
}

/** HTTP Basic; `check` returns the principal for a user and password, or undefined. */
export function basicAuth(check: (user: string, password: string) => Principal | undefined): Authenticator {
  return (request) => {
    const match = /^Basic\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) return undefined;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : check(decoded.slice(0, colon), decoded.slice(colon + 1));
  };
}
