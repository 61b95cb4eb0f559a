/**
 * Client authentication at the token, revoke and introspect endpoints (RFC 6749 §2.3.1): HTTP Basic with
 * the form-urlencoded id and secret, or `client_id`/`client_secret` in the body, as the vendor allows.
 * Using a method the vendor does not take, or a wrong secret, is `invalid_client` (401).
 */
import type { FastifyRequest } from 'fastify';
import { type ClientAuthMethod, type OAuthClient, OAuthError } from './types.ts';

export type Params = Record<string, string>;

function basicCredentials(request: FastifyRequest): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(request.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return undefined;
  }
}

export function authenticateClient(
  request: FastifyRequest,
  params: Params,
  clients: ReadonlyMap<string, OAuthClient>,
  method: ClientAuthMethod,
): OAuthClient {
  const basic = basicCredentials(request);
  if (basic && params.client_secret !== undefined)
    throw new OAuthError('invalid_request', 'use one client authentication method, not two');
  if (basic) {
    if (method === 'body')
      throw new OAuthError('invalid_client', 'send client credentials in the request body');
    const client = clients.get(basic.id);
    if (!client || client.clientSecret === undefined || client.clientSecret !== basic.secret)
      throw new OAuthError('invalid_client', 'client authentication failed');
    if (params.client_id !== undefined && params.client_id !== basic.id)
      throw new OAuthError('invalid_client', 'client_id does not match the authenticated client');
    return client;
  }
  const client = params.client_id === undefined ? undefined : clients.get(params.client_id);
  if (params.client_secret !== undefined) {
    if (method === 'basic')
      throw new OAuthError('invalid_client', 'send client credentials with HTTP Basic authentication');
    if (!client || client.clientSecret !== params.client_secret)
      throw new OAuthError('invalid_client', 'client authentication failed');
    return client;
  }
  // No secret anywhere: only a public client may go on.
  if (client && client.clientSecret === undefined) return client;
  throw new OAuthError('invalid_client', 'client authentication failed');
}

/** Whether the request tried HTTP Basic (a 401 then carries `WWW-Authenticate: Basic`). */
export function triedBasic(request: FastifyRequest): boolean {
  return /^Basic\s/i.test(request.headers.authorization ?? '');
}

/** Scopes as sent: space-separated per RFC 6749, commas accepted too (Zoho, Pipedrive). */
export function parseScopes(scope: string | undefined): string[] | undefined {
  if (scope === undefined) return undefined;
  const scopes = scope.split(/[\s,]+/).filter(Boolean);
  return [...new Set(scopes)];
}
