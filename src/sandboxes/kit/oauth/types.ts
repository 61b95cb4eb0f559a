/** The OAuth 2.0 authorization server's configuration, grants and errors (see docs/emulators.md). */
import type { FastifyRequest } from 'fastify';

export type GrantType = 'authorization_code' | 'refresh_token' | 'client_credentials';
/** Where the token endpoint accepts client credentials (RFC 6749 §2.3.1). */
export type ClientAuthMethod = 'basic' | 'body' | 'either';
/** One method for every grant, or one per grant type (Keap: the code in the body, refreshes with Basic). */
export type ClientAuthRule = ClientAuthMethod | Partial<Record<GrantType, ClientAuthMethod>>;
export type PkceMode = 'required' | 'optional' | 'off';
/** `rotating`: each refresh issues a new refresh token and the used one dies. `reusable`: it lives on. */
export type RefreshMode = 'rotating' | 'reusable';
/** How a token request's body is encoded: `form` (RFC 6749) or `json` (Wix's only format). */
export type TokenBodyFormat = 'form' | 'json';

export interface OAuthClient {
  clientId: string;
  /** Absent for a public client, which authenticates with `client_id` alone. */
  clientSecret?: string;
  /** Exact redirect URIs allowed, or `'any'`. */
  redirectUris: readonly string[] | 'any';
  /** Shown on the consent page (default: the client id). */
  name?: string;
  /** The account a `client_credentials` grant acts for (default: the first account). */
  account?: string;
  /** Grant types this client may use (default: all three). */
  grantTypes?: readonly GrantType[];
}

/** A tenant a user can consent for: a HubSpot portal, a Salesforce org, a HighLevel location. */
export interface OAuthAccount {
  id: string;
  name?: string;
}

export interface OAuthPaths {
  authorize: string;
  token: string;
  revoke?: string;
  introspect?: string;
  userinfo?: string;
}

/** What a token family (everything descending from one consent or client-credentials call) was granted. */
export interface Grant {
  /** The family id. */
  id: string;
  clientId: string;
  account: string;
  scopes: string[];
  /** How the family began. */
  grantType: 'authorization_code' | 'client_credentials' | 'control';
  createdAt: number;
}

/** What `validateAccessToken` returns: the grant behind a live access token. */
export interface AccessGrant extends Grant {
  token: string;
  /** Epoch ms, or null for a token without expiry (Salesforce-style responses without `expires_in`). */
  expiresAt: number | null;
}

/** The standard token response before the vendor's hook reshapes it. */
export interface TokenResponseBody {
  access_token: string;
  token_type: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
}

export interface TokenContext {
  grantType: GrantType;
  request: FastifyRequest;
  /** The grant's access token expiry (epoch ms) or null. */
  accessExpiresAt: number | null;
  issuedAt: number;
}

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_token';

/** An RFC 6749 §5.2 error; the vendor's `errorResponse` hook may reshape it. */
export class OAuthError extends Error {
  readonly error: OAuthErrorCode;
  readonly status: number;
  constructor(error: OAuthErrorCode, description: string, status?: number) {
    super(description);
    this.error = error;
    this.status = status ?? (error === 'invalid_client' || error === 'invalid_token' ? 401 : 400);
  }
}

export interface ErrorContext {
  endpoint: 'token' | 'revoke' | 'introspect' | 'userinfo';
  grantType?: string;
  request: FastifyRequest;
}

