/**
 * One request to a vendor's OAuth token endpoint (authorization code, refresh token or client
 * credentials), with the vendor's quirks as its integration declares them: client authentication in the
 * body or with Basic, extra parameters (with `{field}` placeholders from the account's context), a JSON body
 * instead of a form, values lifted from the token response into the account's context, responses without
 * `expires_in`. The token URL goes through the origin guard like any upstream URL.
 *
 * Failures are classified: the grant is gone (`invalid_grant` and the vendor's equivalents) → the
 * customer must reconnect; the vendor or network failed (5xx, 429, timeouts) → try again later; anything
 * else (a wrong client secret, a bad request) → a configuration problem, reported as such.
 */

import type { OAuthApp } from '../environment-integrations/environment-integrations.ts';
import type { OAuth2Auth, OAuthToken } from '../integrations/kit/auth.ts';
import { fillTemplate } from '../integrations/kit/define.ts';
import { valueAt } from '../integrations/kit/select.ts';
import type { AccountContext } from '../integrations/types.ts';
import { sendGuarded } from '../upstream/http.ts';
import { guardUpstreamUrl } from '../upstream/origin-guard.ts';

const TOKEN_TIMEOUT_MS = 15_000;

export type TokenGrant =
  | { grant_type: 'authorization_code'; code: string; redirect_uri: string; code_verifier?: string }
  | { grant_type: 'refresh_token'; refresh_token: string }
  | { grant_type: 'client_credentials' };

export interface TokenResult {
  token: OAuthToken;
  /** Context values lifted from the response (`instance_url`, `api_domain`, `hub_id`, …). */
  lifted: Record<string, string>;
}

/** The grant is gone (revoked, expired, reused): only the customer reconnecting helps. */
export class GrantRevoked extends Error {
  readonly vendorError: unknown;
  constructor(message: string, vendorError: unknown) {
    super(message);
    this.name = 'GrantRevoked';
    this.vendorError = vendorError;
  }
}

/** The token endpoint failed for a passing reason (network, 5xx, 429): try again later. */
export class TokenEndpointUnavailable extends Error {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'TokenEndpointUnavailable';
    this.retryAfterMs = retryAfterMs;
  }
}

/** The vendor refused the request itself (a wrong client id or secret, a bad parameter). */
export class TokenRequestRefused extends Error {
  readonly vendorError: unknown;
  constructor(message: string, vendorError: unknown) {
    super(message);
    this.name = 'TokenRequestRefused';
    this.vendorError = vendorError;
  }
}

function errorCode(body: unknown): string | undefined {
  for (const path of ['error', 'status', 'error_code', 'code', 'errorCode']) {
    const value = valueAt(body, path);
    if (typeof value === 'string' && value) return value;
  }
  return undefined;
}

function errorText(body: unknown): string {
  for (const path of ['error_description', 'message', 'error']) {
    const value = valueAt(body, path);
    if (typeof value === 'string' && value) return value.slice(0, 300);
  }
  return typeof body === 'string' && body ? body.slice(0, 300) : 'no details';
}

function secondsToMs(value: unknown): number | undefined {
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

export interface TokenRequestOptions {
  kind: OAuth2Auth;
  app: OAuthApp;
  /** Fills `{field}` placeholders in the token URL (a data centre, a subdomain). */
  context: AccountContext;
  grant: TokenGrant;
  label: string;
  now?: () => number;
}

export async function requestToken(options: TokenRequestOptions): Promise<TokenResult> {
  const { kind, app, grant, label } = options;
  const now = options.now ?? Date.now;
  const target = new URL(fillTemplate(app.tokenUrl, options.context));
  const url = guardUpstreamUrl({ origin: target.origin, basePath: '' }, { absoluteUrl: target.href });
  // Extra parameters and scopes may name context values (Entra ID's `https://{org_url}/.default`).
  const fill = (value: string) => fillTemplate(value, options.context);
  const extra = grant.grant_type === 'refresh_token' ? kind.refreshParams : kind.tokenParams;
  const form: Record<string, string> = {
    ...Object.fromEntries(Object.entries(extra).map(([name, value]) => [name, fill(value)])),
    ...Object.fromEntries(Object.entries(grant).filter(([, v]) => v !== undefined)),
  };
  if (grant.grant_type === 'client_credentials' && app.scopes.length > 0) {
    form['scope'] = app.scopes.map(fill).join(kind.scopeSeparator);
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  const clientAuth = grant.grant_type === 'refresh_token' ? kind.refreshClientAuth : kind.clientAuth;
  if (clientAuth === 'basic') {
    const pair = `${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.clientSecret)}`;
    headers['authorization'] = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else {
    form['client_id'] = app.clientId;
    form['client_secret'] = app.clientSecret;
  }
  let response: Awaited<ReturnType<typeof sendGuarded>>;
  try {
    response = await sendGuarded({
      url,
      method: 'POST',
      headers,
      ...(kind.tokenFormat === 'json' ? { body: form } : { form }),
      auth: {},
      timeoutMs: TOKEN_TIMEOUT_MS,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new TokenEndpointUnavailable(
      `${label}'s token endpoint could not be reached${code ? ` (${code})` : ''}`,
    );
  }
  const body = response.body;
  if (response.status >= 500 || response.status === 429) {
    const retryAfter = response.headers['retry-after'];
    throw new TokenEndpointUnavailable(
      `${label}'s token endpoint answered HTTP ${response.status}`,
      secondsToMs(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter),
    );
  }
  const code = errorCode(body);
  const accessToken = valueAt(body, 'access_token');
  if (response.status >= 400 || typeof accessToken !== 'string' || !accessToken) {
    const revoked = code === 'invalid_grant' || (code !== undefined && kind.revokedErrors.includes(code));
    const message = `${label} refused the token request${code ? ` (${code})` : ''}: ${errorText(body)}`;
    if (revoked && grant.grant_type !== 'client_credentials') throw new GrantRevoked(message, body);
    throw new TokenRequestRefused(message, body);
  }
  const refreshToken = valueAt(body, 'refresh_token');
  const expiresIn = secondsToMs(valueAt(body, 'expires_in'));
  const scope = valueAt(body, 'scope');
  const token: OAuthToken = {
    access_token: accessToken,
    ...(typeof refreshToken === 'string' && refreshToken ? { refresh_token: refreshToken } : {}),
    ...(expiresIn ? { expires_at: new Date(now() + expiresIn).toISOString() } : {}),
    ...(typeof scope === 'string' ? { scope } : Array.isArray(scope) ? { scope: scope.join(' ') } : {}),
    ...(typeof valueAt(body, 'token_type') === 'string'
      ? { token_type: valueAt(body, 'token_type') as string }
      : {}),
  };
  const lifted: Record<string, string> = {};
  for (const [field, path] of Object.entries(kind.tokenContext)) {
    const value = valueAt(body, path);
    if (typeof value === 'string' || typeof value === 'number') lifted[field] = String(value);
  }
  return { token, lifted };
}
