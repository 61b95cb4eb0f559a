/**
 * An integration as the rest of Switchboard uses it (the engine, the proxy, accounts, the connect page).
 * Integrations are written with `defineIntegration` (`kit/define.ts`), mostly as data; this is what it
 * builds. Adding an integration means adding one folder and one line in `registry.ts`.
 */
import type { Caller, UnifiedResourceMapping } from '../unified/types.ts';
import type { UpstreamCall, UpstreamResponse } from '../upstream/types.ts';
import type { AuthKind, CredentialField, Injection, OAuth2Auth } from './kit/auth.ts';
import type { ProxyResource } from './kit/resource.ts';

export type { CredentialField } from './kit/auth.ts';
export type { GetDefinition, ListDefinition, ProxyQuery, ProxyResource, ProxyWrite } from './kit/resource.ts';

export interface AsyncCheck {
  status: 'pending' | 'completed' | 'failed';
  outcome?: unknown;
}

/** An account's context: credentials, OAuth tokens and configuration. */
export type AccountContext = Record<string, unknown>;

export interface VendorErrorVerdict {
  /** The vendor says the caller is over its rate limit (whatever HTTP status it used). */
  rateLimited: boolean;
  /** The vendor refused the credentials (wrong keys, expired or revoked token, deactivated key owner). */
  unauthorized: boolean;
  /** The credentials work but lack a permission (a missing OAuth scope, an admin-only endpoint). */
  forbidden?: boolean;
  message: string;
  /** The vendor's own error code, when it gives one. */
  vendorCode?: string;
  /**
   * The status Switchboard should answer when the vendor's own is misleading (LeadSquared sends validation
   * and duplicate errors as HTTP 500): e.g. 400, 409, 422. Undefined: derived from the vendor's status.
   */
  clientStatus?: number;
}

export interface RateWindow {
  calls: number;
  windowSeconds: number;
}

/** How the vendor's own rate-limit headers read (a budget Switchboard honours on top of its pacing). */
export interface RateHeaders {
  /** Calls left in the vendor's current window. */
  remaining?: string;
  /** When the window resets: seconds from now, an epoch (seconds or milliseconds), or a date (Teamleader's ISO 8601). */
  reset?: { header: string; unit: 'seconds' | 'epoch-seconds' | 'epoch-ms' | 'ms' | 'date' };
}

export interface RateLimitPolicy extends RateWindow {
  /** Further windows counted at the same time (e.g. a daily cap beside a per-10-seconds one). */
  more?: RateWindow[];
  headers?: RateHeaders;
}

export interface IntegrationDefinition {
  name: string;
  label: string;
  /** Truto's category (`crm`, `marketing_automation`, `user_directory`, …). */
  category: string;
  /** The vendor's developer docs (shown in `GET /integration`). */
  docsUrl?: string;
  /** Ways to connect, the default first. */
  auth: AuthKind[];
  /** Non-credential configuration fields the account holds (an API host, a subdomain). */
  config: CredentialField[];
  /** Every field of every auth kind and the configuration (what contexts are checked against). */
  credentials: CredentialField[];
  /** The upstream origin (scheme://host[:port]) for an account, from its context. */
  upstreamOrigin(context: AccountContext): string;
  /** Whether the vendor itself serves this origin (operators may allow more; see the host guard). */
  servesOrigin(origin: URL): boolean;
  /** Names the origins `servesOrigin` accepts, for error messages. */
  servedOriginsHint: string;
  /** Path prefix of every API call under the origin (LeadSquared: `/v2`). */
  basePath: string;
  /**
   * The path prefix for one account, when it depends on the context (Pipeliner's
   * `/api/v100/rest/spaces/{space_id}`); `basePath` when absent. Use `basePathOf`.
   */
  basePathFor?(context: AccountContext): string;
  /** The account's auth kind (`context.authentication_method`, else inferred from its credentials). */
  authKindOf(context: AccountContext): AuthKind;
  /** Where an account's credentials go on each upstream call (OAuth: its current access token). */
  authorize(context: AccountContext): Injection;
  /**
   * A cheap read that proves the credentials work; run when an account is created or reconnected. A
   * function when the call needs the account's context (HighLevel's location id).
   */
  validation?: UpstreamCall | ((context: AccountContext) => UpstreamCall);
  /** The vendor's published budget per account, unless the account overrides it. */
  rateLimit: RateLimitPolicy;
  /** Recognises vendor errors, including ones sent with HTTP 200. Undefined = not an error. */
  detectError(response: UpstreamResponse): VendorErrorVerdict | undefined;
  /**
   * Finds where an account really lives from its credentials alone (LeadSquared: any regional host
   * answers `UserByAccessKey.Get` with the account's own host). Asks `probeOrigins` in parallel (the
   * vendor's default host when none are given); `apiHost` is the context value to store.
   */
  discoverOrigin?(
    context: AccountContext,
    options?: { probeOrigins?: readonly string[]; timeoutMs?: number },
  ): Promise<
    | { kind: 'found'; apiHost: string; probedOrigin: string; accountName?: string; userName?: string }
    | { kind: 'unauthorized'; message: string }
    | { kind: 'unreachable'; message: string }
  >;
  /** The vendor's own resources, one-to-one (`/proxy/{resource}`). */
  proxy: Record<string, ProxyResource>;
  /** Unified mappings by `model/resource` (e.g. `crm/users`). */
  unified: Record<string, UnifiedResourceMapping>;
  /** How to check a tracked async operation against the vendor, by kind (see `src/async-requests/`). */
  asyncChecks?: Record<string, (caller: Caller, details: Record<string, unknown>) => Promise<AsyncCheck>>;
}

/** The validation call for an account's context, if the integration has one. */
export function validationCall(
  integration: IntegrationDefinition,
  context: AccountContext,
): UpstreamCall | undefined {
  const validation = integration.validation;
  return typeof validation === 'function' ? validation(context) : validation;
}

/** The integration's OAuth kind, if it has one. */
export function oauthKindOf(integration: IntegrationDefinition): OAuth2Auth | undefined {
  return integration.auth.find((kind): kind is OAuth2Auth => kind.kind === 'oauth2');
}

/** The path prefix of every API call for an account (an integration's `basePathFor`, else its `basePath`). */
export function basePathOf(integration: IntegrationDefinition, context: AccountContext): string {
  return integration.basePathFor?.(context) ?? integration.basePath;
}