export interface VendorResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface OAuthServerOptions {
  /** The vendor's own paths, e.g. `{ authorize: '/oauth/authorize', token: '/oauth/v1/token' }`. */
  paths: OAuthPaths;
  clients: readonly OAuthClient[];
  /** Accounts a user may consent for (default one, `default`); the page offers a choice when several. */
  accounts?: readonly OAuthAccount[];
  /** Default `either`; per grant type when the vendor authenticates grants differently (unnamed: `either`). */
  clientAuth?: ClientAuthRule;
  /** Default `optional`: a challenge sent at authorize binds the code; `required` refuses requests without. */
  pkce?: PkceMode;
  /** Access-token lifetime in seconds (default 3600); null: no expiry and no `expires_in` (Salesforce). */
  accessTokenLifetime?: number | null;
  /** Refresh-token lifetime in seconds (default null: never expires). */
  refreshTokenLifetime?: number | null;
  /** Authorization-code lifetime in seconds (default 60). */
  codeLifetime?: number;
  /** Default `rotating`; changeable at run time. */
  refreshTokens?: RefreshMode;
  /** Whether `client_credentials` also issues a refresh token (default false, as RFC 6749 §4.4.3 advises). */
  clientCredentialsRefresh?: boolean;
  /**
   * The account a `client_credentials` grant acts for, read from the token request (Wix names the app
   * instance in `instance_id`); throw an `OAuthError` to refuse. Default: the client's `account`, else the
   * first account.
   */
  clientCredentialsAccount?: (params: Readonly<Record<string, string>>, client: OAuthClient) => string;
  /** The token-request bodies the vendor takes (default both); any other is `invalid_request`. */
  tokenBodyFormats?: readonly TokenBodyFormat[];
  /** Scopes granted when a request names none (default none). */
  defaultScopes?: readonly string[];
  /** `token_type` in responses (default `Bearer`; HubSpot says `bearer`). */
  tokenType?: string;
  /** Redirect at once with a code, no consent page (tests without a browser). Changeable at run time. */
  autoApprove?: boolean;
  /** Added latency before the token endpoint processes a grant, in ms (default 0). */
  tokenLatencyMs?: number;
  /** The vendor's name on the consent page (default `Sandbox`). */
  vendorName?: string;
  /** Vendor-shaped token strings (default 43 random base64url characters). */
  newAccessToken?: (grant: Grant) => string;
  newRefreshToken?: (grant: Grant) => string;
  /** Reshapes the token response: add `instance_url`, `hub_id`, drop `expires_in`, … */
  tokenResponse?: (body: TokenResponseBody, grant: Grant, context: TokenContext) => Record<string, unknown>;
  /** The vendor's error shape (default RFC 6749 `{ error, error_description }`). */
  errorResponse?: (error: OAuthError, context: ErrorContext) => VendorResponse;
  /** The userinfo body (default `{ sub, account, client_id, scope }`). */
  userinfo?: (grant: AccessGrant) => Record<string, unknown>;
}

export interface OAuthStats {
  /** Token-endpoint requests processed, by `grant_type` as sent (`(none)` when missing). */
  tokenCalls: Record<string, number>;
  invalidGrant: number;
  invalidClient: number;
  /** Families revoked because a rotated refresh token or a used code came back. */
  familyRevocations: number;
  /** Token requests dropped unprocessed because the client hung up during the added latency. */
  abandoned: number;
  consentsShown: number;
  consentsAllowed: number;
  consentsDenied: number;
}

export interface OAuthSettings {
  refreshTokens: RefreshMode;
  tokenLatencyMs: number;
  autoApprove: boolean;
  accessTokenLifetime: number | null;
}

export interface IssueTokensOptions {
  clientId?: string;
  account?: string;
  scopes?: string[];
  /** Seconds from now; negative gives an already expired token; null no expiry (default: the configured lifetime). */
  accessExpiresIn?: number | null;
  /** Seconds from now, or null for none (default: the configured lifetime). */
  refreshExpiresIn?: number | null;
  /** Issue a refresh token too (default true). */
  refresh?: boolean;
}

export interface IssuedTokens {
  grantId: string;
  accessToken: string;
  accessExpiresAt: number | null;
  refreshToken?: string;
  refreshExpiresAt?: number | null;
}

export type RefreshTokenState = 'active' | 'rotated' | 'revoked' | 'expired';
